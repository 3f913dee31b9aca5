"""Where SQLite and PostgreSQL differ, in one place: the clock, insert-or-ignore and upsert,
serialising a check across processes, read snapshots, commits that need not wait for the disk,
the shared rate limit's statements, and how a write transaction begins (SQLite's writer queue).

Repositories ask their Database's dialect and never branch on the database themselves.
Building the engine (pragmas, time limits) stays in schema.py and postgres.py.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

_FIRST = contextvars.ContextVar("writes_first", default=False)


@contextmanager
def writes_first() -> Iterator[None]:
    """Writes made in this block (on this thread) serve a decision: on SQLite they queue ahead
    of this process's other writers (Home refreshes, look-ups' bookkeeping)."""
    token = _FIRST.set(True)
    try:
        yield
    finally:
        _FIRST.reset(token)


ACK, DECISION, OTHER = 0, 1, 2  # writers' turns, first to last


class WriterQueue:
    """SQLite lets one writer in at a time and makes the others poll, sleeping up to 100 ms a
    turn. This process's writers queue here instead, so the database is handed over at once,
    one waiter woken per release, in turns: a task stored before Slack's acknowledgement
    first, then a decision's writes, then the rest."""

    def __init__(self) -> None:
        lock = threading.Lock()
        self._lock = lock
        self._turns = [threading.Condition(lock) for _ in (ACK, DECISION, OTHER)]
        self._waiting = [0, 0, 0]
        self._owner: int | None = None
        self._depth = 0

    @contextmanager
    def hold(self, turn: int = OTHER) -> Iterator[None]:
        me = threading.get_ident()
        with self._lock:
            if self._owner == me:
                self._depth += 1
            else:
                self._wait_turn(turn)
                self._owner, self._depth = me, 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    waiting = [t for t, n in enumerate(self._waiting) if n]
                    if waiting:
                        self._turns[waiting[0]].notify()

    def _wait_turn(self, turn: int) -> None:
        self._waiting[turn] += 1
        try:
            while self._owner is not None or any(self._waiting[:turn]):
                self._turns[turn].wait()
        finally:
            self._waiting[turn] -= 1


_SQLITE_WRITERS: dict[str, WriterQueue] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()


def _writer_queue(url: str) -> WriterQueue:
    with _SQLITE_WRITERS_GUARD:
        return _SQLITE_WRITERS.setdefault(url, WriterQueue())


_UNIX_EPOCH_JULIAN_DAY = 2440587.5

# Advisory lock keys (PostgreSQL): one namespace per kind of serialised check.
PENDING_LOCK = 724303  # count-then-insert of one requester's pending requests
RATE_LOCK = 724302  # the shared CI rate limit's check

SlotCheck = tuple[float, list[float], float]  # the check's time, the latest slots (descending), time.monotonic()


class Dialect:
    """SQLite: one writer at a time (BEGIN IMMEDIATE), queued in this process by a WriterQueue."""

    name = "sqlite"

    def __init__(self, url: str) -> None:
        self._writers = _writer_queue(url)

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgresql"

    def now(self) -> sa.ColumnElement[Any]:
        """The database's current time, epoch seconds, evaluated in the statement using it."""
        return (sa.func.julianday("now") - _UNIX_EPOCH_JULIAN_DAY) * 86400.0

    def insert(self, table: sa.Table) -> Any:
        """An INSERT that knows ON CONFLICT (…DO NOTHING / DO UPDATE)."""
        from sqlalchemy.dialects.sqlite import insert

        return insert(table)

    def insert_ignore(self, table: sa.Table, keys: list[str]) -> Any:
        """INSERT … ON CONFLICT DO NOTHING, whose rowcount says whether the row was new.
        (With the implicit RETURNING of the primary key, SQLAlchemy 2.1 reports -1 on
        PostgreSQL unless asked to keep the count.)"""
        return self.insert(table).on_conflict_do_nothing(index_elements=keys).execution_options(preserve_rowcount=True)

    @contextmanager
    def begin(self, engine: Engine, urgent: bool = False) -> Iterator[Connection]:
        """A write transaction. Takes a connection before queueing: a writer never holds the
        queue while the pool is empty."""
        turn = ACK if urgent else DECISION if _FIRST.get() else OTHER
        with engine.connect() as conn, self._writers.hold(turn), conn.begin():
            yield conn

    def serialise(self, conn: Connection, key: int, name: str) -> None:
        """Make checks on `name` (under `key`) one at a time across processes until commit.
        SQLite's write transaction (BEGIN IMMEDIATE) already does."""

    def snapshot(self, conn: Connection) -> None:
        """One snapshot for every read on `conn` (a long read: SQLite's plain BEGIN gives one)."""
        conn.execution_options(read_snapshot=True)

    def relax_commit(self, conn: Connection) -> None:
        """This transaction's commit need not wait for the disk (losing it in a crash is harmless)."""

    def check_slots(self, conn: Connection, limit: int, db_now: Callable[[Connection], float], account: str = "") -> SlotCheck:
        """Under the lock that serialises rate checks: the check's time, the `limit` latest
        slots of `account` (descending), and time.monotonic() no later than the check's time."""
        latest = conn.execute(_LATEST, {"limit": limit, "account": account}).scalars().all()
        recorded = time.monotonic()
        return db_now(conn), [float(v) for v in latest], recorded

    def record_slots(self, conn: Connection, table: sa.Table, count: int, until: float, old: float, account: str = "") -> list[int]:
        """Insert `count` slots of `account`, dropping those (of any account) older than `old`; return their ids."""
        conn.execute(table.delete().where(table.c.slot_at < old))
        insert = table.insert().values(slot_at=until, account=account).returning(table.c.id)
        return [conn.execute(insert).scalar_one() for _ in range(count)]


