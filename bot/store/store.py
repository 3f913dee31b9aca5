"""The store: one database and a repository per aggregate over it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.store.audit import AuditLog
from bot.store.database import Database
from bot.store.homes import HomeViews
from bot.store.jobs import Journal
from bot.store.proposals import Proposals
from bot.store.requests import Requests
from bot.store.retention import Retention
from bot.store.slots import RateSlots
from bot.store.work import WorkItems


class Store:
    """Requests, the per-job journal, the audit log, Home-tab viewers, durable work and the
    shared rate-limit slots, on SQLite or PostgreSQL: `store.requests`, `store.journal`,
    `store.audit`, `store.homes`, `store.work`, `store.slots`, `store.retention`.

    Each repository takes a `conn` for its part of another's transaction: a decision's request
    update, audit entry and follow-up tasks commit together.
    """

    def __init__(self, url: str, clock: Callable[[], float] | None = None) -> None:
        self.db = Database(url, clock)
        self.work = WorkItems(self.db)
        self.audit = AuditLog(self.db, self.work)
        self.journal = Journal(self.db)
        self.requests = Requests(self.db, self.audit, self.journal, self.work)
        self.proposals = Proposals(self.db)  # the cooldown of proposals (requests of kind `proposal`)
        self.homes = HomeViews(self.db, self.work)
        self.slots = RateSlots(self.db)
        self.retention = Retention(self.db)

    # -- the database itself ------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.db.url

    @property
    def engine(self) -> Engine:
        return self.db.engine

    @property
    def is_postgres(self) -> bool:
        return self.db.is_postgres

    @property
    def clock(self) -> Callable[[], float] | None:
        return self.db.clock

    @clock.setter
    def clock(self, clock: Callable[[], float] | None) -> None:
        self.db.clock = clock  # tests: a host whose clock is off

    def migrate(self, on_wait: Callable[[], None] = lambda: None) -> list[str]:
        return self.db.migrate(on_wait)

    def schema_version(self) -> int | None:
        return self.db.schema_version()

    def ping(self, limit: float | None = None) -> None:
        self.db.ping(limit)

    def close(self) -> None:
        self.db.close()

    def time_limit(self, seconds: float) -> AbstractContextManager[None]:
        return self.db.time_limit(seconds)

    def now_sql(self) -> sa.ColumnElement[Any]:
        return self.db.now_sql()

    def transaction(self, urgent: bool = False) -> AbstractContextManager[Connection]:
        return self.db.transaction(urgent)
