"""Withdraw: only the requester, only while pending; nothing is cancelled; refusals audited."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid


def test_the_requester_withdraws_and_the_message_loses_its_buttons(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    posted = json.dumps(slack.wait_calls("chat.postMessage", channel=APPROVALS)[0].args["blocks"])
    assert "withdraw_request" in posted
    bot.click(MOD, "withdraw_request", request_id, response_name="mine")
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    shown = json.dumps(update.args["blocks"])
    assert "Withdrawn by <@U0MOD1>" in shown and "Nothing was cancelled" in shown
    assert "approve_request" not in shown and "withdraw_request" not in shown
    slack.wait_response(lambda c: c.method.endswith("mine") and "You withdrew request" in c.args["text"])
    bot.click(ONCALL, "approve_request", request_id, response_name="late")
    slack.wait_response(lambda c: c.method.endswith("late") and "Already withdrawn by <@U0MOD1>" in c.args["text"])
    assert ci.requests_for("cancel_auditing") == []
    assert ci.jobs[job(1)].state == "Auditing"
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "withdrawn"]
    withdrawn = bot.runtime.store.audit_entries()[1]
    assert withdrawn.actor == MOD and withdrawn.detail["job_ids"] == [job(1)]
    assert_all_sent_blocks_valid(slack)


def test_anyone_else_is_refused_and_audited(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(ONCALL, "withdraw_request", request_id, response_name="other")
    slack.wait_response(lambda c: c.method.endswith("other") and "Only the requester" in c.args["text"])
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "refused"]
    assert bot.runtime.store.audit_entries()[1].detail["action"] == "withdraw"
    assert bot.runtime.store.get_request(request_id).state == "pending"
    assert slack.calls_to("chat.update") == []