class PostgreSQL(Dialect):
    """PostgreSQL: concurrent writers; advisory locks serialise the checks that need it."""

    name = "postgresql"

    def __init__(self, url: str) -> None:  # no writer queue: the server has row locks
        pass

    def now(self) -> sa.ColumnElement[Any]:
        return sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)

    def insert(self, table: sa.Table) -> Any:
        from sqlalchemy.dialects.postgresql import insert

        return insert(table)

    @contextmanager
    def begin(self, engine: Engine, urgent: bool = False) -> Iterator[Connection]:
        with engine.begin() as conn:
            yield conn

    def serialise(self, conn: Connection, key: int, name: str) -> None:
        conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({int(key)}, hashtext(:name))"), {"name": name})

    def snapshot(self, conn: Connection) -> None:
        conn.execution_options(read_snapshot=True, isolation_level="REPEATABLE READ")

    def relax_commit(self, conn: Connection) -> None:
        conn.execute(_NO_FLUSH)

    def check_slots(self, conn: Connection, limit: int, db_now: Callable[[Connection], float], account: str = "") -> SlotCheck:
        # The database's clock, never a test's: processes on different hosts agree on time.
        conn.execute(_LOCK)  # one lock for every account: an earlier release's process takes the same
        recorded = time.monotonic()
        now, latest = conn.execute(_PG_NOW_AND_LATEST, {"limit": limit, "account": account}).one()
        return float(now), [float(v) for v in latest], recorded

    def record_slots(self, conn: Connection, table: sa.Table, count: int, until: float, old: float, account: str = "") -> list[int]:
        return list(conn.execute(_PG_RECORD, {"until": until, "old": old, "count": count, "account": account}).scalars())


def dialect_for(engine: Engine, url: str) -> Dialect:
    return PostgreSQL(url) if engine.dialect.name == "postgresql" else Dialect(url)


# Few round trips per rate check: every send in every process waits on it.
# A slot matters for a second; losing the last ones in a crash is harmless, so commits need
# not wait for the disk (that wait serialised every send behind an fsync).
_NO_FLUSH = sa.text("SET LOCAL synchronous_commit TO OFF")
_LOCK = sa.text(f"SELECT set_config('synchronous_commit', 'off', true), pg_advisory_xact_lock({RATE_LOCK})")
# An account's sends, and those of an earlier release (no account), which count against every one.
_LATEST = sa.text("SELECT slot_at FROM ci_rate_slots WHERE account = :account OR account IS NULL ORDER BY slot_at DESC LIMIT :limit")
_PG_NOW_AND_LATEST = sa.text(
    "SELECT extract(epoch from clock_timestamp())::float8, "
    "ARRAY(SELECT slot_at FROM ci_rate_slots WHERE account = :account OR account IS NULL ORDER BY slot_at DESC LIMIT :limit)"
)
_PG_RECORD = sa.text(
    "WITH old AS (DELETE FROM ci_rate_slots WHERE slot_at < :old) "
    "INSERT INTO ci_rate_slots (slot_at, account) SELECT :until, :account FROM generate_series(1, :count) RETURNING id"
)
