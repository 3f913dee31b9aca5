"""Deny: a modal asks for an optional reason; the requester hears it; refusals are answered."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, OUTSIDER
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid


def test_deny_with_reason(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(ONCALL, "deny_request", request_id)
    [opened] = slack.wait_calls("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "deny_form" and view["private_metadata"].startswith(request_id)
    status, _body, _ = bot.submit_view(ONCALL, "deny_form", {"note": "stream is fine"}, view["private_metadata"])
    assert status == 200
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    text = json.dumps(update.args["blocks"])
    assert "Denied by <@U0ONCALL1>: stream is fine" in text and "approve_request" not in text
    dm = slack.wait_calls("chat.postMessage", channel=MOD)
    assert "denied" in dm[0].args["text"] and "stream is fine" in dm[0].args["text"]
    assert ci.requests_for("cancel_auditing") == []
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "denied"]
    assert_all_sent_blocks_valid(slack)


def test_outsider_deny_click_is_refused_without_a_form(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(OUTSIDER, "deny_request", request_id, response_name="x")
    slack.wait_response(lambda c: c.method.endswith("x") and "Only on-call" in c.args["text"])
    assert slack.calls_to("views.open") == []
    slack.wait_for(lambda: events(bot) == ["requested", "refused"], what="refusal audited")


def test_deny_after_approval_says_already_decided(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_calls("chat.update", 2, channel=APPROVALS)
    bot.click(ONCALL, "deny_request", request_id, response_name="late")
    slack.wait_response(lambda c: c.method.endswith("late") and "Already approved" in c.args["text"])
