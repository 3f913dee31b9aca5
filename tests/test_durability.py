"""Faults production brings, through the real endpoint: slow or throttling Tencent, Slack
errors, dead workers, two processes. Every acknowledged command ends exactly once, and
every outcome it reports is true."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

from bot.domain.announce import Caller
from bot.domain.execution_task import execute_task
from bot.store import Store
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, ONCALL2, OUTSIDER, age_requests, all_posted

DEAD = "dead" * 8


def events(bot):
    return [e.event for e in bot.runtime.store.audit.entries()]


def cancel_sends(ci) -> Counter:
    return Counter(a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing"))


def request_ids(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT id FROM requests ORDER BY created_at")]


def plant_dead_execution(store: Store, request_id: str, job_ids: list[str], sends: int) -> None:
    """An on-call cancel that a worker on another host started and died in: its heartbeat is
    long gone, and each job was sent `sends` times with no outcome recorded."""
    caller = Caller(ONCALL, CHANNEL)
    store.work.register_worker(DEAD, "another-host", 4242, "x" * 32)
    store.requests.create(
        request_id=request_id,
        kind="direct",
        state="approved",
        requester=ONCALL,
        origin_channel=CHANNEL,
        reason="crash test",
        job_ids=job_ids,
        ttl=0,
        decided_by=ONCALL,
        tasks=[execute_task(request_id, caller)],
        task_owner=DEAD,
    )
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE job_results SET sends = {sends}")
        conn.exec_driver_sql("UPDATE workers SET heartbeat_at = 0 WHERE host = 'another-host'")


def test_a_long_execution_is_not_taken_over_while_its_worker_lives(make_bot, ci, slack):
    """Heartbeats, not a fixed lease: a bulk slower than the takeover timeout runs once."""
    eager = dict(HEARTBEAT_SECONDS="0.5", PRESUMED_DEAD_SECONDS="2")  # each reaps a worker silent for 2 s
    first = make_bot(**eager)
    make_bot(**eager)  # a second process on the same database
    for n in range(3):
        ci.add_job(job(n))
        ci.script(job(n), Fault.delay(2.5))
    first.command(ONCALL, " ".join(job(n) for n in range(3)) + " slow tencent")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert result.args["text"] == "Cancelled 3 job(s)"
    assert cancel_sends(ci) == {job(n): 1 for n in range(3)}
    slack.wait_for(lambda: "cancelled" in events(first), what="the outcome audited")
    assert events(first).count("cancelled") == 1 and "failed" not in events(first)


def test_a_dead_workers_job_that_may_have_been_cancelled_is_confirmed_not_failed(bot, ci, slack):
    """After a crash the job's answer was lost; it is sent again, gets InvalidArgument (already
    cancelled), and a status query confirms it: reported cancelled, never failed."""
    ci.add_job(job(1), state="Cancelled")  # the earlier send did land
    ci.add_job(job(2))
    plant_dead_execution(bot.runtime.store, "c" * 32, [job(1), job(2)], sends=1)
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    text = json.dumps(result.args["blocks"])
    assert result.args["text"] == "Cancelled 2 job(s)"
    assert "confirmed by a status query" in text and "InvalidArgument" not in text
    outcomes = {r.job_id: r.outcome for r in bot.runtime.store.journal.records("c" * 32)}
    assert outcomes[job(1)]["result"] == "cancelled" and outcomes[job(1)]["confirmed"] is True
    assert ci.requests_for(f"/video/auditing/{job(1)}"), "the status query was made"


def test_a_job_recorded_before_the_crash_is_not_sent_again(bot, ci, slack):
    ci.add_job(job(1), state="Cancelled")
    ci.add_job(job(2))
    store = bot.runtime.store
    bot.runtime.halt()  # keep this worker out of the way while the dead one is planted
    plant_dead_execution(store, "d" * 32, [job(1), job(2)], sends=1)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            'UPDATE job_results SET outcome = \'{"job_id": "' + job(1) + f'", "result": "cancelled", "ok": true}}\' WHERE job_id = \'{job(1)}\''
        )
    store.work.reap_workers("nobody", timeout=30)
    from tests.harness import Bot, bot_env

    survivor = Bot(bot_env(ci, slack, bot.settings.database_url), slack)
    try:
        slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
        assert cancel_sends(ci) == {job(2): 1}  # job(1)'s outcome was known: not sent again
    finally:
        survivor.stop()


def test_only_the_holder_of_an_execution_records_its_outcome(database_url):
    store = Store(database_url)
    store.migrate()
    try:
        store.work.register_worker("a" * 32, "h", 1, "b" * 32)
        store.requests.create(
            request_id="e" * 32,
            kind="direct",
            state="approved",
            requester=ONCALL,
            origin_channel=CHANNEL,
            reason="r",
            job_ids=[job(1)],
            ttl=0,
            decided_by=ONCALL,
            tasks=[execute_task("e" * 32)],
            task_owner="a" * 32,
        )
        outcome = {"job_id": job(1), "result": "cancelled", "ok": True}
        assert not store.journal.mark_sending("e" * 32, job(1), f"exec:{'e' * 32}", "z" * 32)
        assert not store.journal.record_outcome("e" * 32, job(1), outcome, f"exec:{'e' * 32}", "z" * 32)
        assert not store.requests.finish("e" * 32, [outcome], "cancelled", ONCALL, {}, task_key=f"exec:{'e' * 32}", me="z" * 32)
        assert store.journal.mark_sending("e" * 32, job(1), f"exec:{'e' * 32}", "a" * 32)
        assert store.journal.record_outcome("e" * 32, job(1), outcome, f"exec:{'e' * 32}", "a" * 32)
        assert store.requests.finish("e" * 32, [outcome], "cancelled", ONCALL, {}, task_key=f"exec:{'e' * 32}", me="a" * 32)
        assert [e.event for e in store.audit.entries()] == ["cancelled"]
    finally:
        store.close()


class LockedForOneJob:
    """The real CI client, except that one job meets a "database is locked" on its way out."""

    def __init__(self, client, bad: str) -> None:
        self.client, self.bad = client, bad

    def cancel(self, job_id):
        if job_id == self.bad:
            raise sqlite3.OperationalError("database is locked")
        return self.client.cancel(job_id)

    def describe(self, job_id):
        return self.client.describe(job_id)


def test_an_exception_in_one_job_is_its_outcome_and_the_batch_goes_on(bot, ci, slack):
    ids = [job(n) for n in range(8)]
    for j in ids:
        ci.add_job(j)
    bot.runtime.workflow.executor.ci = LockedForOneJob(bot.runtime.ci, ids[3])
    bot.command(ONCALL, " ".join(ids) + " one of them breaks")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert result.args["text"] == "Cancelled 7 of 8 job(s)"
    assert "BotError" in json.dumps(result.args["blocks"])
    [final] = [e for e in bot.runtime.store.audit.entries() if e.event == "failed"]
    by_job = {r["job_id"]: r for r in final.detail["results"]}
    assert set(by_job) == set(ids)
    assert by_job[ids[3]]["result"] == "failed" and by_job[ids[3]]["state"] == "Auditing"  # confirmed still running
    assert all(by_job[j]["result"] == "cancelled" for j in ids if j != ids[3])


def test_a_failed_update_after_approve_does_not_stop_the_cancel(bot, ci, slack):
    ci.add_job(job(1))
    bot.command(MOD, f"{job(1)} please")
    request_id = bot.request_id_from_approval()
    slack.fail("chat.update", 2, status=500, error="internal_error")
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the cancel, whatever Slack does")
    updates = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS) if c.result], timeout=30, what="the update landing after Slack recovers"
    )
    assert "Cancelled 1 job(s)" in json.dumps(updates[-1].args["blocks"])
    slack.wait_calls("chat.postMessage", channel=MOD, timeout=20)  # the requester still hears


def test_a_failed_approval_post_is_retried_until_on_call_can_see_it(bot, ci, slack):
    ci.add_job(job(1))
    slack.fail("chat.postMessage", 2, status=500, error="internal_error", channel=APPROVALS)
    bot.command(MOD, f"{job(1)} please")
    request_id = slack.wait_for(lambda: request_ids(bot.runtime.store), what="the request stored")[0]
    posted = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.result], timeout=30, what="the approval post landing"
    )
    assert len(posted) == 1 and request_id in json.dumps(posted[0].args["blocks"])


def test_a_failed_update_while_expiring_does_not_stop_the_sweep(make_bot, ci, slack):
    bot = make_bot(APPROVAL_TTL_SECONDS="10")
    for n in (1, 2):
        ci.add_job(job(n))
        bot.command(MOD, f"{job(n)} please {n}")
    slack.wait_calls("chat.postMessage", 2, channel=APPROVALS)
    slack.fail("chat.update", 1, status=500, error="internal_error")
    age_requests(bot.runtime.store, 11)  # both requests are past their expiry
    slack.wait_for(lambda: len([c for c in slack.calls_to("chat.update") if c.result]) == 2, timeout=30, what="both expiry updates")
    slack.wait_calls("chat.postMessage", 2, channel=MOD, timeout=20)
    assert events(bot).count("expired") == 2


def test_an_audit_post_whose_answer_was_lost_is_not_posted_twice(bot, ci, slack):
    slack.lose_answer("chat.postMessage", 1, channel=AUDIT)
    bot.command(OUTSIDER, f"{job(1)} no")
    store = bot.runtime.store
    slack.wait_for(lambda: all_posted(store), timeout=30, what="the entry posted")
    in_channel = [m for m in slack.history[AUDIT] if m.get("metadata")]
    assert [m["metadata"]["event_payload"]["audit_id"] for m in in_channel] == [1]
    assert slack.calls_to("conversations.history", channel=AUDIT), "the retry looked before posting"


def test_two_processes_post_each_entry_once_in_order_when_slack_is_slow(make_bot, ci, slack):
    first, second = make_bot(), make_bot()
    slack.slow("chat.postMessage", 3.0, channel=AUDIT)
    for n, bot in enumerate((first, second, first)):
        bot.command(OUTSIDER, f"{job(n)} refused {n}")
    store = first.runtime.store
    slack.wait_for(lambda: len(store.audit.entries()) == 3 and store.audit.unposted_count() == 0, timeout=40, what="three entries posted")
    posted = [m["metadata"]["event_payload"]["audit_id"] for m in slack.history[AUDIT]]
    assert posted == [e.id for e in store.audit.entries()]


def test_a_requester_may_hold_only_so_many_pending_requests(make_bot, ci, slack):
    bot = make_bot(MAX_PENDING_PER_USER="2")
    for n in range(3):
        ci.add_job(job(n))
        bot.command(MOD, f"{job(n)} please {n}", response_name=f"r{n}")
        if n < 2:
            slack.wait_calls("chat.postMessage", n + 1, channel=APPROVALS)
    told = slack.wait_response(lambda c: c.method.endswith("r2") and "MAX_PENDING_PER_USER" in c.args.get("text", ""))
    assert told.args["response_type"] == "ephemeral"
    slack.wait_for(lambda: "refused" in events(bot), what="the refusal audited")
    assert len(slack.calls_to("chat.postMessage", channel=APPROVALS)) == 2


def test_the_deny_form_opens_at_once_while_the_work_pool_is_busy(make_bot, ci, slack):
    bot = make_bot(WORKER_THREADS="1")
    ci.add_job(job(1))
    bot.command(MOD, f"{job(1)} please")
    request_id = bot.request_id_from_approval()
    ci.add_job(job(2))
    ci.script(job(2), Fault.delay(2.5))
    bot.command(ONCALL, f"{job(2)} keeps the only urgent thread busy")
    slack.wait_for(lambda: ci.requests_for(job(2)) or None, what="the slow cancel in flight")
    bot.click(ONCALL2, "deny_request", request_id)
    slack.wait_calls("views.open", timeout=2)
    assert not slack.calls_to("chat.postMessage", channel=CHANNEL), "the form did not wait for the busy pool"


def test_on_call_cancels_are_not_starved_by_requesters_lookups(make_bot, ci, slack):
    bot = make_bot(WORKER_THREADS="4", MAX_PENDING_PER_USER="10")
    slow = [job(100 + n) for n in range(6)]
    for j in slow:
        ci.add_job(j)
        ci.script(j, Fault.delay(2.0))  # each look-up takes 2 s
    for n, j in enumerate(slow):
        bot.command(MOD, f"{j} look me up {n}")
    ci.add_job(job(1))
    bot.command(ONCALL, f"{job(1)} urgent")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=10)
    assert result.args["text"] == "Cancelled 1 job(s)"
    assert len(slack.calls_to("chat.postMessage", channel=APPROVALS)) < len(slow), "on-call waited for look-ups"


def test_tencent_fields_are_escaped_and_outcomes_name_the_asked_job(bot, ci, slack):
    ci.add_job(job(1), state="Success")
    ci.script(job(1), Fault.error(400, "InvalidArgument", "&lt;!channel&gt; *look* &lt;http://x|here&gt;"))
    bot.command(ONCALL, f"{job(1)} escape test")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL)
    text = json.dumps(result.args["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text and "<http://x|here>" not in text
    assert job(1) in text
