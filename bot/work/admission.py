"""Admission: a task a caller waits for (a Slack acknowledgement) is stored, owned by us, in a
group commit shared with the burst it arrived in, and started here at once, if the queue has
room for it. A full queue makes room for an urgent task by handing back a queued task of a
lower class (it stays stored, ours, and is claimed again later); otherwise QueueFull.

A task whose caller gave up while its store was under way may have been stored all the same
(CommitUnknown): it is voided (marked done unrun) rather than run for a caller who was told
it was not taken."""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from bot.work.group_commit import CommitUnknown, GroupCommit, NotCommitted
from bot.work.tasks import NewTask, QueueFull, Task

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bot.work.queue import WorkQueue

ACK_STORE_SECONDS = 2.5  # from a request's arrival, how long its acknowledgement waits for its store (Slack allows 3 s)
ACK_COMMIT_LIMIT = ACK_STORE_SECONDS  # each database call storing them: longer is never waited for
VOIDED = "not taken: its caller was told it was not stored"


class Admission:
    def __init__(self, queue: WorkQueue, queue_limit: int) -> None:
        self.queue = queue
        self.queue_limit = queue_limit
        self._reserved: Counter[int] = Counter()  # places taken by tasks being stored before their ack, by class (under queue._lock)
        # A burst shares transactions, ahead of other writers.
        self._acks: GroupCommit[NewTask] = GroupCommit(self._store_acks, on_disowned=self._void)
        self.voided: set[str] = set()  # maybe stored, though their caller was told "not taken": never run, marked done
        self._reported: set[str] = set()  # voided ones whose write has ended (landed or not): none can land later

    def accept(self, task: NewTask, timeout: float = ACK_STORE_SECONDS) -> bool:
        """Store a task owned by us and start it here; False if we are stopping. Raises QueueFull
        when WORK_QUEUE_LIMIT tasks wait already, and whatever the database raised if it cannot
        store it within `timeout`: either way nothing may be acknowledged as accepted."""
        queue = self.queue
        deadline = time.monotonic() + timeout  # waiting for our locks counts too: the caller's time is the caller's
        if not queue.accepting:
            return False
        if timeout <= 0:  # its caller's time went waiting for a thread: answer at once, untried
            raise NotCommitted("no time left to store it")
        cls = queue.class_of(task.kind)
        with queue._lock:  # reserved before it is stored: a claim meanwhile passes it over
            if not self._admit(cls):
                raise QueueFull(task.kind)
            here = task.key in queue._running  # Slack's retry of a request we are still working on
            queue._running.setdefault(task.key, (task.lane, cls))
        try:
            try:
                self._acks.submit(task, max(deadline - time.monotonic(), 0.0))
            except BaseException as exc:
                if not here:
                    with queue._lock:  # may land after all: void it before the reservation goes, so no claim ever runs it
                        if isinstance(exc, CommitUnknown):
                            self.voided.add(task.key)
                    queue._forget(task.key)
                raise
            if not here:
                queue._submit(Task(0, task.key, task.kind, task.lane, task.stream, task.payload, queue.id, 0), cls)
        finally:
            with queue._lock:  # queued by now (or not stored): the reservation has done its work
                self._reserved[cls] -= 1
        return True

    def _admit(self, cls: int) -> bool:
        """Reserve a place in the queue (under queue._lock), if there is one. A burst stores its
        tasks together, so the check counts those still being stored, not only those queued.
        Places held by lower classes still being stored count as free for `cls`: once queued
        they can be handed back like any queued one, so a flood of callbacks whose stores are
        under way never turns a decision away (the queue may then hold, for a moment, one task
        more per such store: bounded by the threads storing them)."""
        being_stored = sum(self._reserved.values())
        lower = sum(n for c, n in self._reserved.items() if c > cls)
        if being_stored - lower + self.queue.queued >= self.queue_limit and not self._make_room(cls):
            return False
        self._reserved[cls] += 1
        return True

    def _make_room(self, cls: int) -> bool:
        """A full queue takes a task of class `cls` in place of the last queued task of a lower
        class: that one stays stored, ours, and is claimed again when a thread is free (so a
        burst of look-ups never turns a decision away, and memory stays bounded)."""
        queue = self.queue
        lasts = [(position, pool) for pool in queue._pools.values() if (position := pool.last_below(cls))]
        if not lasts:
            return False
        position, pool = max(lasts, key=lambda found: found[0])
        key = pool.evict(position)
        with queue._lock:
            if key is not None:
                queue._running.pop(key, None)
            queue._more = True
        return key is not None

    def _store_acks(self, tasks: Sequence[NewTask]) -> None:
        store = self.queue.store
        with store.time_limit(ACK_COMMIT_LIMIT):
            store.enqueue(tasks, owner=self.queue.id, urgent=True)

    def _void(self, tasks: list[NewTask]) -> None:
        """Maybe stored, though the caller heard it was not taken: never run them; the loop marks them done."""
        with self.queue._lock:
            self.voided |= {t.key for t in tasks}
            self._reported |= {t.key for t in tasks}
        self.queue.wake()

    def finish_voided(self) -> None:
        """Mark voided tasks done. One whose write is still under way (its caller gave up while
        it waited for the database) stays voided until it is found or its write has ended:
        marked "done" before it lands, it would land unmarked and be run.

        They are forgotten between claims, never between a claim's take and its start: a claim
        that read one (stored after it noted what runs here) finds it still voided and skips it."""
        queue = self.queue
        with queue._lock:  # ended before the marking is tried, so the marking saw its outcome
            keys, ended = list(self.voided), set(self._reported)
        settled = [key for key in keys if queue.store.complete_task(key, queue.id, error=VOIDED) or key in ended]
        with queue._claiming, queue._lock:
            self.voided.difference_update(settled)
            self._reported.difference_update(settled)
