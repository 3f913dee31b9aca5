"""The audit outbox: posts stored audit entries to AUDIT_CHANNEL, in order, until each lands.

Entries are claimed in the database (with an expiring claim), posted, then marked posted,
so several processes can run outboxes without posting an entry twice. If Slack fails or
rate-limits, the entry is retried later (Retry-After honoured); it is never dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from .logs import event
from .store import AuditEntry, Store

log = logging.getLogger(__name__)


class RetryLater(Exception):
    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Outbox:
    def __init__(self, store: Store, post: Callable[[AuditEntry], None], poll: float = 2.0) -> None:
        self.store = store
        self.post = post
        self.poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._paused_until = 0.0  # monotonic; Slack asked us to wait (the channel, not one entry)
        self._thread: threading.Thread | None = None

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

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.flush()
            except Exception:
                log.exception("audit.outbox_error")
            pause = self._paused_until - time.monotonic()
            self._wake.wait(max(pause, self.poll) if pause > 0 else self.poll)
        try:
            self.flush()  # one last pass at shutdown
        except Exception:
            log.exception("audit.outbox_error")

    def flush(self) -> int:
        """Post every due entry; return how many were posted."""
        posted = 0
        while True:
            if time.monotonic() < self._paused_until:
                return posted
            batch = self.store.claim_audit()
            if not batch:
                return posted
            for index, entry in enumerate(batch):
                try:
                    self.post(entry)
                except RetryLater as later:
                    # Slack is rate-limiting or down: release the claims and pause the whole
                    # outbox, so entries stay in order and later ones do not jump the queue.
                    self.store.release_audit([e.id for e in batch[index:]])
                    self._paused_until = time.monotonic() + later.seconds
                    event(log, "audit.post_deferred", logging.WARNING, audit_id=entry.id,
                          retry_in=later.seconds, reason=str(later))
                    return posted
                self.store.mark_posted(entry.id)
                posted += 1
                event(log, "audit.posted", audit_id=entry.id, audit_event=entry.event)
