"""Review of issue 19 (evidence before a decision; moderation callbacks make proposals):
reproductions of guarantees that did not hold, each written to fail first. A test still marked
`xfail(strict=True)` fails today (the suite turns red once the product is fixed: then drop the
mark); the others pass since their fix. Each says what the contract promises.
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.store.schema import tasks_table
from tests.conftest import job
from tests.fakes.ci_server import Fault, Snapshot
from tests.harness import APPROVALS, CHANNEL, MOD, ONCALL, Bot, bot_env
from tests.slack.test_evidence import FRAME, STREAM, T0
from tests.targets import targets_env
from tests.test_callbacks import TOKEN, buttons, callback, callback_tasks, flagged_job, looked_into, proposals, simple_body


def test_a_callback_is_not_lost_while_another_target_cannot_be_asked(make_bot, ci, sg, partner, slack):
    """The job is flagged in bj; sg answers 503 for a while. The callback was acknowledged, so
    once sg answers again the proposal must still come: the task is retried, not finished."""
    for _ in range(40):  # sg is down for the first look (every retry of it)
        sg.script("*", Fault.error(503, "InternalError", "down"))
    bot = make_bot(CALLBACK_TOKEN=TOKEN, **targets_env(ci, sg, partner))
    flagged_job(ci)
    assert callback(bot, simple_body(job(1))).status_code == 200
    store = bot.runtime.store
    slack.wait_for(lambda: sg.requests_for("/video/auditing/"), what="sg asked (and failing)")
    slack.wait_for(lambda: looked_into(store) or len(sg.requests_for("/video/auditing/")) >= 6, timeout=20, what="the look given up")
    assert proposals(store) == []
    with sg.lock:
        sg.faults.clear()  # sg is back
    slack.wait_for(lambda: proposals(store), timeout=20, what="the proposal, once sg answers again")
    card = slack.wait_calls("chat.postMessage", channel=APPROVALS)[0]
    assert "cancel_stream" in buttons(card)


def test_a_job_the_card_shows_ended_gets_no_cancel_after_a_restart(ci, slack, database_url):
    """The card said `ended` (a Refresh read it); the process restarts (a deploy) before on-call
    clicks Approve. The checked cancel forgets what the card showed: it only knows the answer
    read when the card was first posted (running) and this process's memory (empty)."""
    env = bot_env(ci, slack, database_url)
    ci.add_job(job(1), data_id="room-1", result=1, label="Porn")
    before = Bot(env, slack)
    try:
        before.command(MOD, f"{job(1)} porn on stream")
        request_id = before.request_id_from_approval()
        ci.jobs[job(1)].state = "Success"  # moderation ended by itself
        before.runtime.workflow.evidence.fresh_seconds = 0
        before.click(ONCALL, "refresh_evidence", request_id)
        shown = slack.wait_calls("chat.update", channel=APPROVALS)[-1]
        assert "*ended* (State Success)" in json.dumps(shown.args["blocks"])
    finally:
        before.stop()
    after = Bot(env, slack)
    try:
        after.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: after.runtime.store.requests.get(request_id).outcome, what="the outcome")
        assert ci.requests_for("cancel_auditing") == []  # the card said ended: nothing to send
    finally:
        after.stop()


def test_a_callback_acknowledged_during_a_long_ci_outage_still_proposes(make_bot, ci, slack):
    """The query API answers 503 for several minutes (12 tries with backoff, about 7 minutes):
    the callback's task is given up, so when the service is back no proposal ever comes. The
    minutes are skipped by moving the task's tries forward, as age_requests moves the clock."""
    bot = make_bot(CALLBACK_TOKEN=TOKEN, CI_MAX_ATTEMPTS="1")
    flagged_job(ci)
    for _ in range(200):
        ci.script(job(1), Fault.error(503, "InternalError", "down"))
    assert callback(bot, simple_body(job(1))).status_code == 200
    store = bot.runtime.store
    [task] = slack.wait_for(lambda: [t for t in callback_tasks(store) if t.attempts >= 1 and t.owner is None], what="the first try failed")
    with store.engine.begin() as conn:  # eleven tries have failed by now (about 7 minutes of outage)
        conn.execute(sa.update(tasks_table).where(tasks_table.c.key == task.key, tasks_table.c.owner.is_(None)).values(attempts=11, next_at=0))
    [after] = slack.wait_for(
        lambda: [t for t in callback_tasks(store) if t.done_at is not None or (t.attempts >= 12 and t.owner is None)], what="the twelfth try"
    )
    assert not (after.error or "").startswith("given up"), after.error  # acknowledged: it must be looked into once CI is back
    with ci.lock:
        ci.faults.clear()  # the service is back
    with store.engine.begin() as conn:
        conn.execute(sa.update(tasks_table).where(tasks_table.c.key == task.key, tasks_table.c.owner.is_(None)).values(next_at=0))
    slack.wait_for(lambda: proposals(store), timeout=20, what="the proposal once the service is back")


def test_a_callback_is_not_lost_while_the_target_refuses_access(make_bot, ci, slack):
    """AccessDenied says the target cannot be asked (the contract counts it with network errors
    and 5xx), not that the job is unknown: the acknowledged callback must be looked into again."""
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    flagged_job(ci)
    ci.script(job(1), Fault.error(403, "AccessDenied", "the key's policy is being updated"))
    assert callback(bot, simple_body(job(1))).status_code == 200
    store = bot.runtime.store
    slack.wait_for(lambda: ci.requests_for("/video/auditing/"), what="the first look, refused")
    slack.wait_for(lambda: proposals(store) or looked_into(store), what="the look finished or retried")
    with store.engine.begin() as conn:  # skip any retry backoff
        conn.execute(sa.update(tasks_table).where(tasks_table.c.kind == "callback", tasks_table.c.owner.is_(None)).values(next_at=0))
    slack.wait_for(lambda: proposals(store), timeout=15, what="the proposal once access is back")


