"""The CI rate limit shared by every bot process: one row per recent CI request, holding the
latest moment it can have reached the server (see bot/tencent/ratelimit.py for the reasoning)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa

from ..logs import event
from ..tencent.ratelimit import IN_FLIGHT, RECHECK, RoundTrips, Settling
from .database import Database
from .schema import rate_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    row_id: int
    at: float  # database time of the send
    recorded: float  # time.monotonic() in this process at that moment


class SlotsMixin(Database):
    def take_ci_slot(self, limit: int, window: float, in_flight: float) -> Slot | float:
        """Record a CI send now if the shared window allows it and return its Slot; else return
        the seconds to wait, recording nothing.

        A send may go once the `limit`-th latest row is `window` old; the new row says the
        request may arrive until `in_flight` from now, until settle_ci_slot() narrows it. On
        PostgreSQL an advisory lock serialises the check and the database's clock is used, so
        processes on different hosts agree on time; on SQLite the write transaction
        (BEGIN IMMEDIATE) serialises it and processes share the host's clock.
        """
        with self._tx() as conn:
            now, latest = self._now_and_latest(conn, limit)
            recorded = time.monotonic()
            wait = 0.0 if latest is None else float(latest) + window - now
            if wait > 0:
                return wait
            row_id = self._record(conn, until=now + in_flight, old=now - 10 * window)
        return Slot(row_id, now, recorded)

    def settle_ci_slot(self, slot: Slot, seconds_after_send: float) -> None:
        """The request has been answered (or given up): narrow its row to what that showed."""
        with self._tx() as conn:
            if self.is_postgres:
                conn.execute(_NO_FLUSH)
            conn.execute(rate_table.update().where(rate_table.c.id == slot.row_id)
                         .values(slot_at=slot.at + seconds_after_send))

    def _now_and_latest(self, conn, limit: int) -> tuple[float, float | None]:
        """The check's time and the `limit`-th latest row, under the lock that serialises checks."""
        if self.is_postgres:
            conn.execute(_LOCK)
            now, latest = conn.execute(_PG_NOW_AND_LATEST, {"offset": limit - 1}).one()
            return float(now), latest
        latest = conn.execute(_LATEST, {"offset": limit - 1}).scalar()
        return time.time(), latest

    def _record(self, conn, until: float, old: float) -> int:
        """Insert the new row, dropping rows too old to matter, in one statement where possible."""
        if self.is_postgres:
            return conn.execute(_PG_RECORD, {"until": until, "old": old}).scalar_one()
        conn.execute(rate_table.delete().where(rate_table.c.slot_at < old))
        return conn.execute(rate_table.insert().values(slot_at=until).returning(rate_table.c.id)).scalar_one()


# Few round trips per check: every send in every process waits on it.
# A slot matters for a second; losing the last ones in a crash is harmless, so commits need
# not wait for the disk (that wait serialised every send behind an fsync).
_NO_FLUSH = sa.text("SET LOCAL synchronous_commit TO OFF")
_LOCK = sa.text("SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock(724302)")
_LATEST = sa.text("SELECT slot_at FROM ci_rate_slots ORDER BY slot_at DESC LIMIT 1 OFFSET :offset")
_PG_NOW_AND_LATEST = sa.text(
    "SELECT extract(epoch from clock_timestamp())::float8, "
    "(SELECT slot_at FROM ci_rate_slots ORDER BY slot_at DESC LIMIT 1 OFFSET :offset)")
_PG_RECORD = sa.text(
    "WITH old AS (DELETE FROM ci_rate_slots WHERE slot_at < :old) "
    "INSERT INTO ci_rate_slots (slot_at) VALUES (:until) RETURNING id")


class SharedLimiter(Settling):
    """CI rate limit shared by every process using the same database."""

    def __init__(self, store: SlotsMixin, limit: int, window: float = 1.0, round_trips: RoundTrips | None = None,
                 in_flight: float = IN_FLIGHT, sleep=time.sleep) -> None:
        super().__init__(round_trips)
        self.store = store
        self.limit = limit
        self.window = window
        self.in_flight = in_flight
        self._sleep = sleep
        # One caller per process at the gate: the others would only poll the database.
        self._gate = threading.Lock()

    def acquire(self) -> None:
        with self._gate:
            while not isinstance(slot := self.store.take_ci_slot(self.limit, self.window, self.in_flight), Slot):
                self._sleep(min(slot, RECHECK))
        # Round trips are timed from inside the check: its commit is part of the way out.
        self._remember(slot, slot.recorded, self.round_trips.margin())

    def _settle(self, token: Slot, seconds_after_send: float) -> None:
        try:
            self.store.settle_ci_slot(token, seconds_after_send)
        except Exception as exc:  # the row keeps its wider in-flight bound: slower, never over the limit
            event(log, "ratelimit.settle_failed", logging.WARNING, error=type(exc).__name__)
