"""The tables, the engine for SQLite or PostgreSQL, and schema migrations."""

from __future__ import annotations

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


def migrate(conn: Connection, is_postgres: bool) -> None:
    """Create or upgrade the schema inside `conn`'s transaction; safe from several processes at once."""
    if is_postgres:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(724301)"))
    metadata.create_all(conn)
    version = conn.execute(sa.select(schema_table.c.version)).scalar()
    if version is None:
        conn.execute(schema_table.insert().values(version=SCHEMA_VERSION))
    elif version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema v{version} is newer than this bot (v{SCHEMA_VERSION})")
