"""Durable state: requests, the audit log (which doubles as the audit outbox), and the
shared CI rate-limit slots. SQLite by default, PostgreSQL via DATABASE_URL.

Every decision is a conditional UPDATE in the database, so exactly one click wins however
many processes share the database. Audit entries are written in the same transaction as
the state change they record: nothing is announced that is not stored.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

SCHEMA_VERSION = 1

metadata = sa.MetaData()

requests_table = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # direct | approval
    sa.Column("state", sa.String(16), nullable=False),  # pending | approved | denied | expired | done
    sa.Column("requester", sa.String(64), nullable=False),
    sa.Column("origin_channel", sa.String(32), nullable=False, server_default=""),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("job_ids", sa.Text, nullable=False),  # JSON list
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.Float),
    sa.Column("decision_note", sa.Text),
    sa.Column("message_channel", sa.String(32)),
    sa.Column("message_ts", sa.String(32)),
    sa.Column("outcome", sa.Text),  # JSON list of per-job results
    sa.Column("lease_until", sa.Float),  # who is executing an approved request
    sa.Index("ix_requests_state_expiry", "state", "expires_at"),
)

audit_table = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("request_id", sa.String(32)),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Column("posted_at", sa.Float),
    sa.Column("post_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claimed_until", sa.Float),
    sa.Index("ix_audit_unposted", "posted_at"),
)

rate_table = sa.Table(
    "ci_rate_slots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("slot_at", sa.Float, nullable=False, index=True),
)

schema_table = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

EVENTS = ("requested", "approved", "denied", "expired", "cancelled", "failed", "refused")


@dataclass(frozen=True)
class Request:
    id: str
    kind: str
    state: str
    requester: str
    origin_channel: str
    reason: str
    job_ids: tuple[str, ...]
    created_at: float
    expires_at: float
    decided_by: str | None = None
    decided_at: float | None = None
    decision_note: str | None = None
    message_channel: str | None = None
    message_ts: str | None = None
    outcome: list | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    event: str
    actor: str
    request_id: str | None
    detail: dict
    posted_at: float | None = None


def _row_to_request(row) -> Request:
    m = row._mapping
    return Request(
        id=m["id"], kind=m["kind"], state=m["state"], requester=m["requester"],
        origin_channel=m["origin_channel"], reason=m["reason"], job_ids=tuple(json.loads(m["job_ids"])),
        created_at=m["created_at"], expires_at=m["expires_at"], decided_by=m["decided_by"],
        decided_at=m["decided_at"], decision_note=m["decision_note"], message_channel=m["message_channel"],
        message_ts=m["message_ts"], outcome=json.loads(m["outcome"]) if m["outcome"] else None,
    )


def _row_to_audit(row) -> AuditEntry:
    m = row._mapping
    return AuditEntry(m["id"], m["at"], m["event"], m["actor"], m["request_id"], json.loads(m["detail"]),
                      m["posted_at"])


def create_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")  # a decision survives power loss
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Store:
    def __init__(self, url: str, clock=time.time) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.clock = clock
        self.is_postgres = self.engine.dialect.name == "postgresql"

    def migrate(self) -> None:
        """Create or upgrade the schema; safe to run from several processes at once."""
        with self._tx() as conn:
            if self.is_postgres:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(724301)"))
            metadata.create_all(conn)
            version = conn.execute(sa.select(schema_table.c.version)).scalar()
            if version is None:
                conn.execute(schema_table.insert().values(version=SCHEMA_VERSION))
            elif version > SCHEMA_VERSION:
                raise RuntimeError(f"database schema v{version} is newer than this bot (v{SCHEMA_VERSION})")

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- requests -----------------------------------------------------------------

    def create_request(
        self,
        *,
        kind: str,
        state: str,
        requester: str,
        origin_channel: str,
        reason: str,
        job_ids: Sequence[str],
        ttl: float,
        decided_by: str | None = None,
        audit: tuple[str, dict] | None = None,
    ) -> Request:
        now = self.clock()
        values = dict(
            id=uuid.uuid4().hex, kind=kind, state=state, requester=requester, origin_channel=origin_channel,
            reason=reason, job_ids=json.dumps(list(job_ids)), created_at=now, expires_at=now + ttl,
            decided_by=decided_by, decided_at=now if decided_by else None,
            lease_until=now + 300 if state == "approved" else None,
        )
        with self._tx() as conn:
            conn.execute(requests_table.insert().values(**values))
            if audit:
                self._audit(conn, audit[0], decided_by or requester, values["id"], audit[1], now)
        return self.get_request(values["id"])

    def get_request(self, request_id: str) -> Request | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).first()
        return _row_to_request(row) if row else None

    def decide(self, request_id: str, state: str, by: str, note: str | None = None, detail: dict | None = None) -> bool:
        """Move a pending, unexpired request to `state` (approved/denied). True for the one winner."""
        now = self.clock()
        values = dict(state=state, decided_by=by, decided_at=now, decision_note=note)
        if state == "approved":
            values["lease_until"] = now + 300
        with self._tx() as conn:
            won = conn.execute(
                requests_table.update()
                .where(requests_table.c.id == request_id)
                .where(requests_table.c.state == "pending")
                .where(requests_table.c.expires_at > now)
                .values(**values)
            ).rowcount == 1
            if won:
                self._audit(conn, state, by, request_id, {"note": note or "", **(detail or {})}, now)
        return won

    def expire_due(self) -> list[Request]:
        """Mark every pending request past its expiry as expired; return those this call expired."""
        now = self.clock()
        won = self._transition_each(
            requests_table,
            sa.and_(requests_table.c.state == "pending", requests_table.c.expires_at <= now),
            dict(state="expired", decided_by="system", decided_at=now),
            on_win=lambda conn, request_id: self._audit(conn, "expired", "system", request_id, {}, now),
        )
        return [self.get_request(request_id) for request_id in won]

    def finish(self, request_id: str, outcome: list[dict], event: str, actor: str, detail: dict) -> bool:
        """Record the CI outcome of an approved request once; audit it in the same transaction."""
        now = self.clock()
        with self._tx() as conn:
            won = conn.execute(
                requests_table.update()
                .where(requests_table.c.id == request_id)
                .where(requests_table.c.state == "approved")
                .values(state="done", outcome=json.dumps(outcome), lease_until=None)
            ).rowcount == 1
            if won:
                self._audit(conn, event, actor, request_id, detail, now)
        return won

    def set_message(self, request_id: str, channel: str, ts: str) -> None:
        with self._tx() as conn:
            conn.execute(
                requests_table.update().where(requests_table.c.id == request_id)
                .values(message_channel=channel, message_ts=ts)
            )

    def claim_unfinished(self, lease: float = 300) -> list[Request]:
        """Approved requests whose executor vanished (crash): lease them to this process."""
        now = self.clock()
        lapsed = sa.or_(requests_table.c.lease_until.is_(None), requests_table.c.lease_until < now)
        won = self._transition_each(requests_table, sa.and_(requests_table.c.state == "approved", lapsed),
                                    dict(lease_until=now + lease))
        return [self.get_request(request_id) for request_id in won]

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

    # -- audit log / outbox ---------------------------------------------------------

    def audit(self, event: str, actor: str, request_id: str | None = None, detail: dict | None = None) -> int:
        with self._tx() as conn:
            return self._audit(conn, event, actor, request_id, detail or {}, self.clock())

    def _audit(self, conn: Connection, event: str, actor: str, request_id: str | None, detail: dict, now: float) -> int:
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        result = conn.execute(
            audit_table.insert().values(
                at=now, event=event, actor=actor, request_id=request_id, detail=json.dumps(detail, default=str),
            )
        )
        return int(result.inserted_primary_key[0])

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        query = sa.select(audit_table).order_by(audit_table.c.id)
        if since is not None:
            query = query.where(audit_table.c.at >= since)
        with self.engine.connect() as conn:
            return [_row_to_audit(r) for r in conn.execute(query)]

    def claim_audit(self, limit: int = 10, lease: float = 20) -> list[AuditEntry]:
        """Claim unposted entries in order. A claim expires, so a crashed poster's work returns."""
        now = self.clock()
        due = sa.and_(
            audit_table.c.posted_at.is_(None),
            sa.or_(audit_table.c.claimed_until.is_(None), audit_table.c.claimed_until < now),
        )
        won = self._transition_each(audit_table, due, dict(claimed_until=now + lease), limit=limit)
        if not won:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_table).where(audit_table.c.id.in_(won)).order_by(audit_table.c.id))
            return [_row_to_audit(r) for r in rows]

    def mark_posted(self, entry_id: int) -> None:
        with self._tx() as conn:
            conn.execute(
                audit_table.update().where(audit_table.c.id == entry_id)
                .values(posted_at=self.clock(), claimed_until=None)
            )

    def release_audit(self, entry_ids: Sequence[int]) -> None:
        """Give claimed entries back unposted (Slack failed); they keep their place in the queue."""
        with self._tx() as conn:
            conn.execute(
                audit_table.update().where(audit_table.c.id.in_(list(entry_ids))).values(
                    claimed_until=None, post_attempts=audit_table.c.post_attempts + 1)
            )

    def unposted_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(audit_table).where(audit_table.c.posted_at.is_(None))
            ).scalar_one()

    # -- shared rate limit ----------------------------------------------------------

    def reserve_ci_slot(self, limit: int, span: float) -> float:
        """Reserve the next CI send slot across all processes; return seconds to wait.

        On PostgreSQL an advisory lock serialises reservations and the database's clock is
        used, so processes on different hosts agree on time. On SQLite the write transaction
        (BEGIN IMMEDIATE) serialises them; processes share the host's clock.
        """
        with self._tx() as conn:
            if self.is_postgres:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(724302)"))
                now = float(conn.execute(sa.text("SELECT extract(epoch from clock_timestamp())")).scalar_one())
            else:
                now = time.time()
            recent = conn.execute(
                sa.select(rate_table.c.slot_at).order_by(rate_table.c.slot_at.desc()).limit(1).offset(limit - 1)
            ).scalar()
            slot = now if recent is None else max(now, float(recent) + span)
            conn.execute(rate_table.insert().values(slot_at=slot))
            conn.execute(rate_table.delete().where(rate_table.c.slot_at < now - 10 * span))
        return slot - now


class SharedLimiter:
    """CI rate limit shared by every process using the same database."""

    def __init__(self, store: Store, limit: int, window: float = 1.0, margin: float = 0.15, sleep=time.sleep) -> None:
        self.store = store
        self.limit = limit
        self.span = window + margin
        self._sleep = sleep

    def acquire(self) -> None:
        delay = self.store.reserve_ci_slot(self.limit, self.span)
        if delay > 0:
            self._sleep(delay)
