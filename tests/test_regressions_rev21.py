"""Review of issues 19 and 20 after the checked Retry failed, the callback intake's coalescing
and kind-filtered claims: each test reproduced a guarantee that did not hold, and now holds."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import CHANNEL, ONCALL
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.test_escalation import BOSS1, BOSS2, BOSS3, NEXT_LEVEL, dms_to, escalation_env, wait_escalation_posted


def _ended_body(ci, job_id: str, state: str) -> bytes:
    """The query API's answer for the job once it has ended in `state`."""
    shown = ci.jobs[job_id]
    before, shown.state = shown.state, state
    try:
        return ci.query_body(shown)
    finally:
        shown.state = before


def test_a_job_a_lost_cancel_may_have_ended_is_cancelled_not_failed_and_not_sent_again(make_bot, ci, slack):
    """The cancel's answer is lost; the bot asks the query API, which shows the job ended in
    State `Failed`. A cancelled job's state is undocumented (any state but Submitted/Auditing is
    ended), so this end may be our own cancel: it is reported cancelled (never failed when it was
    cancelled), with the state the query showed, and no Retry failed offers to send it again."""
    bot = make_bot(CI_MAX_ATTEMPTS="1")
    ci.add_job(job(1), data_id="room-1")
    ci.script(job(1), Fault.drop(), Fault.raw(200, _ended_body(ci, job(1), "Failed")))  # the send, then the confirming query
    bot.command(ONCALL, f"{job(1)} stop it")
    [result] = slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if job(1) in json.dumps(c.args)])
    shown = json.dumps(result.args["blocks"])
    assert "cancelled" in shown and "State Failed" in shown and "retry_failed" not in shown
    assert len(ci.requests_for("/video/auditing/")) == 1  # the lost answer was confirmed with the query API
    assert len(ci.requests_for("cancel_auditing")) == 1
    [outcome] = bot.runtime.store.requests.recent_decisions()[0].outcome
    assert (outcome["result"], outcome["state"], outcome["confirmed"]) == ("cancelled", "Failed", True)


def _still_offers_a_decision(slack, dm) -> bool:
    """Whether the direct message, as last posted or updated, still has Approve/Deny buttons."""
    where = {dm.args["channel"], dm.result["channel"]}
    updates = [c for c in slack.calls_to("chat.update") if c.args.get("ts") == dm.result["ts"] and c.args.get("channel") in where]
    shown = updates[-1].args if updates else dm.args
    return "approve_request" in json.dumps(shown.get("blocks"))


def test_a_decided_escalation_leaves_no_live_buttons_in_the_direct_messages(make_bot, ci, slack):
    """A lead approves from their DM; the card loses its buttons (README's timeline), but every
    lead's DM, the clicker's own included, keeps Approve/Deny for good: the others see a request
    still waiting for them (issue 16's "a second on-call sees live buttons and clicks")."""
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]
    bot = make_bot(**escalation_env())
    request_id = request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    bot.click(BOSS1, "approve_request", request_id, channel=BOSS1)
    slack.wait_for(lambda: bot.runtime.store.requests.get(request_id).state == "done", timeout=20, what="the approved request done")
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, timeout=20, what="every announcement made")
    live = [user for user in (BOSS1, BOSS2, BOSS3) if _still_offers_a_decision(slack, dms_to(slack, user)[0])]
    assert live == [], f"decided, yet these DMs still offer Approve/Deny: {live}"
