"""An execution as a stored task: its kind, lane and payload (one per request and "Retry
failed" round), who holds it, and its end: the outcome stored once, by its holder, with its
audit entry and announcements."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.placement import CIPort, request_targets
from bot.domain.states import JobOutcome, Lane, TaskKind
from bot.observe.logs import event
from bot.store import NewTask, Request, Store, Task

log = logging.getLogger("bot.domain.execution")  # its name before the move: operators filter JSON lines on `logger`

EXECUTE = TaskKind.EXECUTE
LANE = Lane.URGENT


@dataclass(frozen=True)
class ExecutePayload:
    """An execution task's payload; `caller`: who clicked (a direct cancel's result goes to them)."""

    request_id: str
    caller: Caller | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"request_id": self.request_id, **({"caller": self.caller.to_dict()} if self.caller else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExecutePayload:
        caller = data.get("caller")
        return cls(data["request_id"], Caller.from_dict(caller) if caller else None)


def execute_task(request_id: str, caller: Caller | None = None, retries: int = 0) -> NewTask:
    """The execution of an approved request: one per request and "Retry failed" round (a second
    store is a no-op)."""
    key = f"exec:{request_id}" + (f":retry{retries}" if retries else "")
    return NewTask(key=key, kind=EXECUTE, lane=LANE, payload=ExecutePayload(request_id, caller).to_dict())


def holder(task: Task) -> str:
    """Who holds a claimed task; an unclaimed one (never executed) is held by no one."""
    return task.owner or ""


def finish(store: Store, task: Task, request: Request, outcomes: list[JobOutcome], announcements: list[NewTask], ci: CIPort | None = None) -> bool:
    """Store the outcome of an execution once, only by its holder, with its audit entry and
    announcements in one transaction; True if this call stored it."""
    verdict, summary = oc.summarize(outcomes)
    detail = {
        "reason": request.reason,
        "kind": request.kind,
        "requester": request.requester,
        "channel": request.origin_channel,
        **request_targets(request, ci),
        **summary,
    }
    won = store.requests.finish(
        request.id, outcomes, verdict, request.decided_by or "system", detail, task_key=task.key, me=holder(task), tasks=announcements
    )
    if won:
        event(
            log,
            "request.finished",
            request_id=request.id,
            verdict=verdict,
            jobs=len(outcomes),
            failed=len(summary["failed_jobs"]),
            unknown=len(summary["unknown_jobs"]),
        )
    return won
