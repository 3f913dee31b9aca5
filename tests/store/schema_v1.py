"""The schema as version 1 shipped it (frozen here: bot.store.schema moves on), to build old databases."""

from __future__ import annotations

import json

import sqlalchemy as sa

V1 = sa.MetaData()

sa.Table(
    "requests",
    V1,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("requester", sa.String(64), nullable=False),
    sa.Column("origin_channel", sa.String(32), nullable=False, server_default=""),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("job_ids", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.Float),
    sa.Column("decision_note", sa.Text),
    sa.Column("message_channel", sa.String(32)),
    sa.Column("message_ts", sa.String(32)),
    sa.Column("outcome", sa.Text),
    sa.Column("lease_until", sa.Float),
    sa.Index("ix_requests_state_expiry", "state", "expires_at"),
)
audit_v1 = sa.Table(
    "audit_log",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("request_id", sa.String(32)),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("posted_at", sa.Float),
    sa.Column("post_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claimed_until", sa.Float),
    sa.Index("ix_audit_unposted", "posted_at"),
)
sa.Table(
    "ci_rate_slots",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("slot_at", sa.Float, nullable=False, index=True),
)
version_v1 = sa.Table("schema_version", V1, sa.Column("version", sa.Integer, nullable=False))


def create_v1_database(url: str, entries: list[dict]) -> None:
    """A version-1 database holding `entries` (each with an explicit id), inserted in the order given."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        V1.create_all(conn)
        conn.execute(version_v1.insert().values(version=1))
        for entry in entries:
            conn.execute(audit_v1.insert().values(**{**entry, "detail": json.dumps(entry["detail"])}))
        if engine.dialect.name == "postgresql":  # explicit ids leave the serial behind; v1 never did that
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT max(id) FROM audit_log))"))
    engine.dispose()
