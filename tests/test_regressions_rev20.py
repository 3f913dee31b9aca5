"""Regressions found reviewing escalation (issue 20): each test was written to fail first
(a strict expected failure) because of the defect it names, and passes since its fix."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import APPROVALS, MOD, ONCALL
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.test_escalation import (
    BOSS1,
    BOSS2,
    BOSS3,
    LONG,
    NEXT_LEVEL,
    dms_to,
    escalated,
    escalation_done,
    escalation_env,
    make_due,
    thread_replies,
    wait_escalation_posted,
)
from tests.test_callbacks import TOKEN, buttons, callback, flagged_job, simple_body


@pytest.fixture
def next_level(slack):
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]


def _settled(bot, slack) -> None:
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, timeout=20, what="every task done")


def test_a_lost_answer_to_an_escalation_dm_does_not_send_it_twice(make_bot, ci, slack, next_level):
    slack.lose_answer("chat.postMessage", 1, channel=BOSS1)  # the DM lands; its answer is lost
    bot = make_bot(**escalation_env())
    request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    _settled(bot, slack)
    assert len(thread_replies(slack)) == 1
    assert len(dms_to(slack, BOSS1)) == 1, "one DM per member, however Slack answers"


def test_an_escalated_proposal_does_not_mention_a_user_that_does_not_exist(make_bot, ci, slack, next_level):
    bot = make_bot(CALLBACK_TOKEN=TOKEN, **escalation_env())
    flagged_job(ci)
    assert callback(bot, simple_body(job(1))).status_code == 200
    card = slack.wait_calls("chat.postMessage", channel=APPROVALS)[0]
    assert "cancel_stream" in buttons(card)
    wait_escalation_posted(slack)
    shown = json.dumps([thread_replies(slack)[0].args, *(dms_to(slack, u)[0].args for u in (BOSS1, BOSS2, BOSS3))])
    assert "<@tencent-moderation>" not in shown, "the proposer is no Slack user: a mention of it renders broken"


def test_turning_escalation_off_stops_escalations_already_scheduled(make_bot, ci, slack, next_level):
    first = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(first, ci, slack, job(1))
    first.kill()
    second = make_bot(APPROVAL_TTL_SECONDS="120", APPROVAL_REMINDER_SECONDS="0", ESCALATE_AFTER_SECONDS="0")
    make_due(second, request_id)
    slack.wait_for(lambda: escalation_done(second, request_id), timeout=20, what="the escalation task ran")
    assert not escalated(second, request_id), "ESCALATE_AFTER_SECONDS=0: no escalation"
    assert "escalated" not in events(second)
    assert not thread_replies(slack)
    assert ONCALL  # on-call still decides it


def test_a_passing_group_read_failure_does_not_lose_the_members_dms(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(bot, ci, slack, job(1))
    slack.fail("usergroups.users.list", 1000)  # Slack's user groups fail for a while at the due time
    make_due(bot, request_id)
    slack.wait_for(lambda: escalated(bot, request_id), timeout=40, what="the escalation (with what could be read)")
    with slack.cond:
        slack.failures.pop(("usergroups.users.list", None), None)  # Slack is back
    slack.wait_for(lambda: dms_to(slack, BOSS3), what="the DM to the user named in ESCALATION_USERS")
    bot.runtime.work.wake()
    _settled(bot, slack)
    assert dms_to(slack, BOSS1) and dms_to(slack, BOSS2), "each member of the next level gets a DM"


def test_the_next_level_is_told_even_when_the_card_could_not_be_posted(make_bot, ci, slack, next_level):
    slack.fail("chat.postMessage", 1, error="not_in_channel", channel=APPROVALS)  # the card is refused for good
    bot = make_bot(**escalation_env())
    ci.add_job(job(1), data_id="biz")
    bot.command(MOD, f"{job(1)} please stop")
    pending = slack.wait_for(lambda: bot.runtime.store.requests.pending(), what="the request stored")
    request_id = pending[0].id
    slack.wait_for(lambda: escalated(bot, request_id), timeout=20, what="the escalation")
    assert next(e for e in bot.runtime.store.audit.entries() if e.event == "escalated").detail["members"] == [BOSS1, BOSS2, BOSS3]
    # Nobody saw the card: the DMs (with their own Approve/Deny) are the only way the next level learns of it.
    slack.wait_for(lambda: all(dms_to(slack, u) for u in (BOSS1, BOSS2, BOSS3)), timeout=15, what="the members' DMs")


def test_a_passing_permalink_failure_still_leads_the_member_to_the_card(make_bot, ci, slack, next_level):
    slack.fail("chat.getPermalink", 1)  # internal_error, once: Slack would answer the next try
    bot = make_bot(**escalation_env())
    request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    body = json.dumps([dm.args.get("blocks") for u in (BOSS1, BOSS2, BOSS3) for dm in dms_to(slack, u)])
    assert body.count(f"archives/{APPROVALS}/p") + body.count(f"<#{APPROVALS}>") >= 3, "each DM links to the card (or names its channel)"


def test_a_crash_mid_dm_does_not_send_it_twice(make_bot, ci, slack, next_level):
    eager = dict(HEARTBEAT_SECONDS="0.5", PRESUMED_DEAD_SECONDS="2")
    release = slack.stall("chat.postMessage", channel=BOSS1)  # the DM lands; the process dies before the answer
    first = make_bot(**escalation_env(), **eager)
    request_id = request_by_mod(first, ci, slack, job(1))
    slack.wait_for(lambda: slack.stalled, timeout=20, what="the DM in flight")
    dead = _task(first, f"{request_id}:escalation:dm:{BOSS1}").owner
    first.kill()
    second = make_bot(**escalation_env(), **eager)
    taken = lambda: _task(second, f"{request_id}:escalation:dm:{BOSS1}")  # noqa: E731
    slack.wait_for(lambda: taken().done_at or taken().owner not in (None, dead), timeout=20, what="the DM task taken over")
    release.set()  # the dead process's call returns to nobody
    slack.wait_for(lambda: dms_to(slack, BOSS2) and dms_to(slack, BOSS3), timeout=20, what="the other DMs")
    _settled(second, slack)
    assert len(dms_to(slack, BOSS1)) == 1, "one DM per member, across kill -9"


def _task(bot, key: str):
    with bot.runtime.store.engine.connect() as conn:
        return conn.execute(sa.select(tasks_table).where(tasks_table.c.key == key)).one()


def test_a_next_level_member_refused_for_an_unreadable_group_is_told_why(make_bot, ci, slack, next_level):
    bot = make_bot(**escalation_env(LONG))
    request_id = request_by_mod(bot, ci, slack, job(1))
    slack.fail("usergroups.users.list", 1000)  # the next level's group cannot be read (never read before)
    bot.click(BOSS1, "approve_request", request_id, response_name="boss")
    answer = slack.wait_response(lambda c: c.method.endswith("boss"))
    assert bot.runtime.store.requests.get(request_id).state == "pending"  # fails closed: right
    assert "Only on-call approvers" not in answer.args["text"], "the member is of the next level: the refusal must say Slack failed"
