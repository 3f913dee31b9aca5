"""The store: one object over one database, assembled from the parts in this package."""

from __future__ import annotations

from .audit import AuditMixin
from .fencing import FencingMixin
from .homes import HomesMixin
from .jobs import JobsMixin
from .requests import RequestsMixin
from .retention import RetentionMixin
from .slots import SlotsMixin
from .work import WorkMixin


class Store(RequestsMixin, JobsMixin, AuditMixin, FencingMixin, RetentionMixin, HomesMixin, WorkMixin, SlotsMixin):
    """Requests, the per-job journal, the audit log, Home-tab viewers, durable tasks and the
    shared rate-limit slots, on SQLite or PostgreSQL.

    Every decision is a conditional UPDATE, so exactly one click wins however many processes
    share the database; each decision's audit entry and follow-up tasks are written in the
    same transaction.
    """
