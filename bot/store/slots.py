"""The CI rate limit shared by every bot process: send slots reserved in the database."""

from __future__ import annotations

import time

import sqlalchemy as sa

from .database import Database
from .schema import rate_table


class SlotsMixin(Database):
    def reserve_ci_slot(self, limit: int, span: float) -> float:
        """Reserve the next CI send slot across all processes; return seconds to wait.

        On PostgreSQL an advisory lock serialises reservations and the database's clock is
        used, so processes on different hosts agree on time. On SQLite the write transaction
        (BEGIN IMMEDIATE) serialises them; processes share the host's clock.
        """
        with self._tx() as conn:
            if self.is_postgres:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(724302)"))
                now = float(conn.execute(sa.text("SELECT extract(epoch from clock_timestamp())")).scalar_one())
            else:
                now = time.time()
            recent = conn.execute(
                sa.select(rate_table.c.slot_at).order_by(rate_table.c.slot_at.desc()).limit(1).offset(limit - 1)
            ).scalar()
            slot = now if recent is None else max(now, float(recent) + span)
            conn.execute(rate_table.insert().values(slot_at=slot))
            conn.execute(rate_table.delete().where(rate_table.c.slot_at < now - 10 * span))
        return slot - now


class SharedLimiter:
    """CI rate limit shared by every process using the same database."""

    def __init__(self, store: SlotsMixin, limit: int, window: float = 1.0, margin: float = 0.15, sleep=time.sleep) -> None:
        self.store = store
        self.limit = limit
        self.span = window + margin
        self._sleep = sleep

    def acquire(self) -> None:
        delay = self.store.reserve_ci_slot(self.limit, self.span)
        if delay > 0:
            self._sleep(delay)
