"""Withdraw: only the requester, only while pending; nothing is cancelled; refusals audited."""

from __future__ import annotations

import json
import threading

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
    withdrawn = bot.runtime.store.audit.entries()[1]
    assert withdrawn.actor == MOD and withdrawn.detail["job_ids"] == [job(1)]
    assert_all_sent_blocks_valid(slack)


def test_anyone_else_is_refused_and_audited(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.click(ONCALL, "withdraw_request", request_id, response_name="other")
    slack.wait_response(lambda c: c.method.endswith("other") and "Only the requester" in c.args["text"])
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "refused"]
    assert bot.runtime.store.audit.entries()[1].detail["action"] == "withdraw"
    assert bot.runtime.store.requests.get(request_id).state == "pending"
    assert slack.calls_to("chat.update") == []


def test_withdraw_racing_an_approve_makes_one_decision(make_bot, ci, slack):
    first, second = make_bot(), make_bot()
    request_id = request_by_mod(first, ci, slack, job(1))
    barrier = threading.Barrier(2)

    def click(bot, user, action):
        barrier.wait()
        bot.click(user, action, request_id, response_name=f"{action}")

    threads = [
        threading.Thread(target=click, args=(first, MOD, "withdraw_request")),
        threading.Thread(target=click, args=(second, ONCALL, "approve_request")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    slack.wait_for(lambda: first.runtime.store.requests.get(request_id).state in {"withdrawn", "done"}, timeout=20, what="the request settled")
    decisions = [e for e in events(first) if e in {"approved", "withdrawn"}]
    assert len(decisions) == 1
    sent = len(ci.requests_for("cancel_auditing"))
    assert sent == (1 if decisions == ["approved"] else 0)
    loser = "withdraw_request" if decisions == ["approved"] else "approve_request"
    slack.wait_response(lambda c: c.method.endswith(loser) and "Already" in c.args["text"])