def test_a_status_answer_sent_by_the_fallback_route_is_never_unfurled(make_bot, ci, slack):
    """The response_url is gone (expired): the `status` answer, with the stream URL, goes by
    chat.postEphemeral, and that post does not say unfurl_links/unfurl_media false."""
    bot = make_bot()
    ci.add_job(job(1), data_id="room-1", url=STREAM, result=1, label="Porn", snapshots=[Snapshot(T0, url=FRAME)])
    slack.expired.add("gone")
    bot.command(ONCALL, f"status {job(1)}", response_name="gone")
    [post] = slack.wait_for(lambda: [c for c in slack.calls_to("chat.postEphemeral") if STREAM in json.dumps(c.args)], what="the answer")
    assert post.args.get("unfurl_links") is False and post.args.get("unfurl_media") is False


def test_callbacks_being_stored_never_turn_a_decision_away(ci, slack, tmp_path):
    """The database is slow for a moment (here: another writer holds SQLite's lock). Callbacks
    arriving then reserve the queue's places while their store waits; an urgent click arriving
    meanwhile finds no queued lower-class task to displace and is refused as "too busy",
    although the database answers again well within its acknowledgement budget."""
    import sqlite3
    import threading

    path = tmp_path / "bot.db"
    bot = Bot(bot_env(ci, slack, f"sqlite:///{path}", CALLBACK_TOKEN=TOKEN, WORK_QUEUE_LIMIT="5"), slack)
    locker = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        ci.add_job(job(100), data_id="biz")
        bot.command(MOD, f"{job(100)} please stop")
        request_id = bot.request_id_from_approval()
        for n in range(1, 6):
            flagged_job(ci, n)
        locker.execute("BEGIN IMMEDIATE")  # the database is busy for a moment
        senders = [threading.Thread(target=callback, args=(bot, simple_body(job(n)))) for n in range(1, 6)]
        for t in senders:
            t.start()
        slack.wait_for(lambda: sum(bot.runtime.work.admission._reserved.values()) >= 5, timeout=5, what="the callbacks' stores under way")
        clicked = threading.Event()
        threading.Thread(target=lambda: (bot.click(ONCALL, "approve_request", request_id), clicked.set())).start()
        clicked.wait(1.0)  # answered at once (shed), or waiting for the store: the database is back after 1 s
        locker.execute("ROLLBACK")
        for t in senders:
            t.join(10)
        slack.wait_for(lambda: ci.jobs[job(100)].state == "Cancelled", timeout=10, what="the approved cancel")
    finally:
        locker.close()
        bot.stop()


def test_a_flagged_snapshot_without_a_job_level_result_still_proposes(make_bot, ci, slack):
    """The query's answer has no top-level Result yet (a live job still being moderated) but
    lists a Snapshot with Result 1: the card itself counts it as a flag (`Porn 1`), the callback
    says so, yet the callback's look ignores it and proposes nothing."""
    bot = make_bot(CALLBACK_TOKEN=TOKEN)
    ci.add_job(job(1), data_id="biz-1", result=None, snapshots=[Snapshot(T0, label="Porn", result=1, url=FRAME)])
    assert callback(bot, simple_body(job(1))).status_code == 200
    store = bot.runtime.store
    slack.wait_for(lambda: looked_into(store), what="the callback looked into")
    assert len(proposals(store)) == 1


def test_retry_failed_sends_no_cancel_for_a_job_seen_ended(make_bot, ci, slack):
    """The first cancel was refused (AccessDenied); the job then ended by itself and `status`
    shows it ended. Retry failed (audited `approved`) sends the cancel again and reports
    Tencent's InvalidArgument failure, not "already ended: no cancel sent"."""
    bot = make_bot()
    ci.add_job(job(1), data_id="room-1", url=STREAM, result=1, label="Porn", snapshots=[Snapshot(T0, url=FRAME)])
    ci.script(job(1), Fault.error(403, "AccessDenied", "not allowed"))
    bot.command(ONCALL, f"{job(1)} stop it")
    result = slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if "retry_failed" in json.dumps(c.args)])[-1]
    retry = next(e["value"] for b in result.args["blocks"] for e in b.get("elements", []) if e.get("action_id") == "retry_failed")
    ci.jobs[job(1)].state = "Success"  # moderation ended by itself
    bot.runtime.workflow.evidence.fresh_seconds = 0
    bot.command(ONCALL, f"status {job(1)}", response_name="status")
    slack.wait_response(lambda c: c.method.endswith("status") and "*ended* (State Success)" in json.dumps(c.args.get("blocks")))
    bot.click(ONCALL, "retry_failed", retry, channel=CHANNEL)
    [final] = slack.wait_for(
        lambda: [
            c
            for c in slack.calls_to("chat.update", channel=CHANNEL)
            if "no cancel sent" in json.dumps(c.args) or "InvalidArgument" in json.dumps(c.args)
        ],
        what="the retried result",
    )
    assert len(ci.requests_for("cancel_auditing")) == 1  # the refused first one only
    assert "no cancel sent" in json.dumps(final.args["blocks"])
