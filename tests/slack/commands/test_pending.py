"""/cancel-moderation pending: on-call sees every open request, a requester only their own,
always caller-only."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.harness import APPROVALS, MOD, ONCALL, OUTSIDER
from tests.slack.blockkit import assert_all_sent_blocks_valid

OTHER_MOD = "U0MOD2"


def ask(bot, slack, user: str, *jobs: str) -> str:
    count = len(slack.calls_to("chat.postMessage", channel=APPROVALS))
    bot.command(user, " ".join(jobs) + " please stop")
    slack.wait_calls("chat.postMessage", count + 1, channel=APPROVALS)
    return bot.request_id_from_approval()


def pending_answer(bot, slack, user: str) -> tuple[str, str]:
    status, _, _ = bot.command(user, "pending", response_name=f"pending-{user}")
    assert status == 200
    told = slack.wait_response(lambda c: c.method.endswith(f"pending-{user}"))
    assert told.args["response_type"] == "ephemeral"
    return told.args["text"], json.dumps(told.args.get("blocks"))


def test_on_call_sees_all_open_requests_and_requesters_their_own(make_bot, ci, slack):
    bot = make_bot(REQUESTER_USERS=f"{MOD},{OTHER_MOD}")
    for n in (1, 2, 3):
        ci.add_job(job(n))
    mine = ask(bot, slack, MOD, job(1))
    theirs = ask(bot, slack, OTHER_MOD, job(2))
    decided = ask(bot, slack, MOD, job(3))
    bot.click(MOD, "withdraw_request", decided)
    slack.wait_calls("chat.update", channel=APPROVALS)

    text, blocks = pending_answer(bot, slack, ONCALL)
    assert text == "Open requests: 2"
    assert mine[:8] in blocks and theirs[:8] in blocks and decided[:8] not in blocks
    assert job(1) in blocks and "please stop" in blocks and "Expires" in blocks

    text, blocks = pending_answer(bot, slack, MOD)
    assert text == "Your open requests: 1"
    assert mine[:8] in blocks and theirs[:8] not in blocks
    assert_all_sent_blocks_valid(slack)


def test_someone_who_may_not_ask_is_refused(bot, slack):
    bot.command(OUTSIDER, "pending", response_name="outsider")
    told = slack.wait_response(lambda c: c.method.endswith("outsider"))
    assert "You may not request cancellations" in told.args["text"]
