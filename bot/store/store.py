"""The store: one object over one database, assembled from the parts in this package."""

from __future__ import annotations

from bot.store.audit import AuditMixin
from bot.store.fencing import FencingMixin
from bot.store.homes import HomesMixin
from bot.store.jobs import JobsMixin
from bot.store.requests import RequestsMixin
from bot.store.retention import RetentionMixin
from bot.store.slots import SlotsMixin
from bot.store.work import WorkMixin


class Store(RequestsMixin, JobsMixin, AuditMixin, FencingMixin, RetentionMixin, HomesMixin, WorkMixin, SlotsMixin):
    """Requests, the per-job journal, the audit log, Home-tab viewers, durable tasks and the
    shared rate-limit slots, on SQLite or PostgreSQL.

    Every decision is a conditional UPDATE, so exactly one click wins however many processes
    share the database; each decision's audit entry and follow-up tasks are written in the
    same transaction.
    """
