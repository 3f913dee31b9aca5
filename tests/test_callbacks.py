"""Moderation callbacks make proposals (issue 19 part 3): POST /tencent/callback?token=… is a
hint only. Forged ones change nothing and send nothing; a confirmed one makes one proposal,
decided once by on-call (Cancel stream / Dismiss); a flood makes one; a crash after the 200
loses nothing. Driven as Tencent and Slack drive the bot, against their stand-ins."""

from __future__ import annotations

import json
import threading

import pytest
import requests
import sqlalchemy as sa

from bot.store.schema import requests_table, tasks_table
from tests.conftest import job
from tests.fakes.ci_server import Fault, Snapshot
from tests.harness import APPROVALS, AUDIT, ONCALL, ONCALL2, OUTSIDER, Bot, age_requests, bot_env

TOKEN = "cb-token-0123456789abcdef"
FRAME_URL = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/snapshot/flagged.jpg?q-signature=secret"
EAGER = dict(HEARTBEAT_SECONDS="0.5", PRESUMED_DEAD_SECONDS="2")  # a killed process is taken over in 2 s


def simple_body(job_id, result=1) -> dict:
    """The documented Simple callback (X-Ci-Content-Version: Simple)."""
    return {
        "code": 0,
        "message": "",
        "data": {
            "event": "ReviewVideo",
            "trace_id": job_id,
            "url": "rtmp://live.example.com/app/stream",
            "result": result,
            "forbidden_status": 0,
            "data_id": "biz-1",
            "porn_info": {"hit_flag": 1, "label": "Porn", "count": 3},
            "ads_info": {"hit_flag": 0, "label": "", "count": 0},
        },
    }


def detail_body(job_id, result=1) -> dict:
    """The documented Detail callback: the query's JobsDetail as JSON, plus bucket fields."""
    return {
        "EventName": "ReviewVideo",
        "JobsDetail": {
            "Code": "Success",
            "Message": "Success",
            "DataId": "biz-1",
            "JobId": job_id,
            "State": "Auditing",
            "CreationTime": "2026-11-24T10:00:00+0800",
            "Type": "live_video",
            "Url": "rtmp://live.example.com/app/stream",
            "SnapshotCount": 1,
            "Result": result,
            "Label": "Porn",
            "PornInfo": {"HitFlag": 1, "Count": 1},
            "Snapshot": [{"Url": FRAME_URL, "SnapshotTime": 1764720000000, "Label": "Porn", "Result": 1, "PornInfo": {"HitFlag": 1, "Score": 99}}],
            "AudioSection": [],
            "BucketId": "examplebucket-1250000000",
            "Region": "ap-beijing",
            "ForbidState": 0,
            "CosHeaders": {},
        },
    }


def callback(bot, body, token=TOKEN, version="Simple", data: bytes | None = None, method="POST", headers=None):
    raw = data if data is not None else json.dumps(body).encode()
    url = f"{bot.url}/tencent/callback" + ("" if token is None else f"?token={token}")
    sent = {"Content-Type": "application/json", "X-Ci-Content-Version": version, **(headers or {})}
    return requests.request(method, url, data=raw, headers=sent, timeout=5)


def flagged_job(ci, n=1, result=1, state="Auditing"):
    """A job whose answer and its one snapshot both carry `result`."""
    snapshot = Snapshot(1764720000000, result=result, url=FRAME_URL)
    return ci.add_job(job(n), data_id="biz-1", result=result, label="Porn", state=state, snapshots=[snapshot])


def callback_tasks(store) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(tasks_table).where(tasks_table.c.kind == "callback")))


def proposals(store) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(requests_table).where(requests_table.c.kind == "proposal")))


def looked_into(store, count: int = 1) -> bool:
    """At least `count` callback tasks, every one finished."""
    tasks = callback_tasks(store)
    return len(tasks) >= count and all(t.done_at is not None for t in tasks)


