"""Deciding a request: who may (check_decider), Approve (with its execution) and Deny.

A mixin of the Workflow (it shares its store, policy and helpers). Each decision is one
conditional update with its audit entry and follow-up tasks, so of two clicks one wins.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.domain import announce
from bot.domain.announce import Caller
from bot.domain.execution_task import execute_task
from bot.domain.parts import WorkflowParts
from bot.domain.payloads import ClickPayload
from bot.domain.placement import request_targets
from bot.domain.states import AuditEvent, RequestKind, State
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import NewTask, Request, Task

log = logging.getLogger("bot.domain.workflow")  # its name before the move: operators filter JSON lines on `logger`


class DecidingMixin(WorkflowParts):
    def check_decider(self, task_key: str | None, caller: Caller, request_id: str, action: str) -> tuple[Request | None, str | None]:
        """The request, or why `caller` may not decide it (the refusal is audited when `task_key` is given)."""
        request = self.store.requests.get(request_id)
        if request is None:
            return None, "That request does not exist (any more)."
        next_level, next_unread = self.next_level_check(caller.user_id)
        why = None if next_level else self._decider_problem(caller.user_id, request, request.job_ids, "Only on-call approvers can decide requests.")
        if why and next_unread:
            why = self._not_allowed(next_unread)  # they may be of the next level: Slack failed, say so
        if why is None and caller.user_id == request.requester:
            why = "You cannot decide your own request; another on-call must."
        if why:
            if task_key:
                self._record_refusal(task_key, caller, action, why, request_id=request_id, targets=request_targets(request, self.ci), tell=False)
            return request, why
        if not request.is_open:
            metrics.command(action, "refused")
            return request, self._already(request)
        return request, None

    def on_approve(self, task: Task) -> None:
        if (checked := self._decision_click(task, "approve")) is None:
            return
        click, request = checked
        follow_up = [announce.approval_update(request.id, State.APPROVED), execute_task(request.id)]
        self._decide(task, click.caller, request, State.APPROVED, follow_up)

    def on_deny_click(self, task: Task) -> None:
        """The Deny button: the form was opened by the listener; here only a refusal is recorded."""
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        _, problem = self.check_decider(task.key, caller, request_id, "deny")
        if problem:
            self._tell(task, caller, problem)

    def on_deny(self, task: Task) -> None:
        if (checked := self._decision_click(task, "deny")) is None:
            return
        click, request = checked
        caller, request_id = click.caller, request.id
        note = click.note.replace("\x00", "").strip()[:500] or None
        follow_up = [announce.approval_update(request_id, State.DENIED), *self._tell_requester(request, State.DENIED)]
        dismissed = AuditEvent.DISMISSED if request.kind == RequestKind.PROPOSAL else None  # Deny of a proposal is Dismiss
        self._decide(task, caller, request, State.DENIED, follow_up, note=note, event=dismissed)

    def _decision_click(self, task: Task, action: str) -> tuple[ClickPayload, Request] | None:
        """The click and its request, if the clicker may decide it now; else they are told why."""
        click = ClickPayload.from_dict(task.payload)
        request, problem = self.check_decider(task.key, click.caller, click.request_id, action)
        if problem or request is None:
            self._tell(task, click.caller, problem or "")
            return None
        self._remember_message(request, click.caller)
        return click, request

    def _decide(self, task: Task, caller: Caller, request: Request, state: State, follow_up: list[NewTask], **options: Any) -> None:
        """Store the decision with its audit entry and follow-ups, once (the first click wins), and
        start the follow-ups here at once; a later click only hears how it was decided."""
        action = "approve" if state == State.APPROVED else "deny"
        decided = self.store.requests.decide(
            request.id, state, caller.user_id, detail=self._detail(request), tasks=follow_up, owner=task.owner, **options
        )
        if not decided:
            metrics.command(action, "refused")
            return self._tell(task, caller, self._already(self.store.requests.get(request.id)))
        metrics.command(action, "accepted")
        event(log, "request.decided", request_id=request.id, decision=state, user=caller.user_id)
        self.run_now([t.key for t in follow_up])
