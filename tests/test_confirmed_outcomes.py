"""After a 200 that cannot be read, the bot asks Tencent for the job's state and reports what
it says (cancelled, still running, or unknown), saying it was confirmed by a status query."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import CHANNEL, ONCALL
from tests.slack.blockkit import assert_all_sent_blocks_valid

MALFORMED = b"<Response><JobsDetail><JobId>av"  # Tencent's published sample is malformed XML too


def result_of(bot, slack) -> tuple[str, dict]:
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    outcome = bot.runtime.store.requests.get(bot.runtime.store.requests.recent_decisions(1)[0].id).outcome[0]
    return json.dumps(result.args["blocks"], ensure_ascii=False), outcome


def test_a_malformed_200_for_a_cancelled_job_is_confirmed_cancelled(bot, ci, slack):
    ci.add_job(job(1), data_id="biz-1")
    ci.script(job(1), Fault.apply_then(Fault.raw(200, MALFORMED)))
    bot.command(ONCALL, f"{job(1)} malformed answer")
    text, outcome = result_of(bot, slack)
    assert "cancelled" in text and "confirmed by a status query" in text and "biz-1" in text
    assert outcome["result"] == "cancelled" and outcome["confirmed"] is True
    assert len(ci.requests_for("cancel_auditing")) == 1  # confirmed by a query, not sent again
    assert_all_sent_blocks_valid(slack)


def test_a_malformed_200_for_a_job_still_running_says_so(bot, ci, slack):
    ci.add_job(job(1))
    ci.script(job(1), Fault.raw(200, MALFORMED))
    bot.command(ONCALL, f"{job(1)} malformed answer")
    text, outcome = result_of(bot, slack)
    assert "BadResponse" in text and "job is still running (*Auditing*)" in text and "confirmed by a status query" in text
    assert outcome["result"] == "failed" and outcome["state"] == "Auditing" and outcome["confirmed"] is True


def test_when_the_query_cannot_tell_the_outcome_is_unknown(bot, ci, slack):
    ci.add_job(job(1))
    ci.script(job(1), Fault.raw(200, MALFORMED), Fault.error(403, "AccessDenied"))
    bot.command(ONCALL, f"{job(1)} malformed answer")
    text, outcome = result_of(bot, slack)
    assert "*unknown* — check with `status`" in text and "a status query could not tell" in text
    assert outcome["result"] == "unknown" and outcome["confirmed"] is False
