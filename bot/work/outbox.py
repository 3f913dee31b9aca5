"""The audit outbox: posts stored audit entries to AUDIT_CHANNEL, each exactly once, in order.

One poster at a time across every process: the worker holding the `audit-poster` lease
(held while its heartbeat lasts, so a slow post never lets a second poster start). A poster
that stalls past its heartbeat (a long GC, a frozen container) loses the lease to another
process, so the lease is checked again, atomically with recording the attempt, right before
each post (the Leases port: bot/store/work.py): once it resumes, its next post is refused and it stops.

An entry whose earlier attempt may have landed (no answer came back, or its poster stalled)
is first looked for in the channel (by its metadata), so a post that Slack accepted just
before a crash or a takeover is not posted again. If Slack fails or rate-limits, the outbox
pauses and retries; it never drops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic

from bot.observe.logs import event
from bot.work.heartbeat import Heartbeat
from bot.work.ports import E, Entries, Leases
from bot.work.tasks import RetryLater

log = logging.getLogger("bot.outbox")  # its name before the move: operators filter JSON lines on `logger`

LEASE = "audit-poster"


class LeaseLost(Exception):
    """Another worker holds the audit lease now (or the entry is posted): post nothing more."""


Fence = Callable[[], None]  # raises LeaseLost unless the post about to be made is still ours


class Outbox(Generic[E]):
    def __init__(
        self,
        entries: Entries[E],
        leases: Leases,
        post: Callable[[E, bool, Fence], None],
        worker_id: Callable[[], str],
        poll: float = 2.0,
        fresh: float | None = None,
    ) -> None:
        self.entries = entries  # what to post, in order
        self.leases = leases  # who may post, and the fence before each post
        self.post = post  # post(entry, maybe_posted_before, fence): calls fence() right before each Slack post
        self.worker_id = worker_id
        self.poll = poll
        self.fresh = fresh  # a post needs our heartbeat at most this old (seconds): see bot/store/work.py
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._halted = False
        self._paused_until = 0.0  # monotonic; Slack asked us to wait (the channel, not one entry)
        self._post_until = float("inf")  # monotonic; at shutdown, no post starts after this
        self._closed = False  # stop() returned: never take the lease again (the worker retires next)
        self._gate = threading.Lock()  # taking the lease vs. closing
        self._thread: threading.Thread | None = None
        self.heartbeat = Heartbeat()  # the loop's progress, for /healthz

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="audit-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Post what is due (starting no post after `timeout`), then stop; the rest stays stored
        for the next start. Once this returns the lease is never taken again by us: the worker
        retires next, and a lease taken by a retired worker would be held by no one for good."""
        self._post_until = time.monotonic() + timeout
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)
        with self._gate:
            self._closed = True

    def halt(self) -> None:
        """Stop without a last pass (tests: a kill -9)."""
        self._halted = True
        self._stop.set()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            self._pass()
            self.heartbeat.beat()
            pause = self._paused_until - time.monotonic()
            self._wake.wait(max(pause, self.poll) if pause > 0 else self.poll)
        if not self._halted:
            self._pass()  # one last pass at shutdown

    def _pass(self) -> None:
        try:
            with self._gate:
                held = not self._closed and self.leases.hold_lease(LEASE, self.worker_id())
            if held:
                self.flush()
        except Exception:
            log.exception("audit.outbox_error")

    def flush(self) -> int:
        """Post every due entry in order; return how many were posted. Call only holding the lease."""
        posted = 0
        while not self._halted:
            if time.monotonic() < self._paused_until:
                return posted
            batch = self.entries.unposted()
            if not batch:
                return posted
            for entry in batch:
                if time.monotonic() >= self._post_until or self._closed:  # out of shutdown budget: the next poster goes on
                    return posted
                try:
                    self.post(entry, self.leases.audit_in_doubt(entry.id), self._fence(entry.id))
                except LeaseLost:
                    event(log, "audit.lease_lost", logging.WARNING, audit_id=entry.id)
                    return posted
                except RetryLater as later:
                    if later.refused:
                        self.leases.audit_post_refused(LEASE, entry.id, self.worker_id())
                    # Slack is rate-limiting or down: pause the whole outbox, so later entries do not jump the queue.
                    self._paused_until = time.monotonic() + later.seconds
                    event(log, "audit.post_deferred", logging.WARNING, audit_id=entry.id, retry_in=later.seconds, reason=str(later))
                    return posted
                self.entries.mark_posted(entry.id)
                self.heartbeat.beat()  # a long backlog is progress too
                posted += 1
                event(log, "audit.posted", audit_id=entry.id, audit_event=entry.event)
        return posted

    def _fence(self, entry_id: int) -> Fence:
        def fence() -> None:
            if self._halted or not self.leases.fence_audit_post(LEASE, entry_id, self.worker_id(), self.fresh):
                raise LeaseLost(f"audit entry {entry_id}: the lease is not ours (or the entry is posted)")

        return fence
