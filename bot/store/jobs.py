"""The per-job journal of an execution: a send is recorded before it is made, an outcome as
soon as it is known. A resumed execution sends again only jobs whose outcome is unknown, and
knows they may already have been cancelled (sends > 0)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.domain.states import JobOutcome
from bot.store.database import Database
from bot.store.schema import job_results_table, tasks_table


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    sends: int
    outcome: JobOutcome | None


def owned(task_key: str, me: str) -> sa.ColumnElement[bool]:
    """`me` holds the unfinished task `task_key` (a condition for a write fenced by it)."""
    return sa.exists().where(tasks_table.c.key == task_key).where(tasks_table.c.owner == me).where(tasks_table.c.done_at.is_(None))


class Journal:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open_in(self, conn: Connection, request_id: str, job_ids: Sequence[str]) -> None:
        """Start the request's journal in `conn`'s transaction: one row per job, none sent yet."""
        for position, job_id in enumerate(job_ids):
            conn.execute(
                self.db.dialect.insert_ignore(job_results_table, ["request_id", "job_id"]).values(
                    request_id=request_id, job_id=job_id, position=position, sends=0, updated_at=self.db.now_sql()
                )
            )

    def records(self, request_id: str) -> list[JobRecord]:
        query = sa.select(job_results_table).where(job_results_table.c.request_id == request_id).order_by(job_results_table.c.position)
        with self.db.reading() as conn:
            return [JobRecord(r.job_id, r.sends, json.loads(r.outcome) if r.outcome else None) for r in conn.execute(query)]

    def ensure(self, request_id: str, job_ids: Sequence[str]) -> list[JobRecord]:
        """The request's journal, written first if it has none: a request stored by a release that
        kept no journal (schema 2) would otherwise look finished with no job sent."""
        records = self.records(request_id)
        if records or not job_ids:
            return records
        with self.db.transaction() as conn:
            self.open_in(conn, request_id, job_ids)  # insert-or-ignore: two executors agree
        return self.records(request_id)

    def mark_sending(self, request_id: str, job_id: str, task_key: str, me: str) -> bool:
        """Record the intent to send; False if `me` no longer holds the execution (do not send)."""
        return self._update_open_job(request_id, job_id, task_key, me, sends=job_results_table.c.sends + 1)

    def record_outcome(self, request_id: str, job_id: str, outcome: JobOutcome, task_key: str, me: str) -> bool:
        """Store a job's outcome; only the current holder of the execution may. Idempotent: True
        also when this very outcome is stored already (a retried write whose commit landed)."""
        stored = json.dumps(outcome, default=str)
        if self._update_open_job(request_id, job_id, task_key, me, outcome=stored):
            return True
        query = sa.select(job_results_table.c.outcome).where(job_results_table.c.request_id == request_id, job_results_table.c.job_id == job_id)
        with self.db.reading() as conn:
            found = conn.execute(query).scalar()
        return found is not None and json.loads(found) == json.loads(stored)

    def _update_open_job(self, request_id: str, job_id: str, task_key: str, me: str, **values) -> bool:
        """Update a job without an outcome yet, only while `me` holds the execution; True if it did."""
        with self.db.transaction() as conn:
            return (
                conn.execute(
                    job_results_table.update()
                    .where(job_results_table.c.request_id == request_id, job_results_table.c.job_id == job_id)
                    .where(job_results_table.c.outcome.is_(None), owned(task_key, me))
                    .values(updated_at=self.db.now_sql(), **values)
                ).rowcount
                == 1
            )
