"""The cancellation workflow: request, approve, deny, expire, execute.

Every entry point is a durable task (stored before Slack got its acknowledgement) and may
run more than once (a crash, a takeover): each step is idempotent. The order is the same
everywhere: store the decision with its audit entry and its follow-up tasks (execution,
announcements) in one transaction; the courier announces; the executor acts on Tencent and
journals each job; the outcome is stored with its announcements in one transaction.

The Workflow is composed of mixins, one per idea: accepting a cancel (requesting.py), deciding
(deciding.py), who may act where (roles.py), look-ups (lookups.py), withdraw and retry
(oncall.py), escalation (escalation.py). This module holds what they share, expiry and the
execution's handler; the kinds, classes and lanes are kinds.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.commands import Command
from bot.domain.deciding import DecidingMixin
from bot.domain.escalation import ESCALATE, ESCALATION_MEMBERS, EscalationMixin
from bot.domain.evidence import EvidenceCache
from bot.domain.execution import Executor
from bot.domain.execution_task import EXECUTE, ExecutePayload, finish
from bot.domain.kinds import APPROVE, COMMAND, DENY, DENY_CLICK, LOOKUP, REQUEST
from bot.domain.lookups import REFRESH, LookupsMixin
from bot.domain.oncall import RETRY, WITHDRAW, OnCallMixin
from bot.domain.placement import CIPort
from bot.domain.policy import Policy
from bot.domain.requesting import RequestingMixin
from bot.domain.roles import RolesMixin
from bot.domain.states import AuditEvent, RequestKind, State
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import NewTask, Request, Store, Task

log = logging.getLogger(__name__)


class Workflow(RequestingMixin, DecidingMixin, RolesMixin, LookupsMixin, OnCallMixin, EscalationMixin):
    def __init__(
        self,
        *,
        store: Store,
        ci: CIPort,
        policy: Policy,
        ttl_seconds: int,
        four_eyes: bool,
        max_pending: int = 5,
        reminder_seconds: int = 0,
        escalate_after_seconds: int = 0,
        wake: Callable[[], None] = lambda: None,
        run_now: Callable[[list[str]], None] | None = None,
        lookup_concurrency: int = 20,
        execution_concurrency: int = 20,
    ) -> None:
        self.store = store
        self.ci = ci
        self.policy = policy
        self.ttl = ttl_seconds
        self.four_eyes = four_eyes
        self.max_pending = max_pending
        self.reminder_seconds = reminder_seconds
        self.escalate_after = escalate_after_seconds
        self.wake = wake
        self.run_now = run_now or (lambda _keys: wake())  # a decision's follow-ups, stored ours: start them at once
        self.lookup_concurrency = lookup_concurrency
        guarded = bool(getattr(getattr(policy, "rules", None), "target_oncall", ()))
        self.evidence = EvidenceCache()  # query answers shared by cards, `status`, Refresh and the checked cancel
        self.executor = Executor(store, ci, concurrency=execution_concurrency, guard=self._may_act if guarded else None, evidence=self.evidence)

    @property
    def target_names(self) -> tuple[str, ...]:
        """The CI targets `--target NAME` may name (CI_TARGETS; `default` for the one bucket)."""
        return tuple(getattr(self.ci, "names", ()))

    @property
    def target_labels(self) -> tuple[tuple[str, str], ...]:
        """Each target's name and how it is shown (name, bucket, region): the form's picker."""
        return tuple((t.name, t.label) for t in getattr(self.ci, "targets", ()))

    def handlers(self) -> dict[str, Callable[[Task], None]]:
        return {
            COMMAND: self.on_command,
            LOOKUP: self.on_lookup,
            REQUEST: self.on_request,
            APPROVE: self.on_approve,
            DENY: self.on_deny,
            DENY_CLICK: self.on_deny_click,
            EXECUTE: self.on_execute,
            WITHDRAW: self.on_withdraw,
            RETRY: self.on_retry,
            REFRESH: self.on_refresh,
            ESCALATE: self.on_escalate,
            ESCALATION_MEMBERS: self.on_escalation_members,
        }

    # -- background -------------------------------------------------------------------

    def sweep(self) -> None:
        """Expire overdue requests; their notices are stored with the expiry."""
        expired = self.store.requests.expire_due(
            tasks_for=lambda r: [announce.approval_update(r.id, State.EXPIRED), *self._tell_requester(r, State.EXPIRED)],
            audit_for=self._detail,
        )
        for request in expired:
            event(log, "request.expired", request_id=request.id)
        if expired:
            self.wake()

    # -- execution ---------------------------------------------------------------------

    def on_execute(self, task: Task) -> None:
        request = self.store.requests.get(ExecutePayload.from_dict(task.payload).request_id)
        if request is None or request.state != State.APPROVED:
            return  # finished already (a re-run)
        outcomes = self.executor.run(task, request)
        if finish(self.store, task, request, outcomes, self.announcements_of(task, request), self.ci):
            self.wake()

    def announcements_of(self, task: Task, request: Request) -> list[NewTask]:
        if request.kind == RequestKind.DIRECT:
            caller = ExecutePayload.from_dict(task.payload).caller
            return [announce.result(request, caller or Caller(request.requester, request.origin_channel))]
        if request.kind in (RequestKind.APPROVAL, RequestKind.PROPOSAL):
            return [announce.approval_update(request.id, State.DONE, request.retries), *self._tell_requester(request, State.DONE)]
        return []

    @staticmethod
    def _tell_requester(request: Request, state: State) -> list[NewTask]:
        """The requester's DM about how their request ended; a proposal's requester (Tencent
        moderation) is no Slack user: its card alone shows it."""
        if request.kind == RequestKind.PROPOSAL:
            return []
        return [announce.requester_dm(request.id, state, request.requester, request.retries)]

    # -- shared ---------------------------------------------------------------------

    def _remember_message(self, request: Request, caller: Caller) -> None:
        """A click can beat the storing of the message's ts; Slack tells us which message it was."""
        if not request.message_ts and caller.message:
            self.store.requests.set_message(request.id, *caller.message)

    def _tell(self, task: Task, caller: Caller, text: str) -> None:
        self.store.work.enqueue([announce.tell(caller, text, task.key)])
        self.wake()

    def _refuse(
        self,
        task: Task,
        caller: Caller,
        action: str,
        why: str,
        *,
        job_ids: Sequence[str] = (),
        about: Command | None = None,
        targets: Mapping[str, Any] | None = None,
    ) -> None:
        """Refuse a command; its audit entry names the target it named (`about`), or `targets`."""
        named = oc.named_target(getattr(about, "target", ""), self.ci)
        self._record_refusal(task.key, caller, action, why, job_ids=job_ids, targets=targets or named, tell=True)

    def _record_refusal(
        self,
        task_key: str,
        caller: Caller,
        action: str,
        why: str,
        *,
        job_ids: Sequence[str] = (),
        request_id: str | None = None,
        targets: Mapping[str, Any] | None = None,
        tell: bool,
    ) -> None:
        """Audit a refusal once per task (a re-run finds its marker) and tell the caller. `targets`:
        what the refused command or request is about (outcomes.targets_detail): `audit --target` finds it."""
        detail: dict[str, Any] = {"action": action, "why": why, "channel": caller.channel_id, "job_ids": list(job_ids), **(targets or {})}
        marker = (
            announce.tell(caller, why, f"{task_key}:refused")
            if tell
            else NewTask(key=f"{task_key}:refused", kind="noop", lane="none", payload={}, done=True)
        )
        if self.store.audit.append_once(marker, AuditEvent.REFUSED, caller.user_id, request_id, detail):
            metrics.command(action, "refused")
            event(log, "command.refused", logging.WARNING, user=caller.user_id, action=action, why=why, request_id=request_id)
        self.wake()

    def _already(self, request: Request | None) -> str:
        if request is None:
            return "That request does not exist (any more)."
        if request.state == State.PENDING:
            return "This request has expired; ask the requester to send a new one."
        if request.state == State.EXPIRED:
            return "This request expired before anyone decided; ask the requester to send a new one."
        if request.state == State.WITHDRAWN:
            return f"Already withdrawn by <@{request.requester}>; nothing was cancelled."
        who = f"<@{request.decided_by}>" if request.decided_by and request.decided_by != "system" else "someone"
        verb = State.DENIED if request.state == State.DENIED else State.APPROVED
        return f"Already {verb} by {who}."
