"""The CI rate limit shared by every bot process: one row per recent CI request, holding the
latest moment it can have reached the server (see bot/tencent/ratelimit.py for the reasoning)."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from bot.observe.logs import event
from bot.store.database import Database
from bot.store.schema import rate_table
from bot.tencent.ratelimit import IN_FLIGHT, RECHECK, URGENT, RoundTrips, Settling, lookup_cap

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    row_id: int
    at: float  # database time of the send
    recorded: float  # time.monotonic() in this process at that moment


class RateSlots:
    """The rows of the shared CI rate limit (SharedLimiter, below, is their one user)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def take(
        self, limit: int, window: float, in_flight: float, wanted: int = 1, lookups: int = 0, cap: int | None = None, account: str = ""
    ) -> list[Slot] | float:
        """Record, against `account`'s limit (its APPID: each account has its own), up to `wanted`
        urgent CI sends now, then up to `lookups` look-ups, as many as
        the shared window allows (look-ups only while fewer than `cap` sends are in it), and
        return their Slots, urgent ones first; if none is allowed, return the seconds to wait,
        recording nothing.

        A send may go once the `limit`-th latest row is `window` old; a new row says its request
        may arrive until `in_flight` from now, until settle() narrows it. On PostgreSQL
        an advisory lock serialises the check and the database's clock is used, so processes on
        different hosts agree on time; on SQLite the write transaction (BEGIN IMMEDIATE)
        serialises it and processes share the host's clock.
        """
        cap = limit if cap is None else min(cap, limit)
        with self.db.transaction() as conn:
            now, latest, recorded = self.db.dialect.check_slots(conn, limit, self.db.db_now, account)
            urgent = _allowed(latest, limit, window, now, wanted)
            granted = urgent + _allowed(latest, cap, window, now, lookups, already=urgent)
            if not granted:
                return latest[(limit if wanted else cap) - 1] + window - now
            row_ids = self.db.dialect.record_slots(conn, rate_table, granted, until=now + in_flight, old=now - 10 * window, account=account)
        return [Slot(row_id, now, recorded) for row_id in row_ids]

    def settle(self, slot: Slot, seconds_after_send: float) -> None:
        """The request has been answered (or given up): narrow its row to what that showed."""
        with self.db.transaction() as conn:
            self.db.dialect.relax_commit(conn)
            conn.execute(rate_table.update().where(rate_table.c.id == slot.row_id).values(slot_at=slot.at + seconds_after_send))


def _allowed(latest: list[float], limit: int, window: float, now: float, wanted: int, already: int = 0) -> int:
    """How many of `wanted` sends may go now, after `already` granted in this check: the i-th
    new one needs the (limit - i)-th latest existing row to be `window` old (the new ones are
    the latest of all)."""
    granted = 0
    while granted < wanted and already + granted < limit:
        index = limit - 1 - already - granted
        if index < len(latest) and latest[index] + window > now:
            break
        granted += 1
    return granted


class _Ticket:
    __slots__ = ("priority", "slot", "urgent")

    def __init__(self, priority: int) -> None:
        self.slot: Slot | None = None
        self.priority = priority
        self.urgent = priority == URGENT


class SharedLimiter(Settling):
    """CI rate limit shared by every process using the same database.

    Threads of one process queue up; one of them at a time checks the database for all of
    them (a burst takes one transaction, not one per request), the others wait for their turn.
    Slots go by priority, then first come first served: cancels before look-ups, an approval
    request's evidence before `status`; a cancel arriving while the check waits for look-up
    room wakes it at once.
    """

    def __init__(
        self,
        slots: RateSlots,
        limit: int,
        window: float = 1.0,
        round_trips: RoundTrips | None = None,
        in_flight: float = IN_FLIGHT,
        check_stop: Callable[[], None] = lambda: None,
        account: str = "",
    ) -> None:
        super().__init__(round_trips)
        self.account = account  # the APPID whose limit this counts against: one limiter per account
        self.check_stop = check_stop  # raises to give up a wait (the CLI's Ctrl-C); called before each look at the database
        self.slots = slots
        self.limit = limit
        self.cap = lookup_cap(limit)
        self.window = window
        self.in_flight = in_flight
        self._turn = threading.Condition()
        self._queue: deque[_Ticket] = deque()
        self._checking = False

    def acquire(self, priority: int = URGENT) -> None:
        ticket = _Ticket(priority)
        with self._turn:
            self._queue.append(ticket)
            if ticket.urgent and self._checking:
                self._turn.notify_all()  # the check may be waiting for look-up room: this can go now
            while ticket.slot is None and self._checking:
                self._turn.wait()
            lead = ticket.slot is None
            self._checking = self._checking or lead
        if lead:
            try:
                self._check_for_queue(ticket)
            finally:
                with self._turn:
                    if ticket.slot is None:  # the check failed (database down): leave the queue
                        self._queue.remove(ticket)
                    self._checking = False
                    self._turn.notify_all()
        # Round trips are timed from inside the check: its commit is part of the way out.
        slot = cast(Slot, ticket.slot)  # set by the check, or it raised
        self._remember(slot, slot.recorded, self.round_trips.least_margin())

    def _check_for_queue(self, mine: _Ticket) -> None:
        """Take slots for the threads queued in this process, cancels first, then look-ups,
        each first come first served, until this thread has one."""
        while mine.slot is None:
            self.check_stop()
            with self._turn:
                urgent = [t for t in self._queue if t.urgent]
                lookups = sorted((t for t in self._queue if not t.urgent), key=lambda t: t.priority)  # stable: FIFO within one
            taken = self.slots.take(self.limit, self.window, self.in_flight, len(urgent), len(lookups), self.cap, self.account)
            if isinstance(taken, float):
                with self._turn:
                    cancel_arrived = not urgent and any(t.urgent for t in self._queue)
                    if not cancel_arrived:  # an urgent arrival (notify) cuts the wait short
                        self._turn.wait(min(taken, RECHECK))
                continue
            with self._turn:
                for ticket, slot in zip([*urgent, *lookups], taken, strict=False):
                    ticket.slot = slot
                    self._queue.remove(ticket)
                self._turn.notify_all()

    def _settle(self, token: Slot, seconds_after_send: float) -> None:
        try:
            self.slots.settle(token, seconds_after_send)
        except Exception as exc:  # the row keeps its wider in-flight bound: slower, never over the limit
            event(log, "ratelimit.settle_failed", logging.WARNING, error=type(exc).__name__)
