"""Each audit entry and reminder is posted exactly once across stalls and crashes: a poster
that stalls past its lease (a long GC, a frozen container) posts nothing it no longer holds,
and a post that may have landed is looked for before it is sent again. A caller-only answer,
which nothing can look up, is sent by a second route only when the first certainly failed."""

from __future__ import annotations

import signal
from collections import Counter

import sqlalchemy as sa

from bot.store import Store
from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, OUTSIDER, Bot, all_posted, bot_env
from tests.slack.actions.test_approve import request_by_mod
from tests.test_process import process  # noqa: F401  (the fixture)


def audit_posts(slack) -> Counter:
    """How many times each audit entry was posted to the channel (its first message, not replies)."""
    return Counter(
        m["metadata"]["event_payload"]["audit_id"]
        for m in slack.history.get(AUDIT, [])
        if not m.get("thread_ts") and (m.get("metadata") or {}).get("event_type") == "cancel_moderation_audit"
    )


def stall_then_take_over(ci, slack, database_url, arm, stalled_method: str) -> Counter:
    """A first process stores 30 audit entries and its poster sticks in a Slack call (`arm`
    scripts Slack); a second process presumes it dead and posts them all; then the first
    wakes up mid-flush. Returns how often each entry was posted."""
    env = bot_env(ci, slack, database_url)
    bots = []
    try:
        first = Bot(env, slack, heartbeat_every=3600.0)  # heartbeats once, then looks frozen to others
        bots.append(first)
        store = first.runtime.store
        release = arm()
        for n in range(30):
            first.command(OUTSIDER, f"{job(n)} not allowed {n}")
        slack.wait_for(lambda: len(store.audit.entries()) == 30, timeout=30, what="30 refusals stored")
        slack.wait_for(lambda: [c for c in slack.stalled if c.method == stalled_method], timeout=30, what="the first poster stuck mid-flush")

        second = Bot(env, slack, dead_after=1.0)  # presumes the silent first process dead and takes over
        bots.append(second)
        slack.wait_for(lambda: all_posted(store), timeout=30, what="the second poster to post every entry")
        release.set()  # the first process wakes up mid-flush
        first.runtime.outbox.stop(timeout=15)  # and does whatever it still does
        posts = audit_posts(slack)
        assert set(posts) == {e.id for e in store.audit.entries()}
        return posts
    finally:
        for bot in bots:
            bot.stop()


def test_a_poster_frozen_before_its_post_posts_nothing_once_another_took_over(ci, slack, database_url):
    """The lease is checked right before each post, not once per pass: the first poster's
    look-up (for an entry whose earlier attempt failed) said "not posted", then it froze."""

    def arm():
        slack.fail("chat.postMessage", 1, status=503, error="service_unavailable", channel=AUDIT)  # in doubt: look first
        return slack.stall("conversations.history", channel=AUDIT)  # the look-up's answer arrives late

    posts = stall_then_take_over(ci, slack, database_url, arm, "conversations.history")
    doubled = {entry: n for entry, n in posts.items() if n > 1}
    assert not doubled, f"{sum(posts.values())} posts for {len(posts)} entries; posted more than once: {doubled}"


def test_a_poster_frozen_mid_flush_stops_at_the_next_post_when_the_channel_cannot_be_searched(ci, slack, database_url):
    """Without channels:history nothing can be looked up, so only fencing stops the first
    poster: the post it was stuck in lands (Slack took it, so the second poster, unable to
    look, posts that one entry again, as documented); every later entry once."""

    def arm():
        slack.fail("conversations.history", 1000, error="missing_scope", channel=AUDIT)
        slack.rate_limit("chat.postMessage", 1, retry_after=3, channel=AUDIT)  # entries pile up meanwhile
        return slack.stall("chat.postMessage", channel=AUDIT)

    posts = stall_then_take_over(ci, slack, database_url, arm, "chat.postMessage")
    first = min(posts)
    doubled = {entry: n for entry, n in posts.items() if n > 1 and entry != first}
    assert posts[first] == 2 and not doubled, f"{sum(posts.values())} posts for {len(posts)} entries; more than once: {doubled}"


