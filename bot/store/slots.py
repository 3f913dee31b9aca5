"""The CI rate limit shared by every bot process: actual send times, recorded in the database.

See bot/tencent/ratelimit.py for the reasoning; this is the same check over a log that
every process writes to.
"""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from ..tencent.ratelimit import RECHECK, MeasuredTrips, RoundTrips
from .database import Database
from .schema import rate_table


class SlotsMixin(Database):
    def take_ci_slot(self, limit: int, window: float, margin: float) -> tuple[float, float]:
        """Record a CI send now if the shared window allows it: return (0, when it was recorded
        on time.monotonic()); else (seconds to wait, 0) and record nothing.

        Each row is the latest moment its send can have left (its time plus the margin its
        process measured); a send may go once the `limit`-th latest row is `window` old. On
        PostgreSQL an advisory lock serialises the check and the database's clock is used, so
        processes on different hosts agree on time; on SQLite the write transaction
        (BEGIN IMMEDIATE) serialises it and processes share the host's clock.
        """
        with self._tx() as conn:
            now = self._locked_now(conn)
            recorded = time.monotonic()
            recent = conn.execute(
                sa.select(rate_table.c.slot_at).order_by(rate_table.c.slot_at.desc()).limit(1).offset(limit - 1)
            ).scalar()
            wait = 0.0 if recent is None else float(recent) + window - now
            if wait > 0:
                return wait, 0.0  # nothing written: the caller checks again when the time comes
            conn.execute(rate_table.insert().values(slot_at=now + margin))
            conn.execute(rate_table.delete().where(rate_table.c.slot_at < now - 10 * window))
        return 0.0, recorded

    def _locked_now(self, conn) -> float:
        if self.is_postgres:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(724302)"))
            return float(conn.execute(sa.text("SELECT extract(epoch from clock_timestamp())")).scalar_one())
        return time.time()


class SharedLimiter(MeasuredTrips):
    """CI rate limit shared by every process using the same database."""

    def __init__(self, store: SlotsMixin, limit: int, window: float = 1.0, round_trips: RoundTrips | None = None,
                 sleep=time.sleep) -> None:
        super().__init__(round_trips)
        self.store = store
        self.limit = limit
        self.window = window
        self._sleep = sleep
        # One caller per process at the gate: the others would only poll the database.
        self._gate = threading.Lock()

    def acquire(self) -> None:
        with self._gate:
            while True:
                wait, recorded = self.store.take_ci_slot(self.limit, self.window, self.round_trips.margin())
                if wait <= 0:
                    break
                self._sleep(min(wait, RECHECK))
        self._recorded(recorded)  # round trips are timed from there: the commit is part of the way out
