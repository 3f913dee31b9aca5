"""The audit outbox: posts stored audit entries to AUDIT_CHANNEL, in order, until each lands.

Entries are claimed in the database (with an expiring claim), posted, then marked posted,
so several processes can run outboxes without posting an entry twice. If Slack fails or
rate-limits, the entry is retried later (Retry-After honoured); it is never dropped.
"""

from __future__ import annotations

import logging
import threading
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
            self._wake.wait(self.poll)
        try:
            self.flush()  # one last pass at shutdown
        except Exception:
            log.exception("audit.outbox_error")

    def flush(self) -> int:
        """Post every due entry; return how many were posted."""
        posted = 0
        while True:
            batch = self.store.claim_audit()
            if not batch:
                return posted
            for index, entry in enumerate(batch):
                try:
                    self.post(entry)
                except RetryLater as later:
                    # Keep order: this entry and the rest of the batch wait together.
                    for waiting in batch[index:]:
                        self.store.retry_audit_later(waiting.id, later.seconds)
                    event(log, "audit.post_deferred", logging.WARNING, audit_id=entry.id,
                          retry_in=later.seconds, reason=str(later))
                    return posted
                self.store.mark_posted(entry.id)
                posted += 1
                event(log, "audit.posted", audit_id=entry.id, audit_event=entry.event)
