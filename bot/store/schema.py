"""The tables and the engine for SQLite or PostgreSQL (the steps that upgrade older databases: migrations.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

requests_table = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # direct | approval
    sa.Column("state", sa.String(16), nullable=False),  # pending | approved | denied | withdrawn | expired | done
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
    sa.Column("lease_until", sa.Float),  # unused since heartbeats (v1 databases have it)
    sa.Column("started_at", sa.Float),  # when the `started` audit entry was written
    sa.Column("retries", sa.Integer),  # how many times "Retry failed" re-sent its failed jobs (NULL: never)
    sa.Column("target", sa.String(32)),  # the CI target named with --target (NULL: found per job, or the one target)
    # JSON {job id: {target, bucket, region}}: where each job was found (or named) when the request was
    # made, with several targets; NULL: none known (one target, or a request of an earlier release)
    sa.Column("job_targets", sa.Text),
    sa.Column("escalated_at", sa.Float),  # when it was escalated to the next level (NULL: never)
    sa.Column("escalated_to", sa.Text),  # whom: the next level's mentions, as the card shows them
    sa.Index("ix_requests_state_expiry", "state", "expires_at"),
    sa.Index("ix_requests_requester_state", "requester", "state"),
)

# One row per live process (or CLI run): its heartbeat proves it still owns its work.
workers_table = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),  # host:pid, for operators
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("boot", sa.String(32), nullable=False),  # one per OS process: tells a restart from a sibling
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("heartbeat_at", sa.Float, nullable=False),
)

# Durable work: commands, clicks, executions and Slack deliveries, each stored before it is
# acknowledged or announced, owned by a live worker, taken over when its worker dies.
tasks_table = sa.Table(
    "tasks",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),  # order of arrival
    sa.Column("key", sa.String(128), nullable=False, unique=True),  # idempotency: one task per key
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("lane", sa.String(16), nullable=False),  # which pool runs it
    sa.Column("stream", sa.String(64)),  # tasks of one stream run one at a time, in seq order
    sa.Column("payload", sa.Text, nullable=False),  # JSON
    sa.Column("owner", sa.String(32)),  # worker id; NULL: free to claim
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("next_at", sa.Float, nullable=False),  # not before (retry backoff)
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("done_at", sa.Float),
    sa.Column("error", sa.Text),
    sa.Index("ix_tasks_open", "done_at", "next_at"),
    sa.Index("ix_tasks_stream", "stream", "done_at"),
)

# The per-job journal of an execution: intent (sends) before each request, outcome once known.
job_results_table = sa.Table(
    "job_results",
    metadata,
    sa.Column("request_id", sa.String(32), primary_key=True),
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("sends", sa.Integer, nullable=False, server_default="0"),
    sa.Column("outcome", sa.Text),  # JSON; NULL until known
    sa.Column("updated_at", sa.Float, nullable=False),
)

# Who has opened the bot's Home tab (so it is refreshed on every change), and the change last shown there.
home_views_table = sa.Table(
    "home_views",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("opened_at", sa.Float, nullable=False),
    sa.Column("shown_version", sa.Integer, nullable=False, server_default="0"),
)

# Named singletons (the audit poster): held by one live worker at a time.
leases_table = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("holder", sa.String(32)),
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
    sa.Column("claimed_until", sa.Float),  # set while a post attempt's fate is unknown
    sa.Column("prev_hash", sa.String(64)),  # the hash chain (chain.py); set in the entry's own transaction
    sa.Column("hash", sa.String(64)),
    sa.Index("ix_audit_unposted", "posted_at"),
)

# One row (id 1): the last chained entry. Appends lock it, so the chain grows in one order
# across processes, and --verify notices entries deleted from the end of the log.
chain_head_table = sa.Table(
    "audit_chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_id", sa.Integer, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)

rate_table = sa.Table(
    "ci_rate_slots",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("slot_at", sa.Float, nullable=False, index=True),
    # The account (APPID) whose limit the send counts against; NULL (a row of an earlier release)
    # counts against every account, so a rolling upgrade never exceeds a limit.
    sa.Column("account", sa.String(16)),
)

schema_table = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

# Every migration step that has run on this database (migrations.py): when, and what it changed.
migrations_table = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("applied_at", sa.Float, nullable=False),
    sa.Column("changes", sa.Text, nullable=False),
)


def create_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        # Many threads read at once (workers, deliveries, jobs): a pool that never makes them queue.
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20, max_overflow=200)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            # WAL is stored in the file: set it once. Setting it again on every connection can fail
            # with "database is locked" while another process writes (without waiting).
            _set_wal(cur)
            cur.execute("PRAGMA synchronous=FULL")  # a decision survives power loss
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:
            # A long read (verifying the whole log) asks for a plain BEGIN: a WAL snapshot
            # that does not hold the write lock and so does not stall decisions meanwhile.
            snapshot = conn.get_execution_options().get("read_snapshot")
            conn.exec_driver_sql("BEGIN" if snapshot else "BEGIN IMMEDIATE")

        return engine
    from bot.store import postgres

    return postgres.create_engine(url)  # with client-side time limits: see postgres.py


def _set_wal(cur, tries: int = 100) -> None:
    """Switch a new file to WAL. Two processes opening a new file at once can both try; SQLite
    answers "locked" at once (without its busy wait), so wait a little and look again."""
    import sqlite3
    import time

    for _ in range(tries):
        if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            return
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            time.sleep(0.05)
    cur.execute("PRAGMA journal_mode=WAL")
