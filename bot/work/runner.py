"""Running one claimed task: its handler, then recording the result (done, retry later, or
given up after MAX_ATTEMPTS). Only the owner's writes count: the store checks `me` owns it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from bot.observe.logs import event
from bot.work.ports import TaskStore
from bot.work.registry import Kinds
from bot.work.tasks import Priority, RetryLater, Task

log = logging.getLogger("bot.worker")  # its name before the move: operators filter JSON lines on `logger`

MAX_ATTEMPTS = 12  # a task that keeps failing (a bug, not a blip) is given up after this many tries
MAX_BACKOFF_SECONDS = 60.0


class Runner:
    def __init__(
        self,
        store: TaskStore,
        kinds: Kinds,
        worker_id: Callable[[], str],
        first_writes: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self.store = store
        self.kinds = kinds
        self.worker_id = worker_id  # read when recording: a worker presumed dead comes back under a new id
        self.first_writes = first_writes  # a decision's writes never queue behind Home refreshes

    def run(self, task: Task) -> None:
        context = self.first_writes() if self.kinds.class_of(task.kind) == Priority.DECIDE else nullcontext()
        with context:
            self._run(task)

    def _run(self, task: Task) -> None:
        try:
            self.kinds.handlers[task.kind](task)
            self.store.complete_task(task.key, self.worker_id())
        except RetryLater as later:
            self.retry(task, later.seconds, str(later))
        except Exception as exc:
            log.exception("task.failed", extra={"fields": {"task": task.key, "kind": task.kind, "attempt": task.attempts + 1}})
            self.retry(task, min(MAX_BACKOFF_SECONDS, 2.0**task.attempts), type(exc).__name__)

    def retry(self, task: Task, delay: float, reason: str) -> None:
        try:
            if task.attempts + 1 >= MAX_ATTEMPTS and task.kind not in self.kinds.retried_forever:
                self.store.complete_task(task.key, self.worker_id(), error=f"given up: {reason}")
                event(log, "task.given_up", logging.ERROR, task=task.key, kind=task.kind, reason=reason)
            else:
                self.store.retry_task(task.key, self.worker_id(), delay, reason)
        except Exception:  # the database is away: the task stays ours and the loop retries it
            log.exception("task.retry_unrecorded", extra={"fields": {"task": task.key}})
