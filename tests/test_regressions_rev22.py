"""Review of the escalation DMs' closing, the lost-cancel confirmation, Retry failed's `sends`
and the refactors: each test reproduced a guarantee that did not hold, and now holds."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse

from bot.domain.escalation import dm_key
from bot.domain.retention import DAY
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, ONCALL
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.test_escalation import BOSS1, BOSS2, BOSS3, NEXT_LEVEL, dms_to, escalation_env, wait_escalation_posted
from tests.test_callbacks import TOKEN, callback, flagged_job, proposals, simple_body


def _dm_edits(slack, user: str) -> list:
    """The edits of the user's escalation DM (the stand-in's DM channel is D<user>)."""
    return slack.calls_to("chat.update", channel=f"D{user}")


def test_the_last_edit_of_a_closed_dm_shows_how_the_request_ended(make_bot, ci, slack):
    """The closing edits of one DM (one per state the request reaches: approved, then done) run
    as independent tasks, each rendering the request as it read it. The 'approved' one reads the
    request while the cancel is in flight and is slow to find the DM (Slack slow to answer its
    history look-up); the 'done' one, queued when the cancel ends, edits first. The slow one then
    overwrites it: the DM says 'cancelling…' for good and never names the job's outcome."""
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]
    bot = make_bot(**escalation_env())
    request_id = request_by_mod(bot, ci, slack, job(1))
    wait_escalation_posted(slack)
    store = bot.runtime.store
    slack.wait_for(lambda: all(store.work.task_done(dm_key(request_id, u)) for u in (BOSS1, BOSS2, BOSS3)), what="the DMs' tasks done")
    cancel_held = threading.Event()
    ci.script(job(1), Fault.until(cancel_held))  # the cancel is in flight until released
    history_held = slack.stall("conversations.history", channel=f"D{BOSS3}")  # the first look-up in BOSS3's DM is slow
    try:
        bot.click(ONCALL, "approve_request", request_id)
        slack.wait_calls("conversations.history", channel=f"D{BOSS3}", timeout=20)  # the 'approved' edit, looking for the DM
        cancel_held.set()
        slack.wait_for(lambda: store.requests.get(request_id).state == "done", timeout=20, what="the cancel done")
        slack.wait_for(lambda: any("Cancelled" in json.dumps(c.args) for c in _dm_edits(slack, BOSS3)), timeout=20, what="the 'done' edit")
    finally:
        cancel_held.set()
        history_held.set()
    slack.wait_for(lambda: store.work.open_task_count() == 0, timeout=20, what="every announcement made")
    last = json.dumps(_dm_edits(slack, BOSS3)[-1].args)
    assert "cancelling" not in last and job(1) in last, f"the DM's last edit: {last[:400]}"


def _click_in_dm(bot, dm, action_id: str, value: str):
    """A button of an escalation DM, as Slack sends it: the DM's channel (a D…, `directmessage`)
    and the clicked message's ts."""
    channel, ts = dm.result["channel"], dm.result["ts"]
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": dm.args["channel"]},
        "api_app_id": "A1",
        "trigger_id": "trig-dm",
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "response_url": bot.slack.response_url("dm-click"),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "escalation", "value": value, "action_ts": str(time.time())}],
    }
    return bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


def test_cancel_stream_from_an_escalation_dm_never_takes_the_dm_for_the_card(make_bot, ci, slack):
    """Slack refused the proposal's card for good, so each lead's DM names the channel instead of
    linking the card. A lead clicks Cancel stream in their DM: the decision is stored with the DM
    as the proposal's card (Approve and Deny know a DM is not the card; Cancel stream and Dismiss
    do not), so the card's updates are made in that lead's DM: it is overwritten with the card
    (on-call's mention, its footer) in turn with its own closing edits."""
    slack.groups[NEXT_LEVEL] = [BOSS1, BOSS2]
    slack.fail("chat.postMessage", 1, error="not_in_channel", channel=APPROVALS)  # the card, refused for good
    bot = make_bot(CALLBACK_TOKEN=TOKEN, **escalation_env())
    flagged_job(ci)
    assert callback(bot, simple_body(job(1))).status_code == 200
    slack.wait_for(lambda: all(dms_to(slack, u) for u in (BOSS1, BOSS2, BOSS3)), timeout=20, what="the escalation's DMs")
    [proposal] = proposals(bot.runtime.store)
    dm = dms_to(slack, BOSS1)[0]
    _click_in_dm(bot, dm, "cancel_stream", proposal.id)
    store = bot.runtime.store
    slack.wait_for(lambda: store.requests.get(proposal.id).state == "done", timeout=20, what="the proposal carried out")
    slack.wait_for(lambda: store.work.open_task_count() == 0, timeout=20, what="every announcement made")
    decided = store.requests.get(proposal.id)
    assert not (decided.message_channel or decided.message_ts), f"the card is still the card (never posted), not {dm.result['channel']}"
    edits = [json.dumps(c.args) for c in _dm_edits(slack, BOSS1)]
    assert edits and all("no longer waiting for you" in e for e in edits), "the DM is edited only as the closed DM"


