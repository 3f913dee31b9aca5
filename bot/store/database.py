"""The connection to the database and the transaction helpers every part of the store uses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema


class Database:
    def __init__(self, url: str, clock=time.time) -> None:
        self.url = url
        self.engine = schema.create_engine(url)
        self.clock = clock
        self.is_postgres = self.engine.dialect.name == "postgresql"

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

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
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
