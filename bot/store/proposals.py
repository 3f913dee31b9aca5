"""Proposals' cooldown, kept by the database so every bot process agrees: at most one proposal
per job in PROPOSAL_COOLDOWN_SECONDS, and never a second while one is still open.

A proposal is a request of kind `proposal` for one job (requests.py); this module only decides
whether another may be created, inside the transaction that would create it."""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.domain.states import RequestKind, State
from bot.store.database import Database
from bot.store.schema import requests_table

PROPOSAL_LOCK = 724304  # advisory lock namespace (PostgreSQL): one job's check-then-insert at a time


class CoolingDown(Exception):
    """A proposal for this job is open, or was made within the cooldown: none is stored."""


def _recent(job_id: str, now: float, cooldown: float) -> sa.ColumnElement[bool]:
    """Proposals for `job_id` made within `cooldown` seconds of `now`, or still open."""
    still_open = sa.and_(requests_table.c.state == State.PENDING, requests_table.c.expires_at > now)
    return sa.and_(
        requests_table.c.kind == RequestKind.PROPOSAL,
        requests_table.c.job_ids == json.dumps([job_id]),  # a proposal names exactly its one job
        sa.or_(requests_table.c.created_at > now - cooldown, still_open),
    )


class Proposals:
    def __init__(self, db: Database) -> None:
        self.db = db

    def cooling(self, job_id: str, cooldown: float) -> bool:
        """Whether a new proposal for `job_id` would be refused now (a read: saves a CI query)."""
        with self.db.reading() as conn:
            now = self.db.db_now(conn)
            return conn.execute(sa.select(requests_table.c.id).where(_recent(job_id, now, cooldown)).limit(1)).first() is not None

    def guard(self, job_id: str, cooldown: float) -> Callable[[Connection, float], None]:
        """For Requests.create: one job's check and insert run one at a time across processes
        (SQLite's write transaction already does), and CoolingDown stores nothing."""

        def check(conn: Connection, now: float) -> None:
            self.db.dialect.serialise(conn, PROPOSAL_LOCK, job_id)
            if conn.execute(sa.select(requests_table.c.id).where(_recent(job_id, now, cooldown)).limit(1)).first():
                raise CoolingDown(job_id)

        return check