def test_a_query_that_shows_no_state_leaves_a_lost_cancel_unknown(make_bot, ci, slack):
    """The cancel lands but its answer is lost; the confirming query answers without a State (a
    cancelled job's state is undocumented: Tencent may show none). That query cannot tell, so the
    job is unknown (contract: 'shown as unknown only when the query cannot tell'). It is reported
    failed ('NetworkError: could not connect to the CI API … confirmed by a status query'),
    counted among the jobs Tencent refused: Retry failed resets its sends and sends the cancel
    again as if never sent (seen: a second cancel_auditing), and Tencent's InvalidArgument for the
    job we cancelled then stands as a plain failure."""
    bot = make_bot(CI_MAX_ATTEMPTS="1")
    ci.add_job(job(1), data_id="room-1")
    stateless = re.sub(rb"<State>[^<]*</State>", b"", ci.query_body(ci.jobs[job(1)]))
    ci.script(job(1), Fault.apply_then_drop(), Fault.raw(200, stateless))  # the send (applied, answer lost), then the query
    bot.command(ONCALL, f"{job(1)} stop it")
    slack.wait_for(lambda: bot.runtime.store.requests.recent_decisions(), what="the execution done")
    slack.wait_for(lambda: bot.runtime.store.requests.recent_decisions()[0].outcome, what="its outcome")
    [outcome] = bot.runtime.store.requests.recent_decisions()[0].outcome
    assert ci.jobs[job(1)].state == "Cancelled"  # our cancel did it
    assert outcome["result"] == "unknown", f"the query could not tell, yet: {outcome['result']} (confirmed={outcome['confirmed']})"


def test_a_refresh_shown_on_a_pending_card_outlives_retention(make_bot, ci, slack):
    """RETENTION_DAYS=1 with requests that live 3 days (both allowed). On-call's Refresh shows
    the job ended; its answer is stored with the card's update (a finished task), so that another
    process, or this one after a restart, knows what on-call saw. A day and a half later the
    pruning deletes that task (it keeps only the approval post); the request is still pending.
    Approved from a fresh process, the checked cancel knows only the post's 'Auditing': a cancel
    is sent for a job the card showed ended (contract: 'approving it sends no cancel')."""
    env = dict(RETENTION_DAYS="1", APPROVAL_TTL_SECONDS=str(3 * 86400), APPROVAL_REMINDER_SECONDS="0")
    first = make_bot(**env)
    request_id = request_by_mod(first, ci, slack, job(1))
    ci.jobs[job(1)].state = "Success"  # moderation ended by itself
    first.runtime.workflow.evidence.fresh_seconds = 0
    first.click(ONCALL, "refresh_evidence", request_id)
    slack.wait_for(
        lambda: any("Success" in json.dumps(c.args) for c in slack.calls_to("chat.update", channel=APPROVALS)), what="the card showing it ended"
    )
    slack.wait_for(lambda: first.runtime.store.work.open_task_count() == 0, timeout=20, what="every task done")
    first.runtime.retention.prune(time.time() + 1.5 * DAY)  # the sweeper's pruning, a day and a half on
    first.stop()
    second = make_bot(**env)  # the process that runs by then (a restart, a redeploy)
    second.click(ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: second.runtime.store.requests.get(request_id).state == "done", timeout=20, what="the approval carried out")
    [outcome] = second.runtime.store.requests.get(request_id).outcome
    assert ci.requests_for("cancel_auditing") == [], f"a cancel was sent for a job the card showed ended: {outcome.get('code')}"
