"""What the courier's tests share: names, stored state (a pending or finished request, a task
claimed by this worker as the queue hands it to a handler) and the log events caught."""

from __future__ import annotations

import logging

import pytest

from bot.store import Request, Store, Task
from bot.store.schema import requests_table

ME = "worker-me"
APPROVALS = "C0APPROVALS"
CHANNEL = "C0MODS"
MOD = "U0MOD1"
ONCALL = "U0ONCALL1"


def pending_request(store: Store, request_id: str = "r1") -> Request:
    request, _ = store.requests.create(
        request_id=request_id,
        kind="approval",
        state="pending",
        requester=MOD,
        origin_channel=CHANNEL,
        reason="spam",
        job_ids=["job-1"],
        ttl=3600,
    )
    return request


def claimed(store: Store, new_task, owner: str = ME) -> Task:
    """The task stored and claimed by `owner`, as a worker's handler receives it."""
    store.work.enqueue([new_task], owner=owner)
    return store.work.get_task(new_task.key)


def attempt_recorded(store: Store, task: Task) -> Task:
    """The queue's bookkeeping after an attempt ended in RetryLater: counted, and ours again."""
    store.work.retry_task(task.key, ME, 0.0, "retry")
    [again] = [t for t in store.work.claim_tasks(ME, [task.lane], running=()) if t.key == task.key]
    return again


def done_request(store: Store, retries: int = 0) -> Request:
    """A request approved and carried out (outcomes aside), after `retries` "Retry failed" rounds."""
    request = pending_request(store)
    assert store.requests.decide(request.id, "approved", ONCALL)
    with store.engine.begin() as conn:
        conn.execute(requests_table.update().where(requests_table.c.id == request.id).values(state="done", retries=retries or None))
    return store.requests.get(request.id)


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() == name]
