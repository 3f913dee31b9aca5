"""The cancellation workflow: request, approve, deny, expire, execute.

Order matters and is the same everywhere: store the decision (with its audit entry, in one
transaction), then announce it, then act on Tencent, then store the outcome, then announce
the outcome. A crash at any point leaves a stored state that the sweeper can finish.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .. import metrics
from ..logs import event
from ..store import Request, Store
from ..tencent.results import CancelResult, CIError, JobStatus
from .commands import Cancel
from .policy import Policy, Role

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Caller:
    user_id: str
    channel_id: str
    response_url: str | None = None
    #: For button clicks: the (channel, ts) of the message clicked, as Slack reports it.
    message: tuple[str, str] | None = None


class CIPort(Protocol):
    def cancel_many(self, job_ids: Sequence[str]) -> list[CancelResult | CIError]: ...

    def describe_many(self, job_ids: Sequence[str]) -> list[JobStatus | CIError]: ...

    def describe(self, job_id: str) -> JobStatus: ...


class Announcer(Protocol):
    """How decisions reach people (implemented by the Slack layer)."""

    def tell(self, caller: Caller, text: str) -> None:
        """A message only `caller` sees."""

    def direct_result(self, caller: Caller, request: Request) -> None:
        """The outcome of an on-call cancel, in the caller's channel."""

    def approval_posted(self, request: Request, statuses: list[dict]) -> tuple[str, str] | None:
        """Post the approval request with buttons; return (channel, ts)."""

    def approval_updated(self, request: Request) -> None:
        """Re-render the approval message for the request's current state (no buttons once decided)."""

    def tell_requester(self, request: Request) -> None:
        """Tell the requester how their request ended."""

    def status(self, caller: Caller, status: dict) -> None:
        """Show a job's state, stream and DataId to the caller."""

    def audit_written(self) -> None:
        """New audit entries are waiting to be posted."""


def outcome_dict(outcome: CancelResult | CIError) -> dict:
    if isinstance(outcome, CIError):
        return {
            "job_id": outcome.job_id, "ok": False, "code": outcome.code, "message": outcome.message,
            "request_id": outcome.request_id, "status": outcome.status, "hint": outcome.hint,
        }
    return {
        "job_id": outcome.job_id, "ok": True, "data_id": outcome.data_id, "creation_time": outcome.creation_time,
        "request_id": outcome.request_id, "state": outcome.state,
    }


def status_dict(job_id: str, status: JobStatus | CIError) -> dict:
    if isinstance(status, CIError):
        return {"job_id": job_id, "ok": False, "code": status.code, "message": status.message,
                "request_id": status.request_id, "hint": status.hint}
    return {"job_id": job_id, "ok": True, "state": status.state, "stream_url": status.stream_url,
            "data_id": status.data_id, "creation_time": status.creation_time, "request_id": status.request_id}


def summarize(outcomes: list[dict]) -> tuple[str, dict]:
    """The audit verdict of a batch ("cancelled" only if every job was) and its summary."""
    failed = [o["job_id"] for o in outcomes if not o["ok"]]
    summary = {"jobs": len(outcomes), "cancelled": len(outcomes) - len(failed), "failed_jobs": failed,
               "results": outcomes}
    return ("failed" if failed else "cancelled"), summary


