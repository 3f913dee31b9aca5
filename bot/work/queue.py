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

from bot.observe.logs import event
from bot.store import BACKGROUND, DECIDE, NewTask, Store, Task, writes_first
from bot.work.group_commit import CommitUnknown, GroupCommit, NotCommitted
from bot.work.heartbeat import Heartbeat
from bot.work.lanes import Lane

log = logging.getLogger(__name__)

_BOOT = uuid.uuid4().hex


def boot_token(pid: int | None = None) -> str:
    """One per OS process: a random part drawn once per parent (a forked child inherits it) and
    the pid. Its parent, which saw the child `pid` exit, names the child's workers by it; no
    other process, in any container, has the same token."""
    return f"{_BOOT[:20]}:{pid or os.getpid()}"


ACK_STORE_SECONDS = 2.5  # from a request's arrival, how long its acknowledgement waits for its store (Slack allows 3 s)
ACK_COMMIT_LIMIT = ACK_STORE_SECONDS  # each database call storing them: longer is never waited for
QUEUE_LIMIT = 1000  # WORK_QUEUE_LIMIT's default: tasks waiting for a thread in this process
MAX_ATTEMPTS = 12  # a task that keeps failing (a bug, not a blip) is given up after this many tries


class RetryLater(Exception):
    """Raised by a task that should run again after `seconds` (Slack asked us to wait, say)."""

    def __init__(self, seconds: float, reason: str, refused: bool = False) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.refused = refused  # Slack answered no: the call certainly did nothing


class QueueFull(Exception):
    """This process has WORK_QUEUE_LIMIT tasks waiting already: nothing was stored."""


