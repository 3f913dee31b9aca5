"""What on-call and requesters do around a request besides deciding it: withdraw it, retry its
failed jobs, and be reminded of it.

A mixin of the Workflow (it shares its store, policy and helpers); every handler is a stored
task that may run more than once, and every change is a conditional UPDATE in the store.
"""

from __future__ import annotations

from typing import Any

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.execution_task import execute_task
from bot.domain.parts import WorkflowParts
from bot.domain.payloads import ClickPayload, RetryPayload
from bot.domain.placement import request_targets
from bot.domain.states import Lane, RequestKind, State, TaskKind
from bot.store import NewTask, Request, Task

WITHDRAW, RETRY = TaskKind.WITHDRAW, TaskKind.RETRY
CARDS = (RequestKind.APPROVAL, RequestKind.PROPOSAL)  # kinds decided on a card in APPROVAL_CHANNEL


def retry_task(key: str, caller: Caller, request_id: str, round_seen: int) -> NewTask:
    """A "Retry failed" click; the button names the round it belongs to, so one click per round wins."""
    return NewTask(key=key, kind=RETRY, lane=Lane.URGENT, payload=RetryPayload(caller, request_id, round_seen).to_dict())


class OnCallMixin(WorkflowParts):
    # -- withdraw --------------------------------------------------------------------
    def on_withdraw(self, task: Task) -> None:
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        request = self.store.requests.get(request_id)
        if request is None:
            return self._tell(task, caller, "That request does not exist (any more).")
        if caller.user_id != request.requester:
            why = f"Only the requester (<@{request.requester}>) can withdraw this request."
            where = request_targets(request, self.ci)
            return self._record_refusal(task.key, caller, "withdraw", why, request_id=request_id, job_ids=request.job_ids, targets=where, tell=True)
        if not request.is_open:
            return self._tell(task, caller, self._already(request))
        self._remember_message(request, caller)
        follow_up = [
            announce.approval_update(request_id, State.WITHDRAWN),
            announce.tell(
                caller, f"You withdrew request `{request_id[:8]}`. Nothing was cancelled.", task.key, stream=announce.requester_stream(request_id)
            ),
        ]
        if not self.store.requests.decide(request_id, State.WITHDRAWN, caller.user_id, detail=self._detail(request), tasks=follow_up):
            return self._tell(task, caller, self._already(self.store.requests.get(request_id)))
        self.wake()

    # -- retry failed jobs --------------------------------------------------------------
    def on_retry(self, task: Task) -> None:
        click = RetryPayload.from_dict(task.payload)
        caller, request_id, round_seen = click.caller, click.request_id, click.round
        request = self.store.requests.get(request_id)
        if request is None:
            return self._tell(task, caller, "That request does not exist (any more).")
        # The jobs sent again are in their own targets: the clicker must be allowed for each.
        why = self._decider_problem(caller.user_id, request, request.open_jobs or request.job_ids, "Only on-call can retry failed jobs.")
        if why is not None:
            where = request_targets(request, self.ci)
            return self._record_refusal(task.key, caller, "retry", why, request_id=request_id, job_ids=request.open_jobs, targets=where, tell=True)
        jobs = request.open_jobs
        execution = execute_task(request_id, caller, retries=round_seen + 1)
        follow_up = [
            execution,
            *([announce.approval_update(request_id, State.APPROVED, round_seen + 1)] if request.kind in CARDS else []),
            announce.tell(caller, f"⏳ Sending {len(jobs)} failed job(s) again…", task.key, stream=request_id),
        ]
        # A job Tencent refused (no send of ours can have ended it) is checked like one never sent.
        unsent = oc.unapplied(request.outcome or []) if (request.state, request.retries) == (State.DONE, round_seen) else []
        if not (jobs and self.store.requests.retry_failed(request_id, round_seen, caller.user_id, self._detail(request), follow_up, unsent)):
            return self._tell(task, caller, "These jobs were already sent again (or nothing is left to retry); see the latest result.")
        self.wake()

    # -- reminders ------------------------------------------------------------------------
    def reminders_for(self, request_id: str) -> list[NewTask]:
        """The one reminder of a new request (none when APPROVAL_REMINDER_SECONDS is 0)."""
        if not self.reminder_seconds:
            return []
        return [announce.reminder(request_id, self.reminder_seconds)]

    def _detail(self, request: Request) -> dict[str, Any]:
        detail = {"job_ids": list(request.job_ids), "reason": request.reason, "requester": request.requester, "channel": request.origin_channel}
        return {**detail, **request_targets(request, self.ci)}
