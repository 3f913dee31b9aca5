"""Third review of issues 16, 18, 19 and 20 (Retry failed's `sends`, the closed escalation DMs,
the checked cancel): each test reproduced a guarantee that did not hold, and now holds."""

from __future__ import annotations

import json
import threading
import time

from bot.domain.escalation import dm_key
from bot.domain.retention import DAY
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import CHANNEL, ONCALL
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.test_escalation import BOSS1, BOSS2, BOSS3, NEXT_LEVEL, escalation_env, wait_escalation_posted
from tests.targets import targets_env


def _retry_value(slack) -> str:
    """The Retry failed button's value on the latest result posted in the channel."""
    result = slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if "retry_failed" in json.dumps(c.args)])[-1]
    return next(e["value"] for b in result.args["blocks"] for e in b.get("elements", []) if e.get("action_id") == "retry_failed")


def test_retry_after_a_cancel_still_in_flight_when_queried_reports_it_cancelled(make_bot, ci, slack):
    """Tencent is slow to carry out the cancel: the client's read timeout fires first (answer
    lost), and the confirming query, made while Tencent is still working on it, shows the job
    still Auditing, so the job is reported failed (truthfully: it was still running then). Then
    Tencent completes that very cancel. On-call clicks Retry failed: the round's outcome says
    'seen running', so Retry resets the job's sends to zero as if no cancel of ours could have
    ended it. The new cancel gets Tencent's InvalidArgument (the job is cancelled: by us) and,
    sent 'for the first time', it is taken as Tencent's refusal, not confirmed with the query API:
    the job is reported failed again (and each further Retry repeats it), though our cancel ended
    it (contract: a job is reported failed only when Tencent's answer or a status query shows it
    was not cancelled; a job an earlier send may have ended is confirmed, not trusted as unsent)."""
    bot = make_bot(CI_MAX_ATTEMPTS="1", CI_READ_TIMEOUT="1")
    ci.add_job(job(1), data_id="room-1")
    landed = threading.Event()
    ci.script(job(1), Fault.hold(landed))  # the cancel reaches Tencent, which has not acted yet
    try:
        bot.command(ONCALL, f"{job(1)} stop it")
        retry = _retry_value(slack)
        store = bot.runtime.store
        [request] = store.requests.recent_decisions()
        [first] = store.requests.get(request.id).outcome
        assert (first["result"], first["confirmed"], first["state"]) == ("failed", True, "Auditing"), first
    finally:
        landed.set()  # Tencent carries out the cancel it was sent
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="our first cancel carried out")
    bot.click(ONCALL, "retry_failed", retry, channel=CHANNEL)
    slack.wait_for(lambda: (lambda r: r.retries == 1 and r.state == "done")(store.requests.get(request.id)), timeout=20, what="the retry done")
    [outcome] = store.requests.get(request.id).outcome
    assert outcome["result"] == "cancelled", f"our own cancel ended it, yet: {outcome['result']} {outcome.get('code')} {outcome.get('message')}"


def test_retry_sends_no_cancel_for_a_job_never_sent_and_seen_ended_in_several_targets(make_bot, ci, sg, partner, slack):
    """Three targets; sg cannot be asked when on-call cancels a job that is in bj, so its target
    is not certain and nothing is sent (TargetUnreachable, 'nothing was sent'). sg answers again;
    the stream then ends by itself and on-call's `status` shows it ended (State Success, in bj).
    Retry failed sends a cancel to bj all the same: the journal counts a send for the job
    (the intent is recorded before placement stops it), so the checked cancel is skipped, and the
    reading from bj does not count for a job the request did not place. Tencent's InvalidArgument
    is then confirmed as our cancel: the result and the audit say the bot cancelled a job that
    ended by itself before any cancel (contract: a job shown ended gets no cancel and says so)."""
    for _ in range(40):  # sg is down while the job is located (each try of it)
        sg.script("*", Fault.error(503, "InternalError", "down"))
    bot = make_bot(CI_MAX_ATTEMPTS="1", **targets_env(ci, sg, partner))
    ci.add_job(job(1), data_id="room-1")
    bot.command(ONCALL, f"{job(1)} stop it")
    retry = _retry_value(slack)
    store = bot.runtime.store
    [request] = store.requests.recent_decisions()
    [first] = store.requests.get(request.id).outcome
    assert first["code"] == "TargetUnreachable" and ci.requests_for("cancel_auditing") == [], first
    with sg.lock:
        sg.faults.clear()  # sg is back
    ci.jobs[job(1)].state = "Success"  # moderation ended by itself
    bot.runtime.workflow.evidence.fresh_seconds = 0
    bot.command(ONCALL, f"status {job(1)}", response_name="status")
    slack.wait_response(lambda c: c.method.endswith("status") and "*ended* (State Success)" in json.dumps(c.args.get("blocks")))
    bot.click(ONCALL, "retry_failed", retry, channel=CHANNEL)
    slack.wait_for(lambda: (lambda r: r.retries == 1 and r.state == "done")(store.requests.get(request.id)), timeout=20, what="the retry done")
    [outcome] = store.requests.get(request.id).outcome
    sent = ci.requests_for("cancel_auditing")
    assert sent == [], f"{len(sent)} cancel(s) for a job shown ended, reported {outcome['result']} (confirmed={outcome.get('confirmed')})"


def test_escalation_dms_are_closed_when_a_request_outlives_retention(make_bot, ci, slack):
    """RETENTION_DAYS=1 with requests that live 3 days (both allowed). The request is escalated
    and each lead gets a DM with Approve/Deny. A day and a half later the pruning deletes the
    DMs' finished tasks (it keeps only the approval post and Refresh answers); the request is
    still pending. On-call approves it: the DMs to close are listed from those tasks, now gone,
    so no DM is edited: each lead's DM keeps its Approve/Deny buttons for a request that is done
    (contract: once it is decided, withdrawn or expires, each DM says how it ended)."""
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]
    bot = make_bot(**escalation_env(RETENTION_DAYS="1", APPROVAL_TTL_SECONDS=str(3 * 86400)))
    request_id = request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    store = bot.runtime.store
    slack.wait_for(lambda: all(store.work.task_done(dm_key(request_id, u)) for u in (BOSS1, BOSS2, BOSS3)), what="the DMs' tasks done")
    slack.wait_for(lambda: store.work.open_task_count() == 0, timeout=20, what="every task done")
    bot.runtime.retention.prune(time.time() + 1.5 * DAY)  # the sweeper's pruning, a day and a half on
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: store.requests.get(request_id).state == "done", timeout=20, what="the approval carried out")
    slack.wait_for(lambda: store.work.open_task_count() == 0, timeout=20, what="every announcement made")
    closed = {
        u: [c for c in slack.calls_to("chat.update", channel=f"D{u}") if "no longer waiting" in json.dumps(c.args)] for u in (BOSS1, BOSS2, BOSS3)
    }
    assert all(closed.values()), f"DMs closed per lead: { {u: len(c) for u, c in closed.items()} }"