class WorkQueue:
    def __init__(
        self,
        store: Store,
        lanes: dict[str, int],
        *,
        heartbeat_every: float = 5.0,
        dead_after: float = 60.0,
        poll: float = 1.0,
        queue_limit: int = QUEUE_LIMIT,
    ) -> None:
        self.store = store
        self.id = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.lanes = dict(lanes)
        self.heartbeat_every = heartbeat_every
        self.dead_after = dead_after
        self.poll = poll  # only a fallback (retries coming due, takeovers): new work wakes the loop
        self.queue_limit = queue_limit
        self.handlers: dict[str, Callable[[Task], None]] = {}
        self.classes: dict[str, int] = {}  # task kind -> class (unlisted: background)
        self.kind_lanes: dict[str, str] = {}  # task kind -> the lane it runs in
        self._pools = {lane: Lane(lane, n) for lane, n in lanes.items()}
        self._running: dict[str, tuple[str, int]] = {}  # task key -> (lane, class), queued or running here
        self._reserved = 0  # places in the queue taken by tasks being stored before their ack
        self._more = False  # the last claim filled a lane: a finishing task should claim again
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._claiming = threading.Lock()  # one claim at a time here: none starts a task another just ran
        self._local = threading.local()  # .running: this thread runs one of our tasks
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.accepting = True
        self.heartbeat = Heartbeat()  # the loop's progress, for /healthz
        # Tasks stored before Slack's acknowledgement: a burst shares transactions, ahead of other writers.
        self._acks = GroupCommit(self._store_acks, on_disowned=self._void)
        self._voided: set[str] = set()  # maybe stored, though their caller was told "not taken": never run, marked done

    def register(
        self,
        handlers: dict[str, Callable[[Task], None]],
        classes: dict[str, int] | None = None,
        lanes: dict[str, str] | None = None,
    ) -> None:
        """Handlers by task kind, each kind's class, and the lane each kind runs in (a lane keeps
        threads back only for the classes of the kinds that run in it)."""
        self.handlers.update(handlers)
        self.classes.update(classes or {})
        self.kind_lanes.update(lanes or {})
        for lane, pool in self._pools.items():
            if served := {self.class_of(kind) for kind, home in self.kind_lanes.items() if home == lane}:
                pool.serve(served)

    def class_of(self, kind: str) -> int:
        return self.classes.get(kind, BACKGROUND)

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
            pool.stop()
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

    @property
    def queued(self) -> int:
        """Tasks waiting for a thread in this process."""
        return sum(pool.queued for pool in self._pools.values())

    # -- submitting ---------------------------------------------------------------------
    def accept(self, task: NewTask, timeout: float = ACK_STORE_SECONDS) -> bool:
        """Store a task owned by us and start it here; False if we are stopping. Raises QueueFull
        when WORK_QUEUE_LIMIT tasks wait already, and whatever the database raised if it cannot
        store it within `timeout`: either way nothing may be acknowledged as accepted."""
        if not self.accepting:
            return False
        if timeout <= 0:  # its caller's time went waiting for a thread: answer at once, untried
            raise NotCommitted("no time left to store it")
        cls = self.class_of(task.kind)
        with self._lock:  # reserved before it is stored: a claim meanwhile passes it over
            if not self._admit(cls):
                raise QueueFull(task.kind)
            here = task.key in self._running  # Slack's retry of a request we are still working on
            self._running.setdefault(task.key, (task.lane, cls))
        try:
            try:
                self._acks.submit(task, timeout)
            except BaseException as exc:
                if not here:
                    with self._lock:  # may land after all: void it before the reservation goes, so no claim ever runs it
                        if isinstance(exc, CommitUnknown):
                            self._voided.add(task.key)
                    self._forget(task.key)
                raise
            if not here:
                self._submit(Task(0, task.key, task.kind, task.lane, task.stream, task.payload, self.id, 0), cls)
        finally:
            with self._lock:  # queued by now (or not stored): the reservation has done its work
                self._reserved -= 1
        return True

    def _admit(self, cls: int) -> bool:
        """Reserve a place in the queue (under self._lock), if there is one. A burst stores its
        tasks together, so the check counts those still being stored, not only those queued."""
        if self._reserved + self.queued >= self.queue_limit and not self._make_room(cls):
            return False
        self._reserved += 1
        return True

    def _make_room(self, cls: int) -> bool:
        """A full queue takes a task of class `cls` in place of the last queued task of a lower
        class: that one stays stored, ours, and is claimed again when a thread is free (so a
        burst of look-ups never turns a decision away, and memory stays bounded)."""
        lasts = [(position, pool) for pool in self._pools.values() if (position := pool.last_below(cls))]
        if not lasts:
            return False
        position, pool = max(lasts, key=lambda found: found[0])
        key = pool.evict(position)
        with self._lock:
            self._running.pop(key, None)
            self._more = True
        return key is not None

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
        """New free tasks were stored (announcements, an execution): claim them now. A task
        that stored them claims them itself, on its own thread (a hand-off to the loop thread
        costs a thread switch, several milliseconds on a busy machine); others wake the loop."""
        if getattr(self._local, "running", False):
            self._claim_quietly()
        else:
            self._wake.set()

    def run_now(self, keys: list[str]) -> None:
        """Tasks the running task has just stored owned by us (a decision's follow-ups): start
        them without a claim. The first of the most urgent class runs here, on this thread, once
        the others are handed to their lanes: taking an approval's buttons away costs neither a
        claim nor a hand-off. Any not ready (an earlier task of its stream is unfinished) is
        claimed later as usual: it stays ours."""
        try:
            ready = self.store.ready_tasks(keys, self.id) if self.accepting and not self._stop.is_set() else []
        except Exception:
            log.exception("work.claim_failed")
            ready = []
        here = min(ready, key=lambda t: self.class_of(t.kind), default=None)
        for task in ready:
            if task is not here:
                self._start(task)
        if here is not None:
            self._run_here(here)
        self.wake()  # anything else this task stored, free or not ready yet

    def _run_here(self, task: Task) -> None:
        with self._lock:
            if task.key in self._running:
                return
            self._running[task.key] = (task.lane, self.class_of(task.kind))
        was_running = getattr(self._local, "running", False)
        try:
            self._run(task)
        finally:
            self._local.running = was_running

    # -- running ------------------------------------------------------------------------
    def _start(self, task: Task) -> None:
        cls = self.class_of(task.kind)
        with self._lock:
            if task.key in self._running or self._stop.is_set():
                return
            self._running[task.key] = (task.lane, cls)
        self._submit(task, cls)

    def _submit(self, task: Task, cls: int) -> None:
        if self._stop.is_set() or not self._pools[task.lane].submit(cls, lambda: self._run(task), tag=task.key):
            self._forget(task.key)  # stopping: the task stays stored for another worker

    def _forget(self, key: str) -> None:
        with self._lock:
            self._running.pop(key, None)
            self._lock.notify_all()

    def _run(self, task: Task) -> None:
        if self.class_of(task.kind) == DECIDE:
            with writes_first():  # a decision's writes never queue behind Home refreshes
                return self._run_task(task)
        return self._run_task(task)

    def _run_task(self, task: Task) -> None:
        self._local.running = True
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
            self._local.running = False
            with self._lock:
                self._running.pop(task.key, None)
                self._lock.notify_all()
                more = self._more
            if task.stream or more:  # the next task of its stream, or one that found no room, may go now
                self._wake.set()

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
        last_beat = last_reap = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now - last_beat >= self.heartbeat_every:
                self._beat()
                last_beat = now
            if now - last_reap < self.poll:  # woken by new work or a finished task: claim at once
                self._claim_quietly()
            else:  # looking for dead workers is for the poll's pace, not every wake-up
                self._reap_and_claim()
                last_reap = now
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

    def _claim_quietly(self) -> None:
        try:
            if self.accepting:
                self._claim(list(self.lanes))
        except Exception:
            log.exception("work.claim_failed")

    def _claim(self, lanes: list[str]) -> int:
        """Claim free tasks of these lanes in one transaction, most urgent class first, as many
        of each class as would start soon here; return how many were started."""
        with self._claiming:
            return self._claim_locked(lanes)

    def _claim_locked(self, lanes: list[str]) -> int:
        if self._stop.is_set():
            return 0
        with self._lock:
            running = [*self._running, *self._voided]
        fits, passed_over = {lane: self._pools[lane].admission() for lane in lanes}, []

        def admit(kind: str, lane: str) -> bool:
            if lane in fits and fits[lane](self.class_of(kind)):
                return True
            passed_over.append(kind)
            return False

        room = sum(self.lanes[lane] for lane in lanes)
        claimed = self.store.claim_tasks(self.id, lanes, running, limit=room, classes=self.classes, admit=admit)
        for task in claimed:
            self._start(task)
        with self._lock:
            self._more = bool(passed_over) or len(claimed) >= room
        return len(claimed)
