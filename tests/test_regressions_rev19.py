"""Review of issue 19 (evidence before a decision; moderation callbacks make proposals):
reproductions of guarantees that do not hold.

Every test here is marked `xfail(strict=True)`: it fails today, and the suite turns red once the
product is fixed (then drop the mark). Each says what the contract promises and what happens.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, MOD, ONCALL, Bot, bot_env
from tests.targets import targets_env
from tests.test_callbacks import TOKEN, buttons, callback, callback_tasks, flagged_job, looked_into, proposals, simple_body


@pytest.mark.xfail(strict=True, reason="with several targets, a callback whose query meets one unreachable target is dropped for good")
def test_a_callback_is_not_lost_while_another_target_cannot_be_asked(make_bot, ci, sg, partner, slack):
    """The job is flagged in bj; sg answers 503 for a while. The callback was acknowledged, so
    once sg answers again the proposal must still come: the task is retried, not finished."""
    for _ in range(40):  # sg is down for the first look (every retry of it)
        sg.script("*", Fault.error(503, "InternalError", "down"))
    bot = make_bot(CALLBACK_TOKEN=TOKEN, **targets_env(ci, sg, partner))
    flagged_job(ci)
    assert callback(bot, simple_body(job(1))).status_code == 200
    store = bot.runtime.store
    slack.wait_for(lambda: sg.requests_for("/video/auditing/"), what="sg asked (and failing)")
    slack.wait_for(lambda: looked_into(store) or len(sg.requests_for("/video/auditing/")) >= 6, timeout=20, what="the look given up")
    assert proposals(store) == []
    with sg.lock:
        sg.faults.clear()  # sg is back
    slack.wait_for(lambda: proposals(store), timeout=20, what="the proposal, once sg answers again")
    card = slack.wait_calls("chat.postMessage", channel=APPROVALS)[0]
    assert "cancel_stream" in buttons(card)


@pytest.mark.xfail(strict=True, reason="a card Refresh showed the job ended, yet after a restart Approve sends its cancel")
def test_a_job_the_card_shows_ended_gets_no_cancel_after_a_restart(ci, slack, database_url):
    """The card said `ended` (a Refresh read it); the process restarts (a deploy) before on-call
    clicks Approve. The checked cancel forgets what the card showed: it only knows the answer
    read when the card was first posted (running) and this process's memory (empty)."""
    env = bot_env(ci, slack, database_url)
    ci.add_job(job(1), data_id="room-1", result=1, label="Porn")
    before = Bot(env, slack)
    try:
        before.command(MOD, f"{job(1)} porn on stream")
        request_id = before.request_id_from_approval()
        ci.jobs[job(1)].state = "Success"  # moderation ended by itself
        before.runtime.workflow.evidence.fresh_seconds = 0
        before.click(ONCALL, "refresh_evidence", request_id)
        shown = slack.wait_calls("chat.update", channel=APPROVALS)[-1]
        assert "*ended* (State Success)" in json.dumps(shown.args["blocks"])
    finally:
        before.stop()
    after = Bot(env, slack)
    try:
        after.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: after.runtime.store.requests.get(request_id).outcome, what="the outcome")
        assert ci.requests_for("cancel_auditing") == []  # the card said ended: nothing to send
    finally:
        after.stop()
