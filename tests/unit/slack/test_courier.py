"""The courier's deliveries against Slack faked at the wire and a real SQLite store: which
route follows which failure, look-ups before a post that may have landed, and fencing."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from bot.domain import announce
from bot.domain.announce import Caller
from bot.store.schema import tasks_table
from bot.work import RetryLater
from tests.unit.slack.support import APPROVALS, CHANNEL, MOD, ONCALL, attempt_recorded, claimed, done_request, events, pending_request


# -- caller-only answers ----------------------------------------------------------------------
def test_tell_whispers_in_the_callers_channel(courier, store, slack):
    courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL), "done", "k1")))
    assert slack.sent("chat.postEphemeral") == [{"channel": CHANNEL, "user": MOD, "text": "done"}]
    assert not slack.sent("chat.postMessage")


def test_tell_falls_back_to_a_dm_when_slack_refuses_the_whisper_for_good(courier, store, slack):
    slack.refuse("chat.postEphemeral", "not_in_channel")
    courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL), "done", "k1")))
    assert slack.sent("chat.postMessage") == [{"channel": MOD, "text": "done"}]


def test_tell_retries_a_rate_limited_whisper_without_a_second_route(courier, store, slack):
    slack.rate_limit("chat.postEphemeral", retry_after=3)
    with pytest.raises(RetryLater) as later:
        courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL), "done", "k1")))
    assert later.value.seconds == 3.0
    assert not slack.sent("chat.postMessage")


def test_tell_from_the_home_tab_goes_straight_to_a_dm(courier, store, slack):
    courier.tell(claimed(store, announce.tell(Caller(MOD, ""), "done", "k1")))
    assert slack.sent("chat.postMessage") == [{"channel": MOD, "text": "done"}]
    assert not slack.sent("chat.postEphemeral")


def test_a_refused_dm_is_logged_and_not_retried(courier, store, slack, caplog):
    slack.refuse("chat.postMessage", "cannot_dm_bot")
    with caplog.at_level(logging.WARNING):
        courier.tell(claimed(store, announce.tell(Caller(MOD, ""), "done", "k1")))
    [record] = events(caplog, "slack.dm_failed")
    assert record.fields == {"user": MOD, "error": "cannot_dm_bot"}


# -- approvals --------------------------------------------------------------------------------
def test_the_approval_post_is_made_and_its_place_stored(courier, store, slack):
    request = pending_request(store)
    courier.approval_post(claimed(store, announce.approval_post(request.id, [])))
    [post] = slack.posts(APPROVALS)
    assert post["metadata"] == {"event_type": "cancel_moderation_request", "event_payload": {"request_id": request.id}}
    assert "<!subteam^S0ONCALL>" in post["text"]
    stored = store.requests.get(request.id)
    assert (stored.message_channel, stored.message_ts) == (APPROVALS, post["ts"])


def test_an_approval_post_whose_answer_was_lost_is_found_not_posted_again(courier, store, slack):
    request = pending_request(store)
    task = claimed(store, announce.approval_post(request.id, []))
    slack.lose_answer("chat.postMessage")
    with pytest.raises(RetryLater):
        courier.approval_post(task)
    assert store.requests.get(request.id).message_ts is None  # the post landed, but we never heard
    courier.approval_post(attempt_recorded(store, task))
    [post] = slack.posts(APPROVALS)
    assert len(slack.sent("conversations.history")) == 1
    assert store.requests.get(request.id).message_ts == post["ts"]


def test_an_approval_post_refused_for_good_is_logged_as_an_error(courier, store, slack, caplog):
    request = pending_request(store)
    slack.refuse("chat.postMessage", "invalid_blocks")
    courier.approval_post(claimed(store, announce.approval_post(request.id, [])))
    [record] = events(caplog, "slack.approval_post_failed")
    assert record.levelno == logging.ERROR and record.fields == {"request_id": request.id, "error": "invalid_blocks"}
    assert store.requests.get(request.id).message_ts is None


def test_the_approval_update_edits_the_stored_message_and_survives_a_refusal(courier, store, slack, caplog):
    request = pending_request(store)
    courier.approval_update(claimed(store, announce.approval_update(request.id, "pending")))
    assert not slack.sent("chat.update")  # never posted: nothing to update
    store.requests.set_message(request.id, APPROVALS, "1700000001.000100")
    assert store.requests.decide(request.id, "denied", ONCALL)
    courier.approval_update(claimed(store, announce.approval_update(request.id, "denied")))
    [update] = slack.sent("chat.update")
    assert (update["channel"], update["ts"]) == (APPROVALS, "1700000001.000100")
    slack.refuse("chat.update", "message_not_found")
    courier.approval_update(claimed(store, announce.approval_update(request.id, "denied", retries=1)))
    [record] = events(caplog, "slack.update_failed")
    assert record.fields == {"request_id": request.id, "error": "message_not_found"}


# -- results ----------------------------------------------------------------------------------
def test_the_result_is_posted_once_even_after_a_lost_answer(courier, store, slack):
    request = done_request(store)
    task = claimed(store, announce.result(request, Caller(ONCALL, CHANNEL)))
    slack.lose_answer("chat.postMessage")
    with pytest.raises(RetryLater):
        courier.result(task)
    courier.result(attempt_recorded(store, task))  # looks first, finds it
    [post] = slack.posts(CHANNEL)
    assert post["metadata"] == {"event_type": "cancel_moderation_result", "event_payload": {"task": task.key}}


def test_after_retry_failed_the_clicked_result_is_edited_not_posted(courier, store, slack):
    request = done_request(store, retries=1)
    caller = Caller(ONCALL, CHANNEL, message=(CHANNEL, "1700000009.000100"))
    courier.result(claimed(store, announce.result(request, caller)))
    [edit] = slack.sent("chat.update")
    assert (edit["channel"], edit["ts"]) == (CHANNEL, "1700000009.000100")
    assert not slack.sent("chat.postMessage")


def test_a_result_slack_refuses_goes_to_the_caller_by_dm(courier, store, slack, caplog):
    request = done_request(store)
    slack.refuse("chat.postMessage", "not_in_channel")
    courier.result(claimed(store, announce.result(request, Caller(ONCALL, CHANNEL))))
    [record] = events(caplog, "slack.post_failed")
    assert record.fields == {"channel": CHANNEL, "error": "not_in_channel"}
    [dm] = [m for m in slack.sent("chat.postMessage") if m["channel"] == ONCALL]
    assert dm["text"].startswith("Cancelled")


def test_a_result_look_up_slack_refuses_for_good_posts_anyway(courier, store, slack, caplog):
    request = done_request(store)
    task = claimed(store, announce.result(request, Caller(ONCALL, CHANNEL)))
    slack.server_error("chat.postMessage")
    with pytest.raises(RetryLater):
        courier.result(task)
    slack.refuse("conversations.history", "invalid_cursor")
    courier.result(attempt_recorded(store, task))
    [record] = events(caplog, "slack.history_failed")
    assert record.fields == {"channel": CHANNEL, "error": "invalid_cursor"}
    assert len(slack.posts(CHANNEL)) == 1


# -- fencing and reminders --------------------------------------------------------------------
def test_a_requester_dm_of_a_task_no_longer_ours_is_not_sent(courier, store, slack, caplog):
    request = done_request(store)
    task = claimed(store, announce.requester_dm(request.id, "done", MOD), owner="worker-other")
    with pytest.raises(RetryLater):
        courier.requester_dm(task)
    assert not slack.sent("chat.postMessage")
    assert events(caplog, "slack.post_fenced")
    mine = claimed(store, announce.requester_dm(request.id, "done", MOD, retries=1))
    courier.requester_dm(mine)
    assert [m["channel"] for m in slack.sent("chat.postMessage")] == [MOD]


def test_a_reminder_is_posted_in_the_thread_only_while_the_request_is_pending(courier, store, slack):
    request = pending_request(store)
    task = claimed(store, announce.reminder(request.id, after=0))
    with pytest.raises(RetryLater):  # the approval message is not posted yet
        courier.reminder(task)
    store.requests.set_message(request.id, APPROVALS, "1700000001.000100")
    courier.reminder(task)
    [reminder] = slack.sent("chat.postMessage")
    assert reminder["thread_ts"] == "1700000001.000100" and "<!subteam^S0ONCALL>" in reminder["text"]
    other = pending_request(store, "r2")
    store.requests.set_message(other.id, APPROVALS, "1700000002.000100")
    assert store.requests.decide(other.id, "denied", ONCALL)
    courier.reminder(claimed(store, announce.reminder(other.id, after=0)))
    assert len(slack.sent("chat.postMessage")) == 1


# -- Home -------------------------------------------------------------------------------------
def test_a_home_refresh_publishes_once_per_change_and_a_refused_one_stays_unshown(client, store, slack, caplog):
    from bot.domain.lookups import HomeData
    from bot.slack.courier import Courier

    courier = Courier(client, store, APPROVALS, home_data=lambda user: HomeData(approver=True, pending=[], mine=[], recent=[]))
    store.homes.opened(ONCALL)
    store.audit.append("requested", MOD, "r1", {})
    refresh = claimed(store, announce.home(ONCALL, store.homes.latest_change()))
    slack.refuse("views.publish", "invalid_blocks")
    courier.home(refresh)
    assert events(caplog, "slack.home_failed")[0].fields == {"user": ONCALL, "error": "invalid_blocks"}
    assert store.homes.shown(ONCALL) == 0
    courier.home(refresh)
    courier.home(refresh)  # the Home shows this change already: nothing to publish
    assert len(slack.sent("views.publish")) == 2
    assert store.homes.shown(ONCALL) == store.homes.latest_change()


def test_refreshes_are_queued_for_the_audience_after_the_approval_post(client, store, slack):
    from bot.slack.courier import Courier

    courier = Courier(client, store, APPROVALS, home_audience=lambda request: [ONCALL, request.requester])
    request = pending_request(store)
    slack.server_error("chat.postMessage")
    with pytest.raises(RetryLater):
        courier.approval_post(claimed(store, announce.approval_post(request.id, [])))
    with store.engine.connect() as conn:
        keys = conn.execute(sa.select(tasks_table.c.key).where(tasks_table.c.kind == announce.HOME)).scalars().all()
    assert sorted(keys) == sorted(f"home:{user}:{store.homes.latest_change()}" for user in (ONCALL, MOD))