def test_a_reminder_posted_just_before_a_kill_9_is_not_posted_again(process, ci, slack, database_url):  # noqa: F811
    """The process dies after Slack took the reminder and before it recorded that: the
    restarted process looks in the thread first (the attempt was recorded before the post),
    though the task itself was never retried."""
    ci.add_job(job(1))
    first = process(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    first.client.command(MOD, f"{job(1)} please cancel")
    request_id = first.client.request_id_from_approval()
    slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.result], what="the approval posted")
    release = slack.stall("chat.postMessage", channel=APPROVALS)  # Slack takes the reminder; its answer never arrives
    slack.wait_for(lambda: [c for c in slack.stalled if c.args.get("thread_ts")], timeout=20, what="the reminder posted")
    first.signal(signal.SIGKILL)
    first.wait(10)
    release.set()
    process(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")  # restarted on the same host: resumes at once
    store = Store(database_url)
    try:
        slack.wait_for(lambda: task_done(store, f"{request_id}:reminder"), timeout=30, what="the reminder task finished")
    finally:
        store.close()
    reminders = [m for m in slack.history[APPROVALS] if (m.get("metadata") or {}).get("event_type") == "cancel_moderation_reminder"]
    assert len(reminders) == 1, f"the reminder was posted {len(reminders)} times"


def task_done(store: Store, key: str) -> bool:
    task = store.work.get_task(key)
    with store.engine.connect() as conn:
        return bool(task) and conn.execute(sa.select(tasks_table.c.done_at).where(tasks_table.c.key == key)).scalar() is not None


def test_a_reminder_frozen_before_its_post_posts_nothing_once_another_took_over(ci, slack, database_url):
    """The first try of the reminder failed (503), so the retry looks in the thread first; the
    look-up's answer ("not there") arrives late, after another process took the task over and
    posted the reminder. The stalled worker must not post it again."""
    env = bot_env(ci, slack, database_url, APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    bots = []
    try:
        first = Bot(env, slack, heartbeat_every=3600.0)  # heartbeats once, then looks frozen to others
        bots.append(first)
        request_id = request_by_mod(first, ci, slack, job(1))
        slack.fail("chat.postMessage", 1, status=503, error="service_unavailable", channel=APPROVALS)  # the reminder's first try
        release = slack.stall("conversations.replies", channel=APPROVALS)
        slack.wait_for(lambda: [c for c in slack.stalled if c.method == "conversations.replies"], timeout=30, what="the retry stuck in its look-up")

        second = Bot(env, slack, dead_after=1.0)  # presumes the silent first process dead and takes the reminder over
        bots.append(second)
        slack.wait_for(lambda: task_done(second.runtime.store, f"{request_id}:reminder"), timeout=30, what="the reminder posted by the second")
        release.set()  # the first process wakes up with its stale answer
        slack.wait_for(lambda: first.runtime.work.inflight == 0, timeout=30, what="the first process done with the reminder")
        reminders = [m for m in slack.history[APPROVALS] if (m.get("metadata") or {}).get("event_type") == "cancel_moderation_reminder"]
        assert len(reminders) == 1, f"the reminder was posted {len(reminders)} times"
    finally:
        for bot in bots:
            bot.stop()


def answers_about(slack, job_id: str) -> tuple[int, int]:
    """How many times the caller was answered about `job_id`: through response_url, and whispered."""
    via_url = [r for r in slack.responses if job_id in str(r.args)]
    whispered = [c for c in slack.calls_to("chat.postEphemeral") if c.result and job_id in str(c.args)]
    return len(via_url), len(whispered)


def test_a_caller_only_answer_that_response_url_answers_late_is_not_sent_again(make_bot, ci, slack):
    """Slack takes the status answer through response_url but answers after the courier gave
    up waiting: the answer may have landed, and neither route can be looked up, so it is not
    whispered again with chat.postEphemeral (the caller would see it twice)."""
    bot = make_bot(APPROVAL_REMINDER_SECONDS="0")
    ci.add_job(job(1))
    held = slack.hold_responses("s")
    try:
        status, _, _ = bot.command(ONCALL, f"status {job(1)}", response_name="s")
        assert status == 200
        slack.wait_response(lambda c: c.method.endswith("/s") and job(1) in str(c.args))
        slack.wait_for(
            lambda: slack.calls_to("chat.postEphemeral") or bot.runtime.store.work.open_task_count() == 0, timeout=30, what="the answer finished"
        )
    finally:
        held.set()
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, timeout=30, what="every task done")
    assert answers_about(slack, job(1)) == (1, 0)


def test_a_caller_only_answer_that_response_url_refuses_is_whispered(make_bot, ci, slack):
    """Slack refuses the response_url (expired): the answer certainly did not land, so it is
    whispered with chat.postEphemeral instead, once."""
    bot = make_bot(APPROVAL_REMINDER_SECONDS="0")
    ci.add_job(job(1))
    slack.expired.add("s")
    status, _, _ = bot.command(ONCALL, f"status {job(1)}", response_name="s")
    assert status == 200
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0 and answers_about(slack, job(1))[1], timeout=30, what="the answer whispered")
    assert answers_about(slack, job(1)) == (0, 1)