def events(bot):
    return [e.event for e in bot.runtime.store.audit.entries()]


def buttons(call) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in call.args["blocks"] for e in b.get("elements", []) if "action_id" in e}


def test_without_callback_token_there_is_no_endpoint(bot, ci):
    flagged_job(ci)
    assert callback(bot, simple_body(job(1)), token="").status_code == 404
    assert callback(bot, simple_body(job(1)), token=TOKEN).status_code == 404
    assert callback_tasks(bot.runtime.store) == [] and ci.arrivals == []


def test_forged_callbacks_change_nothing_and_send_nothing(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    good = simple_body(job(1))
    assert callback(bot, good, token=None).status_code == 404
    assert callback(bot, good, token="cb-token-0123456789abcdeX").status_code == 404
    assert callback(bot, good, token=TOKEN + "x").status_code == 404
    assert callback(bot, good, method="GET").status_code == 405
    oversized = json.dumps({**good, "pad": "x" * (64 * 1024)}).encode()
    assert callback(bot, None, data=oversized).status_code == 413
    assert callback(bot, None, data=b"{" * 100).status_code == 400
    assert callback(bot, None, data=b"\xff\xfe not json").status_code == 400
    assert callback(bot, None, data=b"[" * 60000 + b"]" * 60000).status_code == 413
    assert callback(bot, None, data=b"[" * 30000 + b"]" * 30000).status_code == 400  # nested too deep to parse
    assert callback(bot, good, token=TOKEN + "&a=1" * 20).status_code == 404
    chunked = requests.post(f"{bot.url}/tencent/callback?token={TOKEN}", data=iter([json.dumps(good).encode()]), timeout=5)
    assert chunked.status_code == 411  # no length given: nothing is read blindly
    hostile = [
        "../../video/cancel_auditing/" + job(1),
        job(1) + "/../x",
        job(1) + "?a=b",
        job(1) + "%2F",
        job(1).upper(),
        job(1)[:-1] + "g",
        job(1)[:-1] + "\u0430",  # a Cyrillic look-alike
        job(1) + "0",
        " " + job(1),
        "duplicates",
        "",
        None,
        123,
        [job(1)],
        {"id": job(1)},
    ]
    for job_id in hostile:
        assert callback(bot, simple_body(job_id)).status_code == 400, job_id
        assert callback(bot, detail_body(job_id), version="Detail").status_code == 400, job_id
    both = {**simple_body(job(1)), "JobsDetail": {"JobId": job(2)}}  # two JobIds that disagree
    assert callback(bot, both).status_code == 400
    assert callback(bot, {"data": "nothing"}).status_code == 400
    assert callback_tasks(bot.runtime.store) == []
    assert ci.arrivals == [] and slack.calls == [] and events(bot) == []


def test_claims_the_query_does_not_confirm_make_no_proposal(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN, PROPOSE_RESULTS="1")
    ci.add_job(job(1), result=0, label="Normal")  # the service says: nothing flagged
    flagged_job(ci, 2, state="Success")  # flagged, but ended
    flagged_job(ci, 3, result=2)  # suspected only; PROPOSE_RESULTS=1
    ci.add_job(job(4))  # no Result at all
    claims = [job(1), job(2), job(3), job(4), job(5)]  # job(5): unknown to the service
    for job_id in claims:
        assert callback(bot, simple_body(job_id)).status_code == 200
    store = bot.runtime.store
    slack.wait_for(lambda: looked_into(store, len(claims)), what="every callback looked into")
    assert len(ci.requests_for("/video/auditing/")) == len(claims)
    assert proposals(store) == [] and events(bot) == []
    assert ci.requests_for("cancel_auditing") == [] and slack.calls == []


def test_a_callback_saying_nothing_was_flagged_is_acknowledged_and_dropped(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    assert callback(bot, simple_body(job(1), result=0)).status_code == 200
    assert callback(bot, detail_body(job(1), result=0), version="Detail").status_code == 200
    assert callback_tasks(bot.runtime.store) == [] and ci.arrivals == []


@pytest.mark.parametrize("body", [simple_body, detail_body], ids=["Simple", "Detail"])
def test_a_confirmed_callback_proposes_and_cancel_stream_cancels_once(make_bot, ci, slack, body):
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    answer = callback(bot, body(job(1)), version=body.__name__.split("_")[0].capitalize())
    assert answer.status_code == 200
    card = slack.wait_calls("chat.postMessage", channel=APPROVALS)[0]
    shown = json.dumps(card.args)
    assert f"<@{ONCALL}>" in card.args["text"] and job(1) in shown and "Tencent moderation" in shown
    assert "rtmp://live.example.com/app/stream" in shown and "violation" in shown
    assert "flagged.jpg" not in json.dumps([c.args for c in slack.calls])  # no flagged image, ever
    actions = buttons(card)
    assert set(actions) == {"cancel_stream", "dismiss_proposal", "refresh_evidence"}
    assert "Porn 1" in shown and "Evidence read" in shown and card.args.get("unfurl_links") is False
    proposal_id = actions["cancel_stream"]
    bot.click(OUTSIDER, "cancel_stream", proposal_id, response_name="outsider")
    slack.wait_response(lambda c: c.method.endswith("outsider") and "Only on-call" in c.args["text"])
    for user in (ONCALL, ONCALL2, ONCALL):
        bot.click(user, "cancel_stream", proposal_id, response_name=f"c-{user}")
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the stream cancelled")
    final = slack.wait_calls("chat.update", 2, channel=APPROVALS)[-1]
    assert "Cancelled 1 job(s)" in json.dumps(final.args["blocks"]) and "cancel_stream" not in json.dumps(final.args["blocks"])
    slack.wait_calls("chat.postMessage", 5, channel=AUDIT)
    assert events(bot) == ["proposed", "refused", "approved", "started", "cancelled"]
    assert len(ci.requests_for("cancel_auditing")) == 1
    proposed = bot.runtime.store.audit.entries()[0]
    assert proposed.detail["result"] == 1 and proposed.detail["job_ids"] == [job(1)] and "flagged.jpg" not in json.dumps(proposed.detail)
    assert slack.calls_to("chat.postMessage", channel="tencent-moderation") == []  # the proposer is no Slack user


def test_dismiss_is_decided_once_by_on_call_and_cancels_nothing(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    callback(bot, simple_body(job(1)))
    proposal_id = buttons(slack.wait_calls("chat.postMessage", channel=APPROVALS)[0])["dismiss_proposal"]
    bot.click(ONCALL, "dismiss_proposal", proposal_id)
    update = slack.wait_calls("chat.update", channel=APPROVALS)[0]
    assert "Dismissed by <@U0ONCALL1>" in json.dumps(update.args["blocks"])
    bot.click(ONCALL2, "cancel_stream", proposal_id, response_name="late")
    slack.wait_response(lambda c: c.method.endswith("late") and "Already" in c.args["text"])
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["proposed", "dismissed"]
    assert ci.requests_for("cancel_auditing") == [] and ci.jobs[job(1)].state == "Auditing"


def test_twenty_callbacks_for_one_job_make_one_proposal(make_bot, ci, slack):
    first, second = make_bot(CALLBACK_TOKEN=TOKEN), make_bot(CALLBACK_TOKEN=TOKEN)  # two processes, one database
    for bot in (first, second):  # about coalescing, not the 1 s answer (tests/unit/serve): a loaded CI may store slowly
        bot.runtime.callbacks.store_seconds = 5.0
    flagged_job(ci)
    barrier = threading.Barrier(20)
    answers: list[int] = []

    def send(i):
        barrier.wait()
        answers.append(callback(first if i % 2 else second, simple_body(job(1)) if i % 3 else detail_body(job(1)), version="Simple").status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert answers == [200] * 20
    store = first.runtime.store
    slack.wait_for(lambda: looked_into(store), what="the callbacks looked into")
    slack.wait_calls("chat.postMessage", channel=APPROVALS)
    slack.wait_calls("chat.postMessage", channel=AUDIT)
    assert len(proposals(store)) == 1 and events(first) == ["proposed"]
    assert len(slack.calls_to("chat.postMessage", channel=APPROVALS)) == 1
    assert len(ci.requests_for("/video/auditing/")) <= 4  # coalesced: each process looks once, maybe twice
    assert callback(first, simple_body(job(1))).status_code == 200  # within the cooldown: no query, no proposal
    slack.wait_for(lambda: looked_into(store), what="the late callback looked into")
    assert len(proposals(store)) == 1


def test_after_the_cooldown_a_new_flag_proposes_again(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN, PROPOSAL_COOLDOWN_SECONDS="60")
    flagged_job(ci)
    callback(bot, simple_body(job(1)))
    proposal_id = buttons(slack.wait_calls("chat.postMessage", channel=APPROVALS)[0])["dismiss_proposal"]
    bot.click(ONCALL, "dismiss_proposal", proposal_id)
    slack.wait_calls("chat.update", channel=APPROVALS)
    store = bot.runtime.store
    callback(bot, simple_body(job(1)))  # dismissed, but within the cooldown
    slack.wait_for(lambda: looked_into(store, 2), what="the second callback looked into")
    assert len(proposals(store)) == 1
    age_requests(store, 61)
    callback(bot, simple_body(job(1)))
    slack.wait_calls("chat.postMessage", 2, channel=APPROVALS)
    assert len(proposals(store)) == 2


def test_a_crash_right_after_the_acknowledgement_still_yields_the_proposal(ci, slack, database_url):
    env = bot_env(ci, slack, database_url, CALLBACK_TOKEN=TOKEN, **EAGER)
    flagged_job(ci)
    released = threading.Event()
    ci.script(job(1), Fault.hold(released))  # the first process's query never comes back
    before = Bot(env, slack)
    try:
        assert callback(before, simple_body(job(1))).status_code == 200
        slack.wait_for(lambda: len(ci.requests_for("/video/auditing/")) == 1, what="the query under way")
        before.kill()  # like kill -9, right after the 200
        after = Bot(env, slack)
        try:
            card = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)[0]
            assert {"cancel_stream", "dismiss_proposal"} <= set(buttons(card))
            slack.wait_calls("chat.postMessage", channel=AUDIT)
            assert events(after) == ["proposed"]
        finally:
            after.stop()
    finally:
        released.set()
        before.bury()  # its look, released, ends here: not in the next test's database


def test_a_proposal_is_on_home_reminded_and_expires_like_a_request(make_bot, ci, slack):
    bot = make_bot(CALLBACK_TOKEN=TOKEN, APPROVAL_TTL_SECONDS="30", APPROVAL_REMINDER_SECONDS="1")
    flagged_job(ci)
    callback(bot, simple_body(job(1)))
    card = slack.wait_calls("chat.postMessage", channel=APPROVALS)[0]
    reminder = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.args.get("thread_ts")], what="the reminder"
    )[0]
    assert f"<@{ONCALL}>" in reminder.args["text"] and "Tencent moderation" in reminder.args["text"]
    bot.home_opened(ONCALL)
    home = json.dumps(slack.wait_calls("views.publish")[0].args)
    assert "cancel_stream" in home and "dismiss_proposal" in home and "proposes cancelling" in home
    age_requests(bot.runtime.store, 31)
    update = slack.wait_calls("chat.update", channel=APPROVALS)[0]
    assert "Expired" in json.dumps(update.args["blocks"]) and update.args["ts"] == card.result["ts"]
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["proposed", "expired"]
    assert not any(c.args.get("channel") == "tencent-moderation" for c in slack.calls)


def test_in_socket_mode_callbacks_are_served_on_the_metrics_port(make_bot, ci, slack):
    from bot.observe import metrics

    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    server = metrics.serve("", bot.runtime.store, port=0, host="127.0.0.1", routes={"/tencent/callback": bot.runtime.callbacks})
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert requests.get(f"{base}/metrics", timeout=5).status_code == 404  # no METRICS_TOKEN: no /metrics
        wrong = requests.post(f"{base}/tencent/callback?token=nope-nope-nope-nope", json=simple_body(job(1)), timeout=5)
        assert wrong.status_code == 404
        assert requests.post(f"{base}/tencent/callback?token={TOKEN}", json=simple_body(job(1)), timeout=5).status_code == 200
        slack.wait_calls("chat.postMessage", channel=APPROVALS)
    finally:
        server.shutdown()
        server.server_close()


def test_a_flood_of_callbacks_is_bounded_and_never_delays_a_decision(make_bot, ci, slack):
    """Callbacks for many jobs whose queries hang fill the look-up lane and the queue: those
    beyond WORK_QUEUE_LIMIT are refused (503, nothing acknowledged), and an approval meanwhile
    still reaches Tencent at once."""
    from tests.harness import MOD

    bot = make_bot(CALLBACK_TOKEN=TOKEN, WORK_QUEUE_LIMIT="5", WORKER_THREADS="4")  # 2 look-up threads
    bot.runtime.callbacks.store_seconds = 5.0  # refused for the queue's bound only, never for a slow store on a loaded CI
    ci.add_job(job(100), data_id="biz")
    bot.command(MOD, f"{job(100)} please stop")
    request_id = bot.request_id_from_approval()
    released = threading.Event()
    try:
        for n in range(1, 31):
            flagged_job(ci, n)
            ci.script(job(n), Fault.hold(released))
        answers = [callback(bot, simple_body(job(n))).status_code for n in range(1, 31)]
        assert set(answers) == {200, 503} and answers[:5] == [200] * 5
        assert len(callback_tasks(bot.runtime.store)) == answers.count(200)  # every 200 stored; no 503 stored
        bot.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: ci.jobs[job(100)].state == "Cancelled", timeout=5, what="the approved cancel, ahead of the flood")
    finally:
        released.set()
    store = bot.runtime.store
    slack.wait_for(lambda: looked_into(store, answers.count(200)), timeout=20, what="every stored callback looked into")
    assert len(proposals(store)) == answers.count(200)