class Workflow:
    def __init__(
        self,
        *,
        store: Store,
        ci: CIPort,
        policy: Policy,
        announcer: Announcer,
        ttl_seconds: int,
        four_eyes: bool,
        clock=time.time,
    ) -> None:
        self.store = store
        self.ci = ci
        self.policy = policy
        self.announcer = announcer
        self.ttl = ttl_seconds
        self.four_eyes = four_eyes
        self.clock = clock

    # -- commands -------------------------------------------------------------------

    def submit(self, caller: Caller, command: Cancel) -> None:
        """A valid cancel command: cancel directly, or ask on-call, or refuse."""
        if not self.policy.channel_allowed(caller.channel_id):
            return self._refuse(caller, "cancel", "The command is not enabled in this channel.",
                                job_ids=command.job_ids)
        role = self.policy.role(caller.user_id)
        event(log, "command.cancel", user=caller.user_id, channel=caller.channel_id, role=role.value,
              jobs=len(command.job_ids))
        if role is Role.APPROVER and not self.four_eyes:
            return self._direct(caller, command)
        if role in (Role.APPROVER, Role.REQUESTER):
            return self._request(caller, command)
        return self._refuse(caller, "cancel", "You are not allowed to cancel or request cancellations. "
                            "Ask on-call, or an admin to add you to the requesters.", job_ids=command.job_ids)

    def status(self, caller: Caller, job_id: str) -> None:
        if not self.policy.channel_allowed(caller.channel_id):
            return self._refuse(caller, "status", "The command is not enabled in this channel.", job_ids=(job_id,))
        if self.policy.role(caller.user_id) is Role.NONE:
            return self._refuse(caller, "status", "You are not allowed to look up moderation jobs.",
                                job_ids=(job_id,))
        metrics.command("status", "accepted")
        try:
            result: JobStatus | CIError = self.ci.describe(job_id)
        except CIError as exc:
            result = exc
        self.announcer.status(caller, status_dict(job_id, result))

    def help_text(self, caller: Caller) -> str:
        role = self.policy.role(caller.user_id)
        where = "" if self.policy.channel_allowed(caller.channel_id) else " (but not in this channel)"
        if role is Role.APPROVER:
            may = ("You are *on call*: you may approve or deny requests"
                   + (", and your own cancels need a second on-call's approval (four-eyes)." if self.four_eyes
                      else ", and your cancels take effect at once."))
        elif role is Role.REQUESTER:
            may = "You may *request* cancellations; on-call approves or denies them."
        else:
            may = "You may not cancel or request cancellations."
        return may + where

    # -- direct cancel ------------------------------------------------------------------

    def _direct(self, caller: Caller, command: Cancel) -> None:
        metrics.command("cancel", "accepted")
        request = self.store.create_request(
            kind="direct", state="approved", requester=caller.user_id, origin_channel=caller.channel_id,
            reason=command.reason, job_ids=command.job_ids, ttl=0, decided_by=caller.user_id,
        )
        self._execute(request, announce_direct=caller)

    # -- approval requests ----------------------------------------------------------------

    def _request(self, caller: Caller, command: Cancel) -> None:
        metrics.command("cancel", "accepted")
        statuses = [status_dict(j, s) for j, s in zip(command.job_ids, self.ci.describe_many(command.job_ids),
                                                      strict=True)]
        request = self.store.create_request(
            kind="approval", state="pending", requester=caller.user_id, origin_channel=caller.channel_id,
            reason=command.reason, job_ids=command.job_ids, ttl=self.ttl,
            audit=("requested", {"reason": command.reason, "job_ids": list(command.job_ids),
                                 "channel": caller.channel_id}),
        )
        self.announcer.audit_written()
        posted = self.announcer.approval_posted(request, statuses)
        if posted:
            self.store.set_message(request.id, *posted)
        event(log, "request.created", request_id=request.id, user=caller.user_id, jobs=len(command.job_ids))
        self.announcer.tell(caller, f"Asked on-call to cancel {len(command.job_ids)} job(s). "
                                    f"You will hear back here when they decide (request `{request.id[:8]}`).")

    def check_decider(self, caller: Caller, request_id: str, action: str) -> tuple[Request | None, str | None]:
        """The request, or why `caller` may not decide it (the refusal is audited)."""
        request = self.store.get_request(request_id)
        if request is None:
            return None, "That request does not exist (any more)."
        if not self.policy.is_approver(caller.user_id):
            return request, self._refuse(caller, action, "Only on-call approvers can decide requests.",
                                         request_id=request_id, tell=False)
        if caller.user_id == request.requester:
            return request, self._refuse(caller, action, "You cannot decide your own request; another on-call must.",
                                         request_id=request_id, tell=False)
        if request.state != "pending" or request.expires_at <= self.clock():
            metrics.command(action, "refused")
            return request, self._already(request)
        return request, None

    def approve(self, caller: Caller, request_id: str) -> None:
        request, problem = self.check_decider(caller, request_id, "approve")
        if problem:
            return self.announcer.tell(caller, problem)
        self._remember_message(request, caller)
        if not self.store.decide(request_id, "approved", caller.user_id):
            metrics.command("approve", "refused")
            return self.announcer.tell(caller, self._already(self.store.get_request(request_id)))
        metrics.command("approve", "accepted")
        event(log, "request.decided", request_id=request_id, decision="approved", user=caller.user_id)
        self.announcer.audit_written()
        request = self.store.get_request(request_id)
        self.announcer.approval_updated(request)  # buttons gone: "approved by …, cancelling"
        self._execute(request)

    def deny(self, caller: Caller, request_id: str, note: str = "") -> None:
        request, problem = self.check_decider(caller, request_id, "deny")
        if problem:
            return self.announcer.tell(caller, problem)
        self._remember_message(request, caller)
        if not self.store.decide(request_id, "denied", caller.user_id, note=note.strip()[:500] or None):
            metrics.command("deny", "refused")
            return self.announcer.tell(caller, self._already(self.store.get_request(request_id)))
        metrics.command("deny", "accepted")
        event(log, "request.decided", request_id=request_id, decision="denied", user=caller.user_id)
        self.announcer.audit_written()
        request = self.store.get_request(request_id)
        self.announcer.approval_updated(request)
        self.announcer.tell_requester(request)

    # -- background -------------------------------------------------------------------

    def sweep(self) -> None:
        """Expire overdue requests and finish approved ones whose executor died."""
        for request in self.store.expire_due():
            event(log, "request.expired", request_id=request.id)
            self.announcer.audit_written()
            self.announcer.approval_updated(request)
            self.announcer.tell_requester(request)
        for request in self.store.claim_unfinished():
            event(log, "request.resumed", request_id=request.id)
            self._execute(request)

    # -- shared ---------------------------------------------------------------------

    def _execute(self, request: Request, announce_direct: Caller | None = None) -> None:
        started = time.monotonic()
        outcomes = [outcome_dict(o) for o in self.ci.cancel_many(request.job_ids)]
        for outcome in outcomes:
            metrics.job_outcome("cancelled" if outcome["ok"] else "failed")
        verdict, summary = summarize(outcomes)
        detail = {"reason": request.reason, "kind": request.kind, "requester": request.requester, **summary}
        if not self.store.finish(request.id, outcomes, verdict, request.decided_by or "system", detail):
            return  # another process finished it first
        event(log, "request.finished", request_id=request.id, verdict=verdict, jobs=len(outcomes),
              failed=len(summary["failed_jobs"]), ms=round((time.monotonic() - started) * 1000))
        self.announcer.audit_written()
        request = self.store.get_request(request.id)
        if announce_direct is not None:
            self.announcer.direct_result(announce_direct, request)
        elif request.kind == "direct":
            self.announcer.direct_result(Caller(request.requester, request.origin_channel), request)
        else:
            self.announcer.approval_updated(request)
            self.announcer.tell_requester(request)

    def _remember_message(self, request: Request, caller: Caller) -> None:
        """A click can beat the storing of the message's ts; Slack tells us which message it was."""
        if not request.message_ts and caller.message:
            self.store.set_message(request.id, *caller.message)

    def _refuse(self, caller: Caller, action: str, why: str, *, job_ids: Sequence[str] = (),
                request_id: str | None = None, tell: bool = True) -> str:
        metrics.command(action, "refused")
        self.store.audit("refused", caller.user_id, request_id,
                         {"action": action, "why": why, "channel": caller.channel_id, "job_ids": list(job_ids)})
        event(log, "command.refused", logging.WARNING, user=caller.user_id, action=action, why=why,
              request_id=request_id)
        self.announcer.audit_written()
        if tell:
            self.announcer.tell(caller, why)
        return why

    def _already(self, request: Request | None) -> str:
        if request is None:
            return "That request does not exist (any more)."
        if request.state == "pending":
            return "This request has expired; ask the requester to send a new one."
        if request.state == "expired":
            return "This request expired before anyone decided; ask the requester to send a new one."
        who = f"<@{request.decided_by}>" if request.decided_by and request.decided_by != "system" else "someone"
        verb = "denied" if request.state == "denied" else "approved"
        return f"Already {verb} by {who}."
