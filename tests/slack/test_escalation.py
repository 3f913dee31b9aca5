"""Escalation (issue 20): a request still undecided ESCALATE_AFTER_SECONDS after it is stored
reaches the next level once (a reply in the card's thread, a direct message per member, the card
marked, audited), across processes and restarts; never once it is decided; the next level may
decide from the card or the direct message, never their own request."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, age_requests
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid

BOSS1, BOSS2, BOSS3 = "U0BOSS1", "U0BOSS2", "U0BOSS3"
NEXT_LEVEL = "S0NEXTLVL"
LONG = "60"  # seconds: due only when a test says so (make_due)


def escalation_env(after: str = "2", **overrides) -> dict:
    return {
        "APPROVAL_TTL_SECONDS": "120",
        "APPROVAL_REMINDER_SECONDS": "0",
        "ESCALATE_AFTER_SECONDS": after,
        "ESCALATION_USERGROUPS": NEXT_LEVEL,
        "ESCALATION_USERS": BOSS3,
        **overrides,
    }


@pytest.fixture
def next_level(slack):
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]


def escalate_task(bot, request_id: str):
    with bot.runtime.store.engine.connect() as conn:
        return conn.execute(sa.select(tasks_table).where(tasks_table.c.key == f"{request_id}:escalate")).first()


def escalation_done(bot, request_id: str) -> bool:
    row = escalate_task(bot, request_id)
    return bool(row and row.done_at)


def make_due(bot, request_id: str, in_seconds: float = 0.0) -> None:
    """Bring the escalation's due time (stored, by the database's clock) to `in_seconds` from now."""
    row = escalate_task(bot, request_id)
    store = bot.runtime.store
    with store.engine.begin() as conn:
        now = store.db.db_now(conn)
        conn.execute(tasks_table.update().where(tasks_table.c.key == row.key).values(next_at=now + in_seconds))
    bot.runtime.work.wake()


def thread_replies(slack) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.args.get("thread_ts")]


def dms_to(slack, user: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=user) if "Escalated" in (c.args.get("text") or "")]


def escalated(bot, request_id: str) -> bool:
    request = bot.runtime.store.requests.get(request_id)
    return request is not None and request.escalated_at is not None


def wait_escalation_posted(slack) -> None:
    slack.wait_for(lambda: thread_replies(slack) and all(dms_to(slack, u) for u in (BOSS1, BOSS2, BOSS3)), what="the escalation's posts")


def test_an_undecided_request_is_escalated_once_across_two_processes(make_bot, ci, slack, next_level):
    first = make_bot(**escalation_env())
    second = make_bot(**escalation_env())
    request_id = request_by_mod(first, ci, slack, job(1), job(2))
    [card] = slack.calls_to("chat.postMessage", channel=APPROVALS)
    wait_escalation_posted(slack)
    first.runtime.work.wake()
    second.runtime.work.wake()
    slack.wait_for(lambda: first.runtime.store.work.open_task_count() == 0, timeout=20, what="every task done")
    # The thread: one reply, mentioning the next level.
    [reply] = thread_replies(slack)
    assert reply.args["thread_ts"] == card.result["ts"]
    assert f"<!subteam^{NEXT_LEVEL}>" in reply.args["text"] and f"<@{BOSS3}>" in reply.args["text"]
    assert request_id[:8] in reply.args["text"]
    # One direct message per member: the requester, every job, the evidence, a link to the card, the buttons.
    for user in (BOSS1, BOSS2, BOSS3):
        [dm] = dms_to(slack, user)
        body = json.dumps(dm.args["blocks"])
        assert f"<@{MOD}>" in body and job(1) in body and job(2) in body
        assert f"archives/{APPROVALS}/p" in body, "a link to the card"
        assert '"approve_request"' in body and '"deny_request"' in body and f'"value": "{request_id}"' in body
        assert dm.args.get("unfurl_links") in (False, "false", "0", 0)
    # The card says to whom and when, and keeps its buttons.
    updates = [json.dumps(c.args["blocks"]) for c in slack.calls_to("chat.update", channel=APPROVALS)]
    assert any(f"Escalated to <!subteam^{NEXT_LEVEL}>" in u and "approve_request" in u for u in updates), updates
    # Audited once.
    assert events(first).count("escalated") == 1
    [entry] = [e for e in first.runtime.store.audit.entries() if e.event == "escalated"]
    assert entry.actor == "system" and entry.request_id == request_id
    assert sorted(entry.detail["members"]) == [BOSS1, BOSS2, BOSS3]
    slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=AUDIT) if "escalated" in (c.args.get("text") or "")])
    assert_all_sent_blocks_valid(slack)


def test_a_restart_just_before_the_due_time_still_escalates_once(make_bot, ci, slack, next_level):
    first = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(first, ci, slack, job(1))
    make_due(first, request_id, in_seconds=1.0)  # the due time is stored: it does not restart with the process
    first.kill()
    second = make_bot(**escalation_env(LONG))
    slack.wait_for(lambda: escalation_done(second, request_id), timeout=20, what="the escalation")
    wait_escalation_posted(slack)
    assert len(thread_replies(slack)) == 1 and events(second).count("escalated") == 1


def _approve(bot, ci, slack, request_id):
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the cancel")


def _withdraw(bot, ci, slack, request_id):
    bot.click(MOD, "withdraw_request", request_id)
    slack.wait_for(lambda: bot.runtime.store.requests.get(request_id).state == "withdrawn", what="the withdrawal")


def _expire(bot, ci, slack, request_id):
    age_requests(bot.runtime.store, 121)
    slack.wait_for(lambda: bot.runtime.store.requests.get(request_id).state == "expired", what="the expiry")


@pytest.mark.parametrize("decide", [_approve, _withdraw, _expire], ids=["approved", "withdrawn", "expired"])
def test_a_request_decided_just_before_it_is_due_is_never_escalated(make_bot, ci, slack, next_level, decide):
    bot = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(bot, ci, slack, job(1))
    decide(bot, ci, slack, request_id)
    make_due(bot, request_id)
    slack.wait_for(lambda: escalation_done(bot, request_id), timeout=20, what="the escalation task ran")
    assert not escalated(bot, request_id)
    assert "escalated" not in events(bot)
    assert not thread_replies(slack) and not any(dms_to(slack, u) for u in (BOSS1, BOSS2, BOSS3))


def test_the_next_level_approves_from_the_direct_message(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env())
    request_id = request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    card = bot.runtime.store.requests.get(request_id)
    bot.click(BOSS1, "approve_request", request_id, channel="D0BOSS1")  # the DM's button (its channel is a D…)
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the cancel")
    decided = bot.runtime.store.requests.get(request_id)
    assert decided.decided_by == BOSS1
    assert (decided.message_channel, decided.message_ts) == (card.message_channel, card.message_ts), "the card is still the card"
    updates = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS) if f"Approved by <@{BOSS1}>" in json.dumps(c.args["blocks"])],
        what="the card updated",
    )
    assert updates[0].args["ts"] == card.message_ts
    assert "approved" in events(bot)


def test_the_next_level_may_deny_before_escalation_but_not_cancel_directly(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(BOSS2, "deny_request", request_id)  # on the card, before any escalation
    [opened] = slack.wait_calls("views.open")
    bot.submit_view(BOSS2, "deny_form", {"note": "not an incident"}, opened.args["view"]["private_metadata"])
    slack.wait_for(lambda: bot.runtime.store.requests.get(request_id).state == "denied", what="the denial")
    assert bot.runtime.store.requests.get(request_id).decided_by == BOSS2
    ci.add_job(job(2))
    bot.command(BOSS3, f"{job(2)} stop it")  # not on-call: no direct cancel
    slack.wait_for(lambda: "refused" in events(bot), what="the refusal")
    assert ci.jobs[job(2)].state != "Cancelled"


def test_a_requester_in_the_next_level_cannot_decide_their_own_request(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env(ESCALATION_USERS=MOD))
    request_id = request_by_mod(bot, ci, slack, job(1))
    slack.wait_for(lambda: thread_replies(slack) and dms_to(slack, BOSS1), what="the escalation")
    assert not dms_to(slack, MOD), "the requester is not asked to decide their own request"
    bot.click(MOD, "approve_request", request_id, response_name="self")
    slack.wait_response(lambda c: c.method.endswith("self") and "your own request" in c.args["text"])
    assert bot.runtime.store.requests.get(request_id).state == "pending"


def test_home_lists_escalated_requests_first(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env(LONG, MAX_PENDING_PER_USER="5"))
    older = request_by_mod(bot, ci, slack, job(1))
    ci.add_job(job(2), data_id="biz")
    bot.command(MOD, f"{job(2)} also this one")
    slack.wait_calls("chat.postMessage", 2, channel=APPROVALS)
    newer = next(r.id for r in bot.runtime.store.requests.pending() if r.id != older)
    make_due(bot, newer)
    slack.wait_for(lambda: escalated(bot, newer), what="the newer request escalated")
    published = len(slack.calls_to("views.publish"))
    bot.home_opened(ONCALL)
    [view] = slack.wait_calls("views.publish", published + 1)[published:]
    text = json.dumps(view.args["view"])
    assert text.index(newer[:8]) < text.index(older[:8]), "the escalated request comes first"
    assert "Escalated" in text


def test_a_passing_permalink_failure_is_tried_again_so_each_dm_links_to_the_card(make_bot, ci, slack, next_level):
    slack.fail("chat.getPermalink", 1)  # internal_error, once
    bot = make_bot(**escalation_env())
    request_by_mod(bot, ci, slack, job(1))
    slack.wait_for(lambda: all(dms_to(slack, u) for u in (BOSS1, BOSS2, BOSS3)), timeout=30, what="the members' DMs")
    for user in (BOSS1, BOSS2, BOSS3):
        assert f"archives/{APPROVALS}/p" in json.dumps(dms_to(slack, user)[0].args["blocks"]), user


def test_with_escalation_off_leftover_next_level_settings_grant_no_decision(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env("0"))  # off, with ESCALATION_USERGROUPS and ESCALATION_USERS left set
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(BOSS3, "approve_request", request_id, response_name="boss")
    answer = slack.wait_response(lambda c: c.method.endswith("boss"))
    assert "Only on-call approvers" in answer.args["text"]
    assert bot.runtime.store.requests.get(request_id).state == "pending"


def test_the_escalation_and_its_members_follow_up_are_never_given_up(make_bot):
    """Their moment lasts while the request is open (they end with it): a long Slack or database
    outage must not drop them after the runner's MAX_ATTEMPTS."""
    bot = make_bot(**escalation_env(LONG))
    assert {"escalate", "escalation_members"} <= bot.runtime.work.kinds.retried_forever
