"""The store: one object over one database, assembled from the parts in this package."""

from __future__ import annotations

from collections.abc import Callable

from bot.store.audit import AuditMixin
from bot.store.homes import HomesMixin
from bot.store.jobs import JobsMixin
from bot.store.requests import RequestsMixin
from bot.store.retention import RetentionMixin
from bot.store.slots import SlotsMixin
from bot.store.work import WorkItems


class Store(RequestsMixin, JobsMixin, AuditMixin, RetentionMixin, HomesMixin, SlotsMixin):
    """Requests, the per-job journal, the audit log, Home-tab viewers, durable tasks and the
    shared rate-limit slots, on SQLite or PostgreSQL.

    Every decision is a conditional UPDATE, so exactly one click wins however many processes
    share the database; each decision's audit entry and follow-up tasks are written in the
    same transaction.

    `work`: workers, durable tasks, leases and fences (bot.work's TaskStore).
    """

    def __init__(self, url: str, clock: Callable[[], float] | None = None) -> None:
        super().__init__(url, clock)
        self.work = WorkItems(self)
