"""The approval message mentions on-call; one reminder in its thread if still pending, once
across processes and restarts; none once the request is decided."""

from __future__ import annotations

import json

import sqlalchemy as sa

from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import APPROVALS, MOD, ONCALL
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid
from tests.test_under_load import approved_update


def reminder_done(bot, request_id: str) -> bool:
    with bot.runtime.store.engine.connect() as conn:
        done = conn.execute(sa.select(tasks_table.c.done_at).where(tasks_table.c.key == f"{request_id}:reminder")).first()
    return bool(done and done[0])


def thread_replies(slack, request_id: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.args.get("thread_ts") and request_id[:8] in c.args["text"]]


def test_the_approval_mentions_the_approver_groups(make_bot, ci, slack):
    slack.groups["S0ONCALL"] = [ONCALL]
    bot = make_bot(APPROVER_USERS="", APPROVER_USERGROUPS="S0ONCALL", APPROVAL_REMINDER_SECONDS="0")
    request_by_mod(bot, ci, slack, job(1))
    [post] = slack.calls_to("chat.postMessage", channel=APPROVALS)
    assert "<!subteam^S0ONCALL>" in post.args["text"] and "<!subteam^S0ONCALL>" in json.dumps(post.args["blocks"])


def test_without_groups_the_approval_mentions_the_approver_users(make_bot, ci, slack):
    bot = make_bot(APPROVAL_REMINDER_SECONDS="0")
    request_by_mod(bot, ci, slack, job(1))
    [post] = slack.calls_to("chat.postMessage", channel=APPROVALS)
    assert "<@U0ONCALL1> <@U0ONCALL2>" in post.args["text"]


def test_one_reminder_in_the_thread_with_two_processes(make_bot, ci, slack):
    first = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    second = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    request_id = request_by_mod(first, ci, slack, job(1))
    [post] = slack.calls_to("chat.postMessage", channel=APPROVALS)
    slack.wait_for(lambda: thread_replies(slack, request_id), what="the reminder")
    first.runtime.work.wake()
    second.runtime.work.wake()
    slack.wait_for(lambda: reminder_done(second, request_id), what="the reminder task finished")
    [reminder] = thread_replies(slack, request_id)
    assert reminder.args["thread_ts"] == post.result["ts"]
    assert "still waiting" in reminder.args["text"] and "<@U0ONCALL1> <@U0ONCALL2>" in reminder.args["text"]
    assert_all_sent_blocks_valid(slack)


def test_the_reminder_survives_a_restart(make_bot, ci, slack):
    first = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="3")
    request_id = request_by_mod(first, ci, slack, job(1))
    first.kill()  # before the reminder is due
    second = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="3")
    slack.wait_for(lambda: reminder_done(second, request_id), what="the reminder task finished")
    assert len(thread_replies(slack, request_id)) == 1


def test_no_reminder_once_the_request_is_decided(make_bot, ci, slack):
    bot = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(MOD, "withdraw_request", request_id)
    slack.wait_calls("chat.update", channel=APPROVALS)
    slack.wait_for(lambda: reminder_done(bot, request_id), what="the reminder task finished")
    assert thread_replies(slack, request_id) == []


def test_a_reminder_whose_answer_was_lost_is_not_posted_twice(make_bot, ci, slack):
    bot = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    request_id = request_by_mod(bot, ci, slack, job(1))
    slack.lose_answer("chat.postMessage", channel=APPROVALS)  # the next post there: the reminder
    slack.wait_for(lambda: reminder_done(bot, request_id), timeout=20, what="the reminder task finished")
    assert len(thread_replies(slack, request_id)) == 1
    assert slack.calls_to("conversations.replies")  # it looked before posting again


def test_no_reminder_once_the_request_is_decided_even_when_its_look_up_was_slow(make_bot, ci, slack):
    """The check that the request is still pending is made right before the post, in the same
    transaction as the fence: a reminder whose retry first looks in the thread, slowly, and
    meanwhile sees the request approved, posts nothing."""
    bot = make_bot(APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="2")
    request_id = request_by_mod(bot, ci, slack, job(1))
    slack.fail("chat.postMessage", 1, status=503, error="service_unavailable", channel=APPROVALS)  # the reminder's first try
    release = slack.stall("conversations.replies", channel=APPROVALS)  # the retry looks in the thread first; Slack is slow
    try:
        slack.wait_for(lambda: [c for c in slack.stalled if c.method == "conversations.replies"], timeout=30, what="the reminder's look-up")
        bot.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: approved_update(slack), timeout=10, what="the request approved")
        slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the cancel")
    finally:
        release.set()
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, timeout=30, what="every task done")
    reminders = [m for m in slack.history[APPROVALS] if (m.get("metadata") or {}).get("event_type") == "cancel_moderation_reminder"]
    assert not reminders, f"a reminder ('{reminders[0]['text'][:60]}…') was posted after the request was approved"
