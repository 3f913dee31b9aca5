"""The audit log, which doubles as the outbox of posts to the audit channel, and its hash chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.domain.states import AuditEvent
from bot.store import chain
from bot.store.database import Database
from bot.store.schema import audit_table, chain_head_table
from bot.store.task_writer import TaskWriter
from bot.store.work import NewTask

EVENTS = tuple(AuditEvent)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    event: str
    actor: str
    request_id: str | None
    detail: dict
    posted_at: float | None = None
    hash: str | None = None
    prev_hash: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to export; every given condition must hold. `until` is exclusive, so
    consecutive [since, until) windows never share an entry."""

    since: float | None = None
    until: float | None = None
    request_id: str | None = None  # the full ID, or a prefix (the channel shows the first 8 characters)
    job_id: str | None = None  # mentioned in detail: job_ids, results[*].job_id or failed_jobs
    actor: str | None = None
    event: str | None = None
    target: str | None = None  # the request acts in it (detail.target, or one of detail.targets), or a job's result came from it


def mentions_target(detail: dict, name: str) -> bool:
    results = detail.get("results") or []
    label = f"{name} ("  # results name the target as "name (bucket @ region)"
    return (
        detail.get("target") == name
        or name in (detail.get("targets") or [])  # a request whose jobs were found in several
        or any(isinstance(r, dict) and str(r.get("target", "")).startswith(label) for r in results)
    )


def _row_to_audit(row) -> AuditEntry:
    m = row._mapping
    return AuditEntry(m["id"], m["at"], m["event"], m["actor"], m["request_id"], json.loads(m["detail"]), m["posted_at"], m["hash"], m["prev_hash"])


def mentions_job(detail: dict, job_id: str) -> bool:
    results = detail.get("results") or []
    return (
        job_id in (detail.get("job_ids") or [])
        or job_id in (detail.get("failed_jobs") or [])
        or any(isinstance(r, dict) and r.get("job_id") == job_id for r in results)
    )


def _where(f: AuditFilter) -> list:
    c = audit_table.c
    conditions = [
        f.since is not None and c.at >= f.since,
        f.until is not None and c.at < f.until,
        f.request_id is not None and c.request_id.startswith(f.request_id, autoescape=True),
        f.actor is not None and c.actor == f.actor,
        f.event is not None and c.event == f.event,
        # A cheap text match in the database; mentions_job then checks where the ID appears.
        f.job_id is not None and c.detail.contains(f.job_id, autoescape=True),
        f.target is not None and c.detail.contains(f.target, autoescape=True),
    ]
    return [condition for condition in conditions if condition is not False]


class AuditLog:
    """The append-only audit log with its hash chain, and its outbox of posts to the audit channel."""

    def __init__(self, db: Database, work: TaskWriter) -> None:
        self.db = db
        self.work = work

    def append(self, event: str, actor: str, request_id: str | None = None, detail: dict | None = None) -> int:
        with self.db.transaction() as conn:
            return self.append_in(conn, event, actor, request_id, detail or {}, self.db.db_now(conn))

    def append_once(self, marker: NewTask, event: str, actor: str, request_id: str | None, detail: dict) -> bool:
        """Write an audit entry once per `marker` task key (a re-run task writes nothing twice);
        the marker (e.g. the message telling the caller) is stored in the same transaction."""
        with self.db.transaction() as conn:
            if not self.work.enqueue_in(conn, [marker]):
                return False
            self.append_in(conn, event, actor, request_id, detail, self.db.db_now(conn))
        return True

    def append_in(self, conn: Connection, event: str, actor: str, request_id: str | None, detail: dict, now: float) -> int:
        """Append an entry and extend the hash chain in the caller's transaction.

        Locking the chain head serialises appends across processes (SQLite's BEGIN IMMEDIATE
        already has), so ids and links follow one order and a rollback leaves no trace.
        """
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        prev_hash = conn.execute(sa.select(chain_head_table.c.last_hash).where(chain_head_table.c.id == 1).with_for_update()).scalar_one()
        detail_text = json.dumps(detail, default=str)
        insert = audit_table.insert().values(at=now, event=event, actor=actor, request_id=request_id, detail=detail_text, prev_hash=prev_hash)
        entry_id = int(conn.execute(insert.returning(audit_table.c.id)).scalar_one())
        # Hash what was stored (detail as read back), so a reader recomputes the same bytes.
        entry_hash = chain.entry_hash(prev_hash, chain.stored_fields(entry_id, now, event, actor, request_id, detail_text))
        conn.execute(audit_table.update().where(audit_table.c.id == entry_id).values(hash=entry_hash))
        conn.execute(chain_head_table.update().where(chain_head_table.c.id == 1).values(last_id=entry_id, last_hash=entry_hash))
        return entry_id

    def entries(self, since: float | None = None, where: AuditFilter | None = None) -> list[AuditEntry]:
        where = where or AuditFilter(since=since)
        query = sa.select(audit_table).where(*_where(where)).order_by(audit_table.c.id)
        with self.db.reading() as conn:
            entries = [_row_to_audit(r) for r in conn.execute(query)]
        if where.job_id is not None:
            entries = [e for e in entries if mentions_job(e.detail, where.job_id)]
        if where.target is not None:
            entries = [e for e in entries if mentions_target(e.detail, where.target)]
        return entries

    def verify(self) -> chain.Verdict:
        """Recompute the whole chain from the database, in id order, against the chain head."""
        with self.db.reading() as conn:
            conn.execution_options(yield_per=2000)
            self.db.dialect.snapshot(conn)  # one snapshot for the head and the entries
            head = conn.execute(sa.select(chain_head_table.c.last_id, chain_head_table.c.last_hash)).one()
            return chain.verify(_stored_links(conn), head=tuple(head))

    def unposted(self, limit: int = 20) -> list[AuditEntry]:
        """The oldest entries not yet posted, in order (read by the one poster holding the lease)."""
        query = sa.select(audit_table).where(audit_table.c.posted_at.is_(None)).order_by(audit_table.c.id).limit(limit)
        with self.db.reading() as conn:
            return [_row_to_audit(r) for r in conn.execute(query)]

    def mark_posted(self, entry_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(audit_table.update().where(audit_table.c.id == entry_id).values(posted_at=self.db.now_sql()))

    def unposted_count(self) -> int:
        with self.db.reading() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(audit_table).where(audit_table.c.posted_at.is_(None))).scalar_one()


def _stored_links(conn: Connection) -> Iterator[chain.Link]:
    a = audit_table.c
    rows = conn.execute(sa.select(a.id, a.at, a.event, a.actor, a.request_id, a.detail, a.prev_hash, a.hash).order_by(a.id))
    for row in rows:
        try:
            entry = chain.stored_fields(*row[:6])
        except ValueError:  # detail is no longer JSON: hash the raw text, which cannot match
            entry = chain.fields(row.id, chain.iso_at(row.at), row.event, row.actor, row.request_id, row.detail)
        yield chain.Link(entry, row.prev_hash, row.hash)
