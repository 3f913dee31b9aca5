"""The store: one object over one database, assembled from the parts in this package."""

from __future__ import annotations

from .audit import AuditMixin
from .requests import RequestsMixin
from .slots import SlotsMixin


class Store(RequestsMixin, AuditMixin, SlotsMixin):
    """Requests, the audit log and the shared rate-limit slots, on SQLite or PostgreSQL.

    Every decision is a conditional UPDATE, so exactly one click wins however many processes
    share the database; each decision's audit entry is written in the same transaction.
    """
