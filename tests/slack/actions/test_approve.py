"""Approve: one decision however many clicks, processes or restarts; every refusal answered."""

from __future__ import annotations

import json
import threading

from bot.domain.execution_task import execute_task
from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, ONCALL2, OUTSIDER, Bot, age_requests, bot_env
from tests.slack.blockkit import assert_all_sent_blocks_valid


def request_by_mod(bot, ci, slack, *jobs):
    for j in jobs:
        ci.add_job(j, data_id="biz")
    bot.command(MOD, " ".join(jobs) + " please stop")
    return bot.request_id_from_approval()


def events(bot):
    return [e.event for e in bot.runtime.store.audit.entries()]


def test_approval_removes_buttons_then_shows_outcome_and_tells_requester(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1), job(2))
    status, _, _ = bot.click(ONCALL, "approve_request", request_id)
    assert status == 200
    updates = slack.wait_calls("chat.update", 2, channel=APPROVALS)
    first, final = json.dumps(updates[0].args["blocks"]), json.dumps(updates[1].args["blocks"])
    # Each update shows the request as it is when delivered: buttons gone, approver named.
    assert "Approved by <@U0ONCALL1>" in first and "approve_request" not in first
    assert "Cancelled 2 job(s)" in final and "approve_request" not in final
    dm = slack.wait_calls("chat.postMessage", channel=MOD)
    assert "approved by <@U0ONCALL1>" in dm[0].args["text"]
    assert ci.jobs[job(1)].state == ci.jobs[job(2)].state == "Cancelled"
    slack.wait_calls("chat.postMessage", 4, channel=AUDIT)
    assert events(bot) == ["requested", "approved", "started", "cancelled"]
    assert_all_sent_blocks_valid(slack)


def test_requester_and_outsider_cannot_decide(make_bot, ci, slack):
    bot = make_bot(FOUR_EYES="true")
    ci.add_job(job(1))
    bot.command(ONCALL, f"{job(1)} four eyes please")  # on-call, but four-eyes: goes to approval
    request_id = bot.request_id_from_approval()
    bot.click(ONCALL, "approve_request", request_id, response_name="self")
    slack.wait_response(lambda c: c.method.endswith("self") and "your own request" in c.args["text"])
    bot.click(OUTSIDER, "approve_request", request_id, response_name="outsider")
    slack.wait_response(lambda c: c.method.endswith("outsider") and "Only on-call" in c.args["text"])
    assert ci.jobs[job(1)].state == "Auditing"
    bot.click(ONCALL2, "approve_request", request_id)
    slack.wait_calls("chat.update", 2, channel=APPROVALS)
    assert ci.jobs[job(1)].state == "Cancelled"
    slack.wait_calls("chat.postMessage", 6, channel=AUDIT)
    assert events(bot) == ["requested", "refused", "refused", "approved", "started", "cancelled"]


def test_ten_simultaneous_clicks_on_two_processes_send_one_cancel(make_bot, ci, slack):
    first = make_bot()
    second = make_bot()  # a second bot process on the same database
    request_id = request_by_mod(first, ci, slack, job(1))
    barrier = threading.Barrier(10)

    def click(i):
        barrier.wait()
        bot = first if i % 2 else second
        bot.click(ONCALL if i % 3 else ONCALL2, "approve_request", request_id, response_name=f"c{i}")

    threads = [threading.Thread(target=click, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    slack.wait_for(
        lambda: len([c for c in slack.responses if "Already approved" in c.args.get("text", "")]) == 9, what="nine 'already approved' answers"
    )
    slack.wait_calls("chat.update", 2, channel=APPROVALS)
    assert len(ci.requests_for("cancel_auditing")) == 1
    slack.wait_calls("chat.postMessage", 4, channel=AUDIT)
    assert events(first) == ["requested", "approved", "started", "cancelled"]


def test_expired_request_loses_its_buttons_and_cannot_be_approved(make_bot, ci, slack):
    bot = make_bot(APPROVAL_TTL_SECONDS="10")
    request_id = request_by_mod(bot, ci, slack, job(1))
    age_requests(bot.runtime.store, 11)  # the request is past its expiry
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    assert "Expired" in json.dumps(update.args["blocks"]) and "approve_request" not in json.dumps(update.args["blocks"])
    slack.wait_calls("chat.postMessage", channel=MOD)
    bot.click(ONCALL, "approve_request", request_id, response_name="late")
    slack.wait_response(lambda c: c.method.endswith("late") and "expired" in c.args["text"])
    assert ci.requests_for("cancel_auditing") == []
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "expired"]


def test_request_survives_a_restart(ci, slack, database_url):
    """The guard and the request live in the store: a new process can approve it."""
    env = bot_env(ci, slack, database_url)
    before = Bot(env, slack)
    request_id = request_by_mod(before, ci, slack, job(1))
    before.kill()
    after = Bot(env, slack)
    try:
        after.click(ONCALL, "approve_request", request_id)
        slack.wait_calls("chat.update", 2, channel=APPROVALS)
        assert ci.jobs[job(1)].state == "Cancelled"
    finally:
        after.stop()


def test_execution_of_a_dead_worker_is_taken_over(bot, ci, slack):
    """A worker on another host approved a request and died before the CI call: once its
    heartbeat is older than the timeout, a live worker takes the execution over and finishes it."""
    store = bot.runtime.store
    ci.add_job(job(1))
    request, _ = store.requests.create(
        request_id="a" * 32, kind="approval", state="pending", requester=MOD, origin_channel="C0WORK", reason="r", job_ids=[job(1)], ttl=600
    )
    store.work.register_worker("dead" * 8, "another-host", 4242, "x" * 32)
    assert store.requests.decide(request.id, "approved", ONCALL, tasks=[execute_task(request.id)])
    with store.engine.begin() as conn:  # owned by the dead worker, whose last heartbeat was long ago
        conn.exec_driver_sql(f"UPDATE tasks SET owner = '{'dead' * 8}'")
        conn.exec_driver_sql("UPDATE workers SET heartbeat_at = 0 WHERE host = 'another-host'")
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="a live worker to finish the cancel")
    slack.wait_for(lambda: "cancelled" in events(bot), what="the outcome audited")
    assert len(ci.requests_for("cancel_auditing")) == 1
