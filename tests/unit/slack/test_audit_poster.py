"""The audit poster: a refusal is retried slowly (an entry is never dropped), a post that may
have landed is looked for first, and a failed permalink leaves the entry complete without it."""

from __future__ import annotations

import logging

import pytest

from bot.slack.audit_poster import AuditPoster
from bot.store import AuditEntry
from bot.work import RetryLater
from bot.work.outbox import LeaseLost

AUDIT = "C0AUDIT"


def entry(n: int = 1, request_id: str | None = None, jobs: int = 1) -> AuditEntry:
    detail = {"job_ids": [f"job-{i:036d}" for i in range(jobs)], "jobs": jobs}  # 4,000 jobs: one thread reply
    return AuditEntry(n, 1_700_000_000.0, "approved", "U0ONCALL1", request_id, detail)


def never_fenced() -> None:
    """The lease is still ours."""


def test_an_entry_is_posted_with_its_number(client, slack):
    AuditPoster(client, AUDIT)(entry(7), False, never_fenced)
    [post] = slack.posts(AUDIT)
    assert post["metadata"] == {"event_type": "cancel_moderation_audit", "event_payload": {"audit_id": 7, "part": 1}}


def test_a_refused_entry_is_retried_slowly_and_marked_refused(client, slack):
    slack.refuse("chat.postMessage", "not_in_channel")
    with pytest.raises(RetryLater) as later:
        AuditPoster(client, AUDIT)(entry(), False, never_fenced)
    assert later.value.seconds == 30.0 and later.value.refused
    assert "not_in_channel" in str(later.value)


def test_an_entry_in_doubt_is_looked_for_before_it_is_posted_again(client, slack):
    poster = AuditPoster(client, AUDIT)
    slack.lose_answer("chat.postMessage")
    with pytest.raises(RetryLater) as later:
        poster(entry(), False, never_fenced)
    assert not later.value.refused  # it may be in the channel
    poster(entry(), True, never_fenced)
    assert len(slack.posts(AUDIT)) == 1 and len(slack.sent("conversations.history")) == 1


def test_a_lost_lease_posts_nothing(client, slack):
    def fence() -> None:
        raise LeaseLost("taken over")

    with pytest.raises(LeaseLost):
        AuditPoster(client, AUDIT)(entry(), False, fence)
    assert not slack.sent("chat.postMessage")


def test_a_failed_permalink_is_logged_and_the_entry_posted_without_it(client, slack, caplog):
    slack.refuse("chat.getPermalink", "message_not_found")
    poster = AuditPoster(client, AUDIT, message_of=lambda request_id: ("C0APPROVALS", "1700000001.000100"))
    with caplog.at_level(logging.WARNING):
        poster(entry(request_id="r1"), False, never_fenced)
    [record] = [r for r in caplog.records if r.getMessage() == "slack.permalink_failed"]
    assert record.fields == {"error": "message_not_found"}
    assert len(slack.posts(AUDIT)) == 1


def test_a_failed_thread_reply_is_retried_in_doubt_and_the_entry_not_posted_again(client, slack):
    poster = AuditPoster(client, AUDIT)
    slack.accept("chat.postMessage")  # the entry itself lands, its reply is rate limited
    slack.rate_limit("chat.postMessage", retry_after=9)
    with pytest.raises(RetryLater) as later:
        poster(entry(jobs=4000), False, never_fenced)
    assert later.value.seconds == 5.0 and not later.value.refused  # the entry is in the channel: look, never post it again
    poster(entry(jobs=4000), True, never_fenced)
    parts = [m["metadata"]["event_payload"]["part"] for m in slack.posts(AUDIT)]
    assert parts == [1, 2]
