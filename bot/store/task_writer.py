"""What the repositories need of the work-items repository: storing follow-up tasks inside
their own transaction, so a decision and the work it causes commit together or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.engine import Connection

from bot.store.work import NewTask


class TaskWriter(Protocol):
    def enqueue_in(self, conn: Connection, tasks: Iterable[NewTask], owner: str | None = None) -> int:
        """Store the tasks not stored yet in `conn`'s transaction; return how many were new."""
        ...
