"""Regression tests for guarantees a review once broke: each failed before its fix."""

from __future__ import annotations

import contextlib
import json

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import AUDIT, CHANNEL, ONCALL


def test_a_job_whose_answer_was_lost_is_confirmed_even_when_the_retry_gets_a_4xx(bot, ci, slack):
    """Guarantee 2 / contract: 'a job is never reported failed when it was cancelled'.

    Attempt 1 cancels the job and its answer is lost (apply_then_drop); the client retries and
    the retry meets a final 4xx other than InvalidArgument (here the STS token expired between
    the attempts). The executor treats every CIServiceError but InvalidArgument as a definite
    refusal and reports the job *failed* without a status query, although the error carries
    after_ambiguous=True and Tencent shows the job Cancelled.
    """
    ci.add_job(job(1))
    ci.script(job(1), Fault.apply_then_drop(), Fault.error(400, "ExpiredToken", "the token has expired"))
    bot.command(ONCALL, f"{job(1)} lost answer then a 4xx")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert ci.jobs[job(1)].state == "Cancelled"  # Tencent did cancel it
    outcome = bot.runtime.store.journal.records(bot.runtime.store.audit.entries()[0].request_id)[0].outcome
    assert outcome["result"] != "failed", (outcome, result.args["text"])


def test_a_rate_limited_thread_reply_does_not_post_the_entry_again(bot, ci, slack):
    """Guarantee 5: each audit entry exactly once. A long entry (a bulk whose Tencent messages
    are long) is posted as a head message plus thread replies. Slack accepts the head and
    answers the first reply with 429: AuditPoster raises RetryLater(refused=True), the outbox
    calls audit_post_refused(), which forgets that the head is in the channel, and the next pass
    posts the head again (no history look-up)."""
    ids = [job(n) for n in range(60)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.error(400, "AccessDenied", "denied " + "x" * 1500))
    poster = bot.runtime.outbox.post
    real_post = poster.client.chat_postMessage
    state = {"limited": False}

    def post(**kwargs):  # Slack: the first thread reply in the audit channel meets a 429
        if kwargs.get("thread_ts") and not state["limited"]:
            state["limited"] = True
            slack.rate_limit("chat.postMessage", 1, retry_after=1, channel=AUDIT)
        return real_post(**kwargs)

    poster.client.chat_postMessage = post
    bot.command(ONCALL, " ".join(ids) + " many long failures")
    store = bot.runtime.store
    slack.wait_for(
        lambda: "failed" in [e.event for e in store.audit.entries()] and store.audit.unposted_count() == 0, timeout=40, what="the failed entry posted"
    )
    assert state["limited"], "the entry had thread replies"
    heads = [m["metadata"]["event_payload"]["audit_id"] for m in slack.history[AUDIT] if m.get("metadata") and not m.get("thread_ts")]
    assert sorted(heads) == sorted(set(heads)), f"an audit entry's head was posted twice: {heads}"


def test_a_lost_audit_answer_is_found_even_when_the_bot_host_clock_runs_ahead(bot, ci, slack):
    """Guarantee 5 ('after a crash between Slack accepting a post and the store marking it, no
    second post'). The look-up before a repeat asks conversations.history with
    oldest = entry.at - 5, entry.at being the bot host's clock. With that clock 10 s ahead of
    Slack's (NTP off; the CI client itself expects skew), the earlier post is older than
    `oldest`, is not found, and the entry is posted again."""
    import time as _time

    store = bot.runtime.store
    store.clock = lambda: _time.time() + 10  # the bot host's clock runs 10 s fast
    slack.lose_answer("chat.postMessage", 1, channel=AUDIT)
    bot.command("U0OUTSIDER", f"{job(1)} no")
    slack.wait_for(lambda: store.audit.entries() and store.audit.unposted_count() == 0, timeout=30, what="the entry posted")
    ids = [m["metadata"]["event_payload"]["audit_id"] for m in slack.history[AUDIT] if m.get("metadata")]
    assert ids == [1], f"audit entry posted {len(ids)} times: {ids}"


def test_a_command_acknowledged_while_the_process_stops_is_carried_out(make_bot, ci, slack):
    """Guarantee 1: 'A command that got a 200 is carried to its end even if the process is
    stopped the next instant.'

    accept() checks `accepting`, then stores the task owned by this worker. If SIGTERM's
    shutdown runs while that write is under way (a slow database, a busy group commit), the
    drain sees nothing running, retire_worker() frees our tasks and deletes our worker row,
    and only then does the task land, owned by a worker that no longer exists. _start() sees
    _stop and does not run it; Slack gets its 200 ("Working on 1 job(s)"). No reaper ever frees
    a task whose owner has no worker row, so no other process ever runs it."""
    import threading
    import time as _time

    ci.add_job(job(1))
    doomed = make_bot()
    work = doomed.runtime.work
    commit = work.admission._acks._commit

    def slow_commit(tasks):  # the database takes a moment to store the acknowledgement's task
        _time.sleep(2.0)
        commit(tasks)

    work.admission._acks._commit = slow_commit
    answer = {}
    t = threading.Thread(target=lambda: answer.update(r=doomed.command(ONCALL, f"{job(1)} stop the stream")))
    t.start()
    _time.sleep(0.5)  # the command is being stored
    doomed.runtime.shutdown(timeout=10)  # SIGTERM
    t.join(10)
    status, body, _ = answer["r"]
    assert status == 200 and "Working on 1 job" in json.dumps(body)  # acknowledged as taken
    survivor = make_bot()  # another process on the same database (or the next start)
    store = survivor.runtime.store
    with contextlib.suppress(AssertionError):  # the assertion below says what is missing
        slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", timeout=10, what="the acknowledged cancel carried out")
    assert ci.jobs[job(1)].state == "Cancelled", (
        f"acknowledged but never carried out; open tasks: {store.work.open_task_count()}, "
        f"cancel requests sent: {len(ci.requests_for('cancel_auditing'))}"
    )


