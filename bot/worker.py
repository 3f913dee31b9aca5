"""Durable background work: tasks stored in the database, run by lanes of threads here, owned
by this worker while its heartbeat lasts, and taken over by another worker when it dies.

A listener stores its task (owned by us) before Slack gets the acknowledgement, then runs
it here at once. The loop heartbeats, reaps workers whose heartbeat is `dead_after` seconds
old by the database's clock (the only sign of death we trust: containers share host names
and PIDs), and claims free tasks: those of dead workers, those given back for a retry, and
announcements stored by the workflow.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .group_commit import GroupCommit
from .heartbeat import Heartbeat
from .logs import event
from .store import NewTask, Store, Task

log = logging.getLogger(__name__)

_BOOT = uuid.uuid4().hex


def boot_token(pid: int | None = None) -> str:
    """One per OS process: a random part drawn once per parent (a forked child inherits it) and
    the pid. Its parent, which saw the child `pid` exit, names the child's workers by it; no
    other process, in any container, has the same token."""
    return f"{_BOOT[:20]}:{pid or os.getpid()}"


ACK_STORE_SECONDS = 2.5  # how long an acknowledgement waits for its task to be stored (Slack allows 3 s)
ACK_COMMIT_LIMIT = ACK_STORE_SECONDS  # each database call storing them: longer is never waited for
MAX_ATTEMPTS = 12  # a task that keeps failing (a bug, not a blip) is given up after this many tries


class RetryLater(Exception):
    """Raised by a task that should run again after `seconds` (Slack asked us to wait, say)."""

    def __init__(self, seconds: float, reason: str, refused: bool = False) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.refused = refused  # Slack answered no: the call certainly did nothing


class WorkQueue:
    def __init__(self, store: Store, lanes: dict[str, int], *, heartbeat_every: float = 5.0, dead_after: float = 60.0, poll: float = 1.0) -> None:
        self.store = store
        self.id = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.lanes = dict(lanes)
        self.heartbeat_every = heartbeat_every
        self.dead_after = dead_after
        self.poll = poll
        self.handlers: dict[str, Callable[[Task], None]] = {}
        self._pools = {lane: ThreadPoolExecutor(max_workers=n, thread_name_prefix=f"work-{lane}") for lane, n in lanes.items()}
        self._running: dict[str, str] = {}  # task key -> lane
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.accepting = True
        self.heartbeat = Heartbeat()  # the loop's progress, for /healthz
        # Tasks stored before Slack's acknowledgement: a burst shares transactions, ahead of other writers.
        self._acks = GroupCommit(self._store_acks, on_disowned=self._void)
        self._voided: set[str] = set()  # maybe stored, though their caller was told "not taken": never run, marked done

    def register(self, handlers: dict[str, Callable[[Task], None]]) -> None:
        self.handlers.update(handlers)

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> WorkQueue:
        self.store.register_worker(self.id, self.host, os.getpid(), boot_token())
        self._reap_and_claim()  # a restart resumes the work of predecessors already presumed dead
        self._thread = threading.Thread(target=self._loop, name="work-loop", daemon=True)
        self._thread.start()
        return self

    def shutdown(self, until: float, before_retiring=lambda: None) -> bool:
        """Stop taking work; until `until` (time.monotonic()) let running tasks finish and deliver
        what they announced; then hand back the rest. `before_retiring` runs while this worker
        still counts as alive (a last audit pass)."""
        with self._lock:
            self.accepting = False
        finished = self._drain(until)
        with self._lock:
            left = len(self._running)
        self._stop.set()
        self._wake.set()
        for pool in self._pools.values():  # queued tasks start no more: they are handed back below
            pool.shutdown(wait=False, cancel_futures=True)
        if self._thread:  # its last heartbeat must not land after retiring: it would register us again
            self._thread.join(1.0)
        before_retiring()
        try:
            self._finish_voided()  # before retiring frees our tasks for others
        except Exception:
            log.exception("work.void_failed")
        freed = self.store.retire_worker(self.id)  # others (or our restart) take them at once
        event(log, "work.drained", finished=finished, left=left, handed_back=freed)
        return finished

    def _drain(self, until: float) -> bool:
        """Wait for running tasks, meanwhile delivering what finished ones announced (the slack
        lane: results, audit-channel cards) rather than leaving it for the next process."""
        while True:
            try:
                claimed = self._claim(["slack"])
            except Exception:  # the database is away: wait for the running tasks all the same
                log.exception("work.claim_failed")
                claimed = 0
            with self._lock:
                if not self._running and not claimed:
                    return True
                remaining = until - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(min(remaining, self.poll))  # a task ended, or look for new announcements

    def halt(self) -> None:
        """Stop every thread at once and keep the database untouched (tests: a kill -9)."""
        self.accepting = False
        self._stop.set()
        self._wake.set()

    @property
    def inflight(self) -> int:
        with self._lock:
            return len(self._running)

    # -- submitting ---------------------------------------------------------------------
    def accept(self, task: NewTask, timeout: float = ACK_STORE_SECONDS) -> bool:
        """Store a task owned by us and start it here; False if we are stopping. Raises if the
        database cannot store it within `timeout` (then nothing may be acknowledged as accepted)."""
        if not self.accepting:
            return False
        self._acks.submit(task, timeout)
        self._start(Task(0, task.key, task.kind, task.lane, task.stream, task.payload, self.id, 0))
        return True

    def _store_acks(self, tasks) -> None:
        with self.store.time_limit(ACK_COMMIT_LIMIT):
            self.store.enqueue(tasks, owner=self.id, urgent=True)

    def _void(self, tasks: list[NewTask]) -> None:
        """Maybe stored, though the caller heard it was not taken: never run them; the loop marks them done."""
        with self._lock:
            self._voided |= {t.key for t in tasks}
        self.wake()

    def _finish_voided(self) -> None:
        with self._lock:
            keys = list(self._voided)
        for key in keys:
            self.store.complete_task(key, self.id, error="not taken: its caller was told it was not stored")
            with self._lock:
                self._voided.discard(key)

    def wake(self) -> None:
        """New free tasks were stored (announcements, an execution): claim them now."""
        self._wake.set()

    # -- running ------------------------------------------------------------------------
    def _start(self, task: Task) -> None:
        with self._lock:
            if task.key in self._running or self._stop.is_set():
                return
            self._running[task.key] = task.lane
        try:
            self._pools[task.lane].submit(self._run, task)
        except RuntimeError:  # the pool is shut down: the task stays stored for another worker
            with self._lock:
                self._running.pop(task.key, None)
                self._lock.notify_all()

    def _run(self, task: Task) -> None:
        try:
            handler = self.handlers[task.kind]
            handler(task)
            self.store.complete_task(task.key, self.id)
        except RetryLater as later:
            self._retry(task, later.seconds, str(later))
        except Exception as exc:
            log.exception("task.failed", extra={"fields": {"task": task.key, "kind": task.kind, "attempt": task.attempts + 1}})
            self._retry(task, min(60.0, 2.0**task.attempts), type(exc).__name__)
        finally:
            with self._lock:
                self._running.pop(task.key, None)
                self._lock.notify_all()

    def _retry(self, task: Task, delay: float, reason: str) -> None:
        try:
            if task.attempts + 1 >= MAX_ATTEMPTS and not task.kind.startswith("slack."):
                self.store.complete_task(task.key, self.id, error=f"given up: {reason}")
                event(log, "task.given_up", logging.ERROR, task=task.key, kind=task.kind, reason=reason)
            else:
                self.store.retry_task(task.key, self.id, delay, reason)
        except Exception:  # the database is away: the task stays ours and the loop retries it
            log.exception("task.retry_unrecorded", extra={"fields": {"task": task.key}})

    # -- the loop -----------------------------------------------------------------------
    def _loop(self) -> None:
        last_beat = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now - last_beat >= self.heartbeat_every:
                self._beat()
                last_beat = now
            self._reap_and_claim()
            self.heartbeat.beat()
            self._wake.wait(self.poll)
            self._wake.clear()

    def _beat(self) -> None:
        try:
            if not self.store.heartbeat(self.id):
                # Declared dead (we were silent too long): our tasks and leases went to others.
                # Come back under a new id, so we hold nothing: every write still running under
                # the old one (an outcome, a send's intent, a post) is refused by the store.
                presumed_dead, self.id = self.id, uuid.uuid4().hex
                event(log, "work.presumed_dead", logging.WARNING, worker=presumed_dead, new_worker=self.id)
                self.store.register_worker(self.id, self.host, os.getpid(), boot_token())
        except Exception:
            log.exception("work.heartbeat_failed")

    def _reap_and_claim(self) -> None:
        try:
            dead = self.store.reap_workers(self.id, self.dead_after)
            if dead:
                event(log, "work.reaped", workers=dead)
            self._finish_voided()
            if self.accepting:
                self._claim(list(self.lanes))
        except Exception:
            log.exception("work.claim_failed")

    def _claim(self, lanes: list[str]) -> int:
        """Claim free tasks for every lane with room; return how many were started."""
        started = 0
        for lane in lanes:
            with self._lock:
                busy = sum(1 for running_lane in self._running.values() if running_lane == lane)
                running = [*self._running, *self._voided]
            room = self.lanes[lane] - busy
            if room <= 0 or self._stop.is_set():
                continue
            for task in self.store.claim_tasks(self.id, [lane], running, limit=room):
                self._start(task)
                started += 1
        return started