def test_under_gunicorn_a_chunked_callback_is_read_up_to_the_cap(ci, slack, database_url, tmp_path):
    """`python -m bot http`: gunicorn ends a chunked body itself, so one without Content-Length
    is read, never past 64 KB + 1 byte; the callback makes its proposal."""
    from tests.test_process import RESTARTS_NOTICED, Process

    flagged_job(ci)
    process = Process(bot_env(ci, slack, database_url, CALLBACK_TOKEN=TOKEN, **RESTARTS_NOTICED), slack, tmp_path / "bot.log")
    try:
        url = f"{process.client.url}/tencent/callback?token={TOKEN}"
        huge = iter([b'{"pad": "', b"x" * (64 * 1024), b'"}'])
        assert requests.post(url, data=huge, timeout=5).status_code == 413
        assert requests.post(f"{process.client.url}/tencent/callback?token=wrong-token-0123456789", json={}, timeout=5).status_code == 404
        assert requests.post(url, data=iter([json.dumps(simple_body(job(1))).encode()]), timeout=5).status_code == 200
        card = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)[0]
        assert {"cancel_stream", "dismiss_proposal"} <= set(buttons(card))
        assert TOKEN not in (tmp_path / "bot.log").read_text()  # the URL's token is never logged
    finally:
        process.close()