def test_max_pending_per_user_holds_for_simultaneous_requests(make_bot, ci, slack, database_url):
    """Guarantee 7 (MAX_PENDING_PER_USER). Requests.create() counts the requester's pending
    requests, then inserts, in one transaction; on PostgreSQL (READ COMMITTED) concurrent
    look-up threads (or processes) each count the same number and all insert. (SQLite's
    BEGIN IMMEDIATE serialises them, so this holds there.)"""
    import threading

    bots = [make_bot(MAX_PENDING_PER_USER="1", WORKER_THREADS="16") for _ in range(2)]
    ids = [job(n) for n in range(8)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.delay(1.0))  # every look-up ends at the same moment
    threads = [
        threading.Thread(target=bots[n % 2].command, args=("U0MOD1", f"{j} please {n}"), kwargs={"response_name": f"r{n}"}) for n, j in enumerate(ids)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store = bots[0].runtime.store
    slack.wait_for(
        lambda: len([e for e in store.audit.entries() if e.event in ("requested", "refused")]) == 8, timeout=30, what="every command decided"
    )
    requested = [e for e in store.audit.entries() if e.event == "requested"]
    assert len(requested) <= 1, f"{len(requested)} pending requests for one requester (limit 1)"


def test_an_acknowledged_cancel_whose_reason_holds_a_nul_is_carried_out(bot, ci, slack):
    """Guarantee 1: PostgreSQL refuses NUL in text, so a reason holding one once made every
    attempt of the acknowledged command fail. The grammar drops NUL from the reason."""
    ci.add_job(job(1))
    status, body, _ = bot.command(ONCALL, f"{job(1)} stream\x00shows violence")
    assert status == 200 and "Working on 1 job" in json.dumps(body)
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert result.args["text"] == "Cancelled 1 job(s)" and ci.jobs[job(1)].state == "Cancelled"
    [started] = [e for e in bot.runtime.store.audit.entries() if e.event == "started"]
    assert started.detail["reason"] == "streamshows violence"


def test_a_tencent_state_is_escaped_in_the_status_messages_text(bot, ci, slack):
    """Guarantee 10: Tencent-supplied fields are escaped in mrkdwn. The single-job status
    message escapes State in its blocks but puts it raw into the message's `text` (the
    notification/fallback text Slack renders as mrkdwn)."""
    ci.add_job(job(1), state="&lt;!channel&gt; &lt;http://evil.example|click&gt;")  # XML-escaped on the wire
    bot.command(ONCALL, f"status {job(1)}")
    told = slack.wait_response(lambda c: job(1) in json.dumps(c.args))
    assert "<!channel>" not in told.args.get("text", ""), told.args["text"]


def test_after_a_clean_sigterm_the_next_process_posts_to_the_audit_channel(make_bot, ci, slack):
    """Guarantees 1 and 5 ('a stored entry is never lost', 'posted exactly once').

    Runtime.shutdown() retires the worker first (releasing the audit-poster lease and deleting
    the worker row), then stops the outbox, whose last pass calls hold_lease() with the retired
    worker's id: the free lease is taken again by a worker that no longer exists. reap_workers()
    frees only leases of workers it finds in the table, so no process ever holds the lease
    again: every later audit entry stays unposted for good."""
    first = make_bot()
    first.command("U0OUTSIDER", f"{job(1)} refused before the restart")
    store = first.runtime.store
    slack.wait_for(lambda: store.audit.entries() and store.audit.unposted_count() == 0, what="the first entry posted")
    first.stop()  # SIGTERM: a clean stop
    second = make_bot()  # the next start (or the other dyno)
    second.command("U0OUTSIDER", f"{job(2)} refused after the restart")
    store = second.runtime.store
    with store.engine.connect() as conn:
        holder = conn.exec_driver_sql("SELECT holder FROM leases WHERE name = 'audit-poster'").scalar()
    try:
        slack.wait_for(lambda: len(store.audit.entries()) == 2 and store.audit.unposted_count() == 0, timeout=20, what="the second entry posted")
    except AssertionError:
        raise AssertionError(f"audit entry never posted; the lease is held by {holder!r}, the running worker is {second.runtime.work.id!r}") from None


def test_a_job_cancelled_before_a_crash_is_confirmed_when_its_resend_meets_a_4xx(bot, ci, slack):
    """Guarantee 2, the crash variant: a worker died between mark_sending and record_outcome
    (sends=1; Tencent had cancelled the job). The resumed execution sends again and meets a
    final 4xx other than InvalidArgument (AccessDenied: a CAM policy edited meanwhile, say).
    _explain() checks is_definite_refusal() before sent_before, so no status query is made and
    the job is reported failed."""
    from tests.test_durability import plant_dead_execution

    ci.add_job(job(1), state="Cancelled")  # the send before the crash did land
    ci.script(job(1), Fault.error(403, "AccessDenied", "access denied"))
    plant_dead_execution(bot.runtime.store, "f" * 32, [job(1)], sends=1)
    slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    [record] = bot.runtime.store.journal.records("f" * 32)
    assert record.outcome["result"] != "failed", (record.outcome, "status queries:", len(ci.requests_for(f"/video/auditing/{job(1)}")))
