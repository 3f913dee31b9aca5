"""The audit outbox: posts stored audit entries to AUDIT_CHANNEL, each exactly once, in order.

One poster at a time across every process: the worker holding the `audit-poster` lease
(held while its heartbeat lasts, so a slow post never lets a second poster start). Each
attempt is recorded before it is made; an entry whose earlier attempt may have landed (no
answer came back) is first looked for in the channel (by its metadata), so a post that Slack accepted just before a crash is not
posted again. If Slack fails or rate-limits, the outbox pauses and retries; it never drops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .heartbeat import Heartbeat
from .logs import event
from .store import AuditEntry, Store
from .worker import RetryLater

log = logging.getLogger(__name__)

LEASE = "audit-poster"


class Outbox:
    def __init__(self, store: Store, post: Callable[[AuditEntry, bool], None], worker_id: Callable[[], str], poll: float = 2.0) -> None:
        self.store = store
        self.post = post  # post(entry, maybe_posted_before)
        self.worker_id = worker_id
        self.poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._halted = False
        self._paused_until = 0.0  # monotonic; Slack asked us to wait (the channel, not one entry)
        self._thread: threading.Thread | None = None
        self.heartbeat = Heartbeat()  # the loop's progress, for /healthz

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="audit-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Post what is due (within `timeout`), then stop; the rest stays stored for next start."""
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

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
            if self.store.hold_lease(LEASE, self.worker_id()):
                self.flush()
        except Exception:
            log.exception("audit.outbox_error")

    def flush(self) -> int:
        """Post every due entry in order; return how many were posted. Call only holding the lease."""
        posted = 0
        while not self._halted:
            if time.monotonic() < self._paused_until:
                return posted
            batch = self.store.unposted_audit()
            if not batch:
                return posted
            for entry in batch:
                maybe_posted = self.store.begin_post(entry.id)
                try:
                    self.post(entry, maybe_posted)
                except RetryLater as later:
                    if later.refused:
                        self.store.post_refused(entry.id)
                    # Slack is rate-limiting or down: pause the whole outbox, so later entries do not jump the queue.
                    self._paused_until = time.monotonic() + later.seconds
                    event(log, "audit.post_deferred", logging.WARNING, audit_id=entry.id, retry_in=later.seconds, reason=str(later))
                    return posted
                self.store.mark_posted(entry.id)
                self.heartbeat.beat()  # a long backlog is progress too
                posted += 1
                event(log, "audit.posted", audit_id=entry.id, audit_event=entry.event)
        return posted
