"""The connection to the database and the transaction helpers every part of the store uses."""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema

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


class Database:
    def __init__(self, url: str, clock=time.time) -> None:
        self.url = url
        self.engine = schema.create_engine(url)
        self.clock = clock
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._writers = None if self.is_postgres else _writer_queue(url)

    def migrate(self) -> None:
        """Create or upgrade the schema; safe to run from several processes at once."""
        with self._tx() as conn:
            schema.migrate(conn, self.is_postgres)

    def schema_version(self) -> int | None:
        """The schema version the database holds; None if it holds no bot schema. Creates nothing."""
        with self.engine.connect() as conn:
            return schema.current_version(conn)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    def db_now(self, conn: Connection) -> float:
        """The database's clock on PostgreSQL (processes on several hosts agree), ours on SQLite."""
        if self.is_postgres:
            return float(conn.execute(sa.text("SELECT extract(epoch from clock_timestamp())")).scalar_one())
        return self.clock()

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
