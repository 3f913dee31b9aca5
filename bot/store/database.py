"""The connection to the database and the transaction helpers every part of the store uses."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.observe.logs import event
from bot.store import limits, migrations, schema

log = logging.getLogger(__name__)

MIGRATION_LIMIT_SECONDS = 600  # rewriting a long audit log's chain may take a while

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


class Database:
    def __init__(self, url: str, clock: Callable[[], float] | None = None) -> None:
        self.url = url
        self.engine = schema.create_engine(url)
        self.clock = clock  # None: the database's clock (see now_sql); a clock given here replaces it (tests)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._writers = None if self.is_postgres else _writer_queue(url)

    def migrate(self, on_wait: Callable[[], None] = lambda: None) -> list[str]:
        """Create or upgrade the schema in one transaction; safe to run from several processes at once.

        Returns what an upgrade changed ([] if none: up to date, or created fresh); raises
        MigrationFailed with nothing changed. `on_wait` is called if another process is
        upgrading the database first (PostgreSQL): this one then waits for it."""

        def waiting() -> None:
            event(log, "store.migration_waiting", logging.WARNING, reason="another process is upgrading the database")
            on_wait()

        # Waiting for another process's migration, or a long one of ours (the server's statement timeout is lifted too).
        with self.time_limit(MIGRATION_LIMIT_SECONDS), self._tx() as conn:
            # When each step ran is for operators to read (wall time), not a decision: self.clock is not consulted.
            changes = migrations.migrate(conn, self.is_postgres, time.time(), waiting)
        if changes:
            event(log, "store.migrated", changes=changes)
        return changes

    @staticmethod
    def time_limit(seconds: float):
        """Each database call this thread makes inside the block is cut off after `seconds`
        (PostgreSQL; SQLite is a local file with a bounded busy timeout). More than the usual
        limit also lifts the server's statement timeout for transactions begun in the block."""
        return limits.time_limit(seconds)

    def schema_version(self) -> int | None:
        """The schema version the database holds; None if it holds no bot schema. Creates nothing."""
        with self.engine.connect() as conn:
            return migrations.current_version(conn)

    def ping(self, limit: float | None = None) -> None:
        """Raise if the database does not answer (within `limit` seconds a call, when given)."""
        with self.time_limit(limit or limits.current_limit()), self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    # -- the one clock every process compares times against -------------------------------
    # The database's, never a process's own: processes on several hosts (or one with a skewed
    # clock) agree on when a request expires, a task is due or a heartbeat is stale.
    def now_sql(self) -> sa.ColumnElement:
        """The current time (epoch seconds) as an expression the database evaluates in the
        statement that uses it: PostgreSQL's clock_timestamp(), SQLite's julianday('now')."""
        if self.clock is not None:
            return sa.literal(self.clock(), sa.Float)
        if self.is_postgres:
            return sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)
        return (sa.func.julianday("now") - _UNIX_EPOCH_JULIAN_DAY) * 86400.0

    def db_now(self, conn: Connection) -> float:
        """The current time read in `conn`'s transaction, where its value is needed here (an audit entry's hash)."""
        if self.clock is not None:
            return self.clock()
        return float(conn.execute(sa.select(self.now_sql())).scalar_one())

    @contextmanager
    def _tx(self, urgent: bool = False) -> Iterator[Connection]:
        if self._writers is None:
            with self.engine.begin() as conn:
                yield conn
            return
        # Take a connection before queueing: a writer never holds the queue while the pool is empty.
        turn = ACK if urgent else DECISION if _FIRST.get() else OTHER
        with self.engine.connect() as conn, self._writers.hold(turn), conn.begin():
            yield conn

    def _transition_each(self, table: sa.Table, where, values: dict, on_win=None, limit: int | None = None) -> list:
        """Find rows matching `where`, then move each with its own conditional UPDATE that re-checks
        `where`: concurrent processes each win distinct rows, never the same one twice.
        `on_win(conn, id)` runs inside the winning transaction (an audit entry, say)."""
        query = sa.select(table.c.id).where(where).order_by(table.c.id)
        with self.engine.connect() as conn:
            ids = conn.execute(query.limit(limit) if limit else query).scalars().all()
        won = []
        for row_id in ids:
            with self._tx() as conn:
                if conn.execute(table.update().where(table.c.id == row_id).where(where).values(**values)).rowcount != 1:
                    continue
                if on_win:
                    on_win(conn, row_id)
            won.append(row_id)
        return won


def insert_ignore(is_postgres: bool, table: sa.Table, keys: list[str]):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect at hand."""
    if is_postgres:
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).on_conflict_do_nothing(index_elements=keys)
