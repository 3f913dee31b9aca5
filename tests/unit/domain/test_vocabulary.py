"""The typed vocabulary keeps the stored strings: old databases hold them, and tasks stored by
an older version must still run."""

from __future__ import annotations

import json

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Help, Pending, Status
from bot.domain.execution_task import ExecutePayload, execute_task
from bot.domain.kinds import DENY, LOOKUP, LOOKUPS, click_task, command_task
from bot.domain.oncall import retry_task
from bot.domain.payloads import ClickPayload, CommandPayload, RetryPayload
from bot.domain.states import Announcement, AuditEvent, CommandKind, Lane, RequestKind, Result, State, TaskKind
from bot.store import EVENTS
from bot.tencent.results import CancelResult, CIServiceError

CALLER = Caller("U1", "C1", "https://hooks.example/1", ("C1", "171.1"))
CALLER_JSON = '{"user_id": "U1", "channel_id": "C1", "response_url": "https://hooks.example/1", "message": ["C1", "171.1"]}'
ID = "0" * 32


def test_the_stored_strings_are_unchanged():
    assert [s.value for s in State] == ["pending", "approved", "denied", "withdrawn", "expired", "done"]
    assert [k.value for k in RequestKind] == ["direct", "approval", "cli", "proposal"]
    assert [r.value for r in Result] == ["cancelled", "failed", "unknown"]
    assert EVENTS == (
        "requested",
        "approved",
        "denied",
        "withdrawn",
        "expired",
        "escalated",
        "started",
        "cancelled",
        "failed",
        "refused",
        "proposed",
        "dismissed",
    )
    kinds = [
        "command",
        "lookup",
        "request",
        "approve",
        "deny",
        "deny_click",
        "execute",
        "withdraw",
        "retry",
        "refresh",
        "callback",
        "escalate",
        "escalation_members",
    ]
    assert [k.value for k in TaskKind] == kinds
    assert [k.value for k in CommandKind] == ["cancel", "status", "pending", "help"]
    assert [lane.value for lane in Lane] == ["urgent", "lookup", "slack", "home"]
    assert all(a.value.startswith("slack.") for a in Announcement)


def test_members_behave_as_their_strings():
    assert State.PENDING == "pending" and f"{State.DONE}" == "done" and json.dumps([AuditEvent.REFUSED]) == '["refused"]'
    assert State("approved") is State.APPROVED


def test_an_execution_payload_is_written_as_before():
    assert json.dumps(execute_task(ID).payload) == f'{{"request_id": "{ID}"}}'
    assert json.dumps(execute_task(ID, CALLER).payload) == f'{{"request_id": "{ID}", "caller": {CALLER_JSON}}}'
    assert ExecutePayload.from_dict(json.loads(json.dumps(execute_task(ID, CALLER).payload))) == ExecutePayload(ID, CALLER)


def test_command_payloads_are_written_as_before():
    cancel = command_task("k", CALLER, Cancel(("av1", "av2"), "why"))
    assert json.dumps(cancel.payload) == f'{{"caller": {CALLER_JSON}, "command": {{"kind": "cancel", "job_ids": ["av1", "av2"], "reason": "why"}}}}'
    status = command_task("k", CALLER, Status(("av1",)), lane=LOOKUPS, kind=LOOKUP)
    assert json.dumps(status.payload["command"]) == '{"kind": "status", "job_ids": ["av1"]}'
    assert status.lane == "lookup" and status.kind == "lookup"
    for command in (Cancel(("av1",), "why"), Status(("av1", "av2")), Pending(), Help()):
        stored = json.loads(json.dumps(CommandPayload(CALLER, command).to_dict()))
        assert CommandPayload.from_dict(stored) == CommandPayload(CALLER, command)


def test_click_and_retry_payloads_are_written_as_before():
    click = click_task("k", DENY, CALLER, ID, "no")
    assert json.dumps(click.payload) == f'{{"caller": {CALLER_JSON}, "request_id": "{ID}", "note": "no"}}'
    retry = retry_task("k", CALLER, ID, 2)
    assert json.dumps(retry.payload) == f'{{"caller": {CALLER_JSON}, "request_id": "{ID}", "round": 2}}'
    old_caller = {"user_id": "U1"}  # older payloads: no channel, no note, no round
    assert ClickPayload.from_dict({"caller": old_caller, "request_id": ID}) == ClickPayload(Caller("U1", ""), ID, "")
    assert RetryPayload.from_dict({"caller": old_caller, "request_id": ID}).round == 0


def test_announcement_payloads_are_written_as_before():
    statuses = [{"job_id": "av1", "ok": True, "request_id": "r", "state": "Auditing"}]
    written = [
        (announce.tell(CALLER, "hi", "k"), f'{{"caller": {CALLER_JSON}, "text": "hi"}}'),
        (announce.status(CALLER, statuses, "k"), f'{{"caller": {CALLER_JSON}, "statuses": {json.dumps(statuses)}}}'),
        (announce.approval_post(ID, statuses), f'{{"request_id": "{ID}", "statuses": {json.dumps(statuses)}}}'),
        (announce.approval_update(ID, State.DENIED), f'{{"request_id": "{ID}"}}'),
        (announce.requester_dm(ID, State.DONE, "U2"), f'{{"request_id": "{ID}", "user_id": "U2"}}'),
        (announce.reminder(ID, 60), f'{{"request_id": "{ID}"}}'),
        (announce.pending(CALLER, [ID], False, "k"), f'{{"caller": {CALLER_JSON}, "request_ids": ["{ID}"], "approver": false}}'),
        (announce.home("U2", 7), '{"user_id": "U2", "opened": false}'),
        (announce.home_opened("U2", "Ev1"), '{"user_id": "U2", "opened": true}'),
    ]
    for task, stored in written:
        assert json.dumps(task.payload) == stored, task.kind
        assert json.dumps(announce.AnnouncePayload.from_dict(json.loads(stored)).to_dict()) == stored


def test_summaries_name_failed_and_unknown_jobs():
    done = oc.cancelled("av1", CancelResult("av1", "d", "t", "r"))
    refused = oc.failed("av2", CIServiceError("InvalidArgument", "gone"))
    lost = oc.unknown("av3", None, "no answer")
    assert oc.summarize([done])[0] is Result.CANCELLED
    verdict, summary = oc.summarize([done, refused, lost])
    assert verdict is Result.FAILED
    assert (summary["cancelled"], summary["failed_jobs"], summary["unknown_jobs"]) == (1, ["av2"], ["av3"])


def test_unapplied_jobs_are_only_those_whose_cancel_tencent_refused():
    refused = oc.failed("av1", CIServiceError("AccessDenied", "no"), refused=True)
    confirmed = oc.failed("av2", CIServiceError("InternalError", "?"), state="Auditing", confirmed=True)
    lost = oc.unknown("av3", None, "no answer")
    stopped = oc.not_sent("av4", "stopped (Ctrl-C) before it was sent")  # an earlier run may have sent it
    old_row = {"job_id": "av5", "ok": False, "request_id": ""}  # before results had names: maybe unknown
    done = oc.cancelled("av6", CancelResult("av6", "d", "t", "r"))
    assert oc.unapplied([refused, confirmed, lost, stopped, old_row, done]) == ["av1"]  # av2's cancel may still be under way


def test_outcomes_stored_before_results_had_names_still_read():
    assert oc.result_of({"job_id": "av1", "ok": True, "request_id": ""}) is Result.CANCELLED
    assert oc.result_of({"job_id": "av1", "ok": False, "request_id": ""}) is Result.FAILED
