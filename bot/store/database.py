"""The connection to the database and the transaction helpers every repository of the store uses."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.observe.logs import event
from bot.store import limits, migrations, schema
from bot.store.dialect import Dialect, dialect_for, writes_first

log = logging.getLogger(__name__)

MIGRATION_LIMIT_SECONDS = 600  # rewriting a long audit log's chain may take a while


class Database:
    def __init__(self, url: str, clock: Callable[[], float] | None = None) -> None:
        self.url = url
        self.engine = schema.create_engine(url)
        self.clock = clock  # None: the database's clock (see now_sql); a clock given here replaces it (tests)
        self.dialect: Dialect = dialect_for(self.engine, url)
        self.is_postgres = self.dialect.is_postgres

    def migrate(self, on_wait: Callable[[], None] = lambda: None) -> list[str]:
        """Create or upgrade the schema in one transaction; safe to run from several processes at once.

        Returns what an upgrade changed ([] if none: up to date, or created fresh); raises
        MigrationFailed with nothing changed. `on_wait` is called if another process is
        upgrading the database first (PostgreSQL): this one then waits for it."""

        def waiting() -> None:
            event(log, "store.migration_waiting", logging.WARNING, reason="another process is upgrading the database")
            on_wait()

        # Waiting for another process's migration, or a long one of ours (the server's statement timeout is lifted too).
        with self.time_limit(MIGRATION_LIMIT_SECONDS), self.transaction() as conn:
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
        return self.dialect.now()

    def db_now(self, conn: Connection) -> float:
        """The current time read in `conn`'s transaction, where its value is needed here (an audit entry's hash)."""
        if self.clock is not None:
            return self.clock()
        return float(conn.execute(sa.select(self.now_sql())).scalar_one())

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads only. On SQLite its transaction is a plain BEGIN: a WAL reader
        never waits for the writer. (A bare connection begins IMMEDIATE, taking the write lock:
        a read then queued behind every write, polled by SQLite's busy handler, sleeping up to
        100 ms a turn: a decision's announcement read its request up to 35 ms late.)"""
        with self.engine.connect() as conn:
            conn.execution_options(read_snapshot=True)
            yield conn

    @contextmanager
    def transaction(self, urgent: bool = False) -> Iterator[Connection]:
        """A write transaction; `urgent`: a Slack request waits for it (its acknowledgement) and
        it goes first. Repositories that must commit together share one (pass its `conn`)."""
        with self.dialect.begin(self.engine, urgent) as conn:
            yield conn

    def transition_each(self, table: sa.Table, where, values: dict, on_win=None, limit: int | None = None) -> list:
        """Find rows matching `where`, then move each with its own conditional UPDATE that re-checks
        `where`: concurrent processes each win distinct rows, never the same one twice.
        `on_win(conn, id)` runs inside the winning transaction (an audit entry, say)."""
        query = sa.select(table.c.id).where(where).order_by(table.c.id)
        with self.reading() as conn:
            ids = conn.execute(query.limit(limit) if limit else query).scalars().all()
        won = []
        for row_id in ids:
            with self.transaction() as conn:
                if conn.execute(table.update().where(table.c.id == row_id).where(where).values(**values)).rowcount != 1:
                    continue
                if on_win:
                    on_win(conn, row_id)
            won.append(row_id)
        return won


__all__ = ["MIGRATION_LIMIT_SECONDS", "Database", "writes_first"]
