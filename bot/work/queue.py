"""Durable background work: tasks stored in the database, run by lanes of threads here, owned
by this worker while its heartbeat lasts, and taken over by another worker when it dies.

A listener stores its task (owned by us) before Slack gets the acknowledgement, then runs
it here at once (accept). The loop heartbeats, reaps workers whose heartbeat is `dead_after`
seconds old by the database's clock (the only sign of death we trust: containers share host
names and PIDs), and claims free tasks: those of dead workers, those given back for a retry,
and those stored by other tasks. Kinds, their classes and lanes are registered by the
application (registry.py); running one task and recording its result is runner.py.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext

from bot.observe.logs import event
from bot.work.admission import ACK_STORE_SECONDS, Admission
from bot.work.heartbeat import Heartbeat
from bot.work.lanes import Lane
from bot.work.ports import TaskStore
from bot.work.registry import Handler, Kinds
from bot.work.runner import Runner
from bot.work.tasks import NewTask, Priority, Task, boot_token

log = logging.getLogger("bot.worker")  # its name before the move: operators filter JSON lines on `logger`

QUEUE_LIMIT = 1000  # WORK_QUEUE_LIMIT's default: tasks waiting for a thread in this process


class WorkQueue:
    def __init__(
        self,
        store: TaskStore,
        lanes: Mapping[str, int],
        *,
        heartbeat_every: float = 5.0,
        dead_after: float = 60.0,
        poll: float = 1.0,
        queue_limit: int = QUEUE_LIMIT,
        drain_lanes: Iterable[str] = (),
        first_writes: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        """`lanes`: name -> threads. `drain_lanes`: lanes whose newly stored tasks are still
        claimed and run while stopping (deliveries of what finished tasks announced).
        `first_writes`: a context the most urgent class's tasks run in (their writes go first)."""
        self.store = store
        self.id = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.lanes = dict(lanes)
        self.drain_lanes = list(drain_lanes)
        self.heartbeat_every = heartbeat_every
        self.dead_after = dead_after
        self.poll = poll  # only a fallback (retries coming due, takeovers): new work wakes the loop
        self.kinds = Kinds()
        self.runner = Runner(store, self.kinds, lambda: self.id, first_writes)
        self._pools = {lane: Lane(lane, n) for lane, n in lanes.items()}
        self._running: dict[str, tuple[str, int]] = {}  # task key -> (lane, class), queued or running here
        self._more = False  # the last claim filled a lane: a finishing task should claim again
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._claiming = threading.Lock()  # one claim at a time here: none starts a task another just ran
        self._local = threading.local()  # .running: this thread runs one of our tasks
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.accepting = True
        self.heartbeat = Heartbeat()  # the loop's progress, for /healthz
        self.admission = Admission(self, queue_limit)

    def register(
        self,
        handlers: Mapping[str, Handler],
        classes: Mapping[str, int] | None = None,
        lanes: Mapping[str, str] | None = None,
        retry_forever: Iterable[str] = (),
    ) -> None:
        """Handlers by task kind, each kind's class, the lane each kind runs in (a lane keeps
        threads back only for the classes of the kinds that run in it), and the kinds never
        given up after MAX_ATTEMPTS (deliveries that must not be dropped)."""
        self.kinds.register(handlers, classes, lanes, retry_forever)
        for lane, pool in self._pools.items():
            if served := self.kinds.served_by(lane):
                pool.serve(served)

    def class_of(self, kind: str) -> Priority:
        return self.kinds.class_of(kind)

    @property
    def classes(self) -> dict[str, Priority]:
        return self.kinds.classes

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> WorkQueue:
        self.store.register_worker(self.id, self.host, os.getpid(), boot_token())
        self._reap_and_claim()  # a restart resumes the work of predecessors already presumed dead
        self._thread = threading.Thread(target=self._loop, name="work-loop", daemon=True)
        self._thread.start()
        return self

    def shutdown(self, until: float, before_retiring: Callable[[], None] = lambda: None) -> bool:
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
            self.admission.finish_voided()  # before retiring frees our tasks for others
        except Exception:
            log.exception("work.void_failed")
        freed = self.store.retire_worker(self.id)  # others (or our restart) take them at once
        event(log, "work.drained", finished=finished, left=left, handed_back=freed)
        return finished

    def _drain(self, until: float) -> bool:
        """Wait for running tasks, meanwhile delivering what finished ones announced (the drain
        lanes) rather than leaving it for the next process."""
        while True:
            try:
                claimed = self._claim(self.drain_lanes) if self.drain_lanes else 0
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
        # A claim already past its stop check could still take tasks stored after we return;
        # wait it out, so nothing is claimed after halt() (a killed process claims nothing).
        if self._claiming.acquire(timeout=5.0):
            self._claiming.release()

    @property
    def inflight(self) -> int:
        with self._lock:
            return len(self._running)

    @property
    def queued(self) -> int:
        """Tasks waiting for a thread in this process."""
        return sum(pool.queued for pool in self._pools.values())

    def accept(self, task: NewTask, timeout: float = ACK_STORE_SECONDS) -> bool:
        """Store a task owned by us and start it here; False if we are stopping (admission.py)."""
        return self.admission.accept(task, timeout)

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
        them in their lanes without a claim, most urgent first, where a claim would have started
        them (their lane has room: the queue stays bounded). Those not started (no room, an
        earlier task of their stream unfinished, or we are stopping) are given back at once,
        for any worker to claim as usual."""
        # Under the claim lock: our loop may claim these too (they are ours), and one it started
        # and finished before our read would otherwise be started again here.
        with self._claiming:
            self._run_ready(keys)
        self.wake()  # anything else this task stored, free or not ready yet

    def _run_ready(self, keys: list[str]) -> None:
        # Our loop's claim may have started some already: they stay ours. Read before the store:
        # one that finished since is marked done there (done before it leaves `_running`).
        with self._lock:
            running = set(self._running)
        try:
            ready = self.store.ready_tasks(keys, self.id) if self.accepting and not self._stop.is_set() else []
        except Exception:
            log.exception("work.claim_failed")
            ready = []
        fits = {lane: pool.admission() for lane, pool in self._pools.items()}
        ready = [t for t in sorted(ready, key=lambda t: self.class_of(t.kind)) if t.key not in running]
        handed = [t for t in ready if fits[t.lane](self.class_of(t.kind))]
        kept = running | {t.key for t in handed}
        try:
            self.store.release_tasks([key for key in keys if key not in kept], self.id)
        except Exception:  # they stay ours: our claims (or, if we stop, retiring) hand them on
            log.exception("work.claim_failed")
        for task in handed:
            self._start(task)

    # -- running ------------------------------------------------------------------------
    def _start(self, task: Task) -> None:
        cls = self.class_of(task.kind)
        with self._lock:
            # Checked again here, not only in the claim's snapshot: a claim may read a task stored
            # after that snapshot, whose caller has heard "not stored" since (admission.py).
            if task.key in self._running or task.key in self.admission.voided or self._stop.is_set():
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
        self._local.running = True
        try:
            self.runner.run(task)
        finally:
            self._local.running = False
            with self._lock:
                self._running.pop(task.key, None)
                self._lock.notify_all()
                more = self._more
            if task.stream:  # the next task of its stream may go now: claim it here, no hand-off to the loop
                self._claim_quietly()
            elif more:  # one that found no room may go now
                self._wake.set()

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
            self.admission.finish_voided()
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

    def _claim(self, lanes: Sequence[str]) -> int:
        """Claim free tasks of these lanes in one transaction, most urgent class first, as many
        of each class as would start soon here; return how many were started."""
        with self._claiming:
            return self._claim_locked(lanes)

    def _claim_locked(self, lanes: Sequence[str]) -> int:
        if self._stop.is_set():
            return 0
        with self._lock:
            running = [*self._running, *self.admission.voided]
        fits, passed_over = {lane: self._pools[lane].admission() for lane in lanes}, []

        def admit(kind: str, lane: str) -> bool:
            if lane in fits and fits[lane](self.class_of(kind)):
                return True
            passed_over.append(kind)
            return False

        room = sum(self.lanes[lane] for lane in lanes)
        claimed = self.store.claim_tasks(self.id, lanes, running, limit=room, classes=self.kinds.classes, admit=admit, kinds=self.kinds.handlers)
        for task in claimed:
            self._start(task)
        with self._lock:
            self._more = bool(passed_over) or len(claimed) >= room
        return len(claimed)
