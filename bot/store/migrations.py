"""Forward-only schema migrations: numbered steps that look at what the database holds.

Version numbers written by earlier releases cannot be trusted (one "v1" already had the
durable-work tables; early "v3" databases lack `requests.retries` and `home_views`), so each
step adds only what it finds missing (a column, a table, an index) and does nothing on a
database that already has it. Every step that has run is recorded in `schema_migrations`
(version, name, when, what it changed); a database without that table has its steps
checked from the first one.

The whole upgrade is one transaction: it commits with every step recorded, or rolls back
leaving the database exactly as it was (SQLite's DDL included: the engine opens the
transaction with BEGIN IMMEDIATE itself). On PostgreSQL an advisory lock makes concurrent
starts take turns; on SQLite the write lock does.

To change the schema: change `metadata` in schema.py, add a Step here that adds what is
missing, and pin the new fingerprint it names (tests/store/test_upgrades.py says which).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.store import chain
from bot.store.limits import IDLE_IN_TRANSACTION_SECONDS
from bot.store.schema import (
    audit_table,
    chain_head_table,
    home_views_table,
    job_results_table,
    leases_table,
    metadata,
    migrations_table,
    rate_table,
    requests_table,
    schema_table,
    tasks_table,
    workers_table,
)

ADVISORY_LOCK = 724301  # the same key every release has used: old and new starts take turns
LOCK_WAIT = "5s"  # a table held by a process still running old code fails the start, instead of hanging it


class MigrationFailed(Exception):
    """The upgrade stopped and was rolled back; str() names the step and the database's reason."""


@dataclass(frozen=True)
class Step:
    version: int
    name: str
    apply: Callable[[Connection, float], list[str]]  # (conn, now) -> what it changed; [] when nothing was missing


# -- what a database holds (asked afresh each time: inspectors cache) ----------------------------


def _tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _columns(conn: Connection, table: sa.Table) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns(table.name)}


def _indexes(conn: Connection, table: sa.Table) -> set[str]:
    return {cast(str, i["name"]) for i in sa.inspect(conn).get_indexes(table.name)}


def _add_missing_columns(conn: Connection, table: sa.Table, names: tuple[str, ...]) -> list[str]:
    """ALTER TABLE … ADD COLUMN for each of `names` the table lacks, typed as `metadata` says (all nullable)."""
    present, added = _columns(conn, table), []
    for name in names:
        if name not in present:
            kind = table.c[name].type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))
            added.append(f"added {table.name}.{name}")
    return added


def _create_missing_tables(conn: Connection, *tables: sa.Table) -> list[str]:
    present, created = _tables(conn), []
    for table in tables:
        if table.name not in present:
            table.create(conn)
            created.append(f"created {table.name}")
    return created


# -- the steps ------------------------------------------------------------------------------------


def _v2_chain_audit_log(conn: Connection, now: float) -> list[str]:
    """The hash chain: its two columns, its head row, and the entries written before it chained once, in id order."""
    changes = _add_missing_columns(conn, audit_table, ("prev_hash", "hash"))
    if chain_head_table.name in _tables(conn):
        return changes
    chain_head_table.create(conn)
    prev_hash, last_id, chained = chain.GENESIS, 0, 0
    while batch := _unchained_after(conn, last_id):
        prev_hash, last_id = _chain_batch(conn, batch, prev_hash)
        chained += len(batch)
    conn.execute(chain_head_table.insert().values(id=1, last_id=last_id, last_hash=prev_hash))
    return [*changes, f"created audit_chain_head and chained {chained} earlier entries"]


CHAIN_BATCH = 5000  # entries read, hashed and written at a time: the server is never left idle for long


def _unchained_after(conn: Connection, last_id: int) -> Sequence[Any]:
    # Name the columns: audit_table may gain columns in later versions that this step must not read.
    a = audit_table.c
    query = sa.select(a.id, a.at, a.event, a.actor, a.request_id, a.detail).where(a.id > last_id).order_by(a.id).limit(CHAIN_BATCH)
    return conn.execute(query).all()


def _chain_batch(conn: Connection, rows: Sequence[Any], prev_hash: str) -> tuple[str, int]:
    """Chain `rows` (in id order) after `prev_hash`; returns the last one's hash and id."""
    a, updates = audit_table.c, []
    for row in rows:
        entry_hash = chain.entry_hash(prev_hash, chain.stored_fields(*row))
        updates.append({"row_id": row.id, "prev": prev_hash, "new_hash": entry_hash})
        prev_hash = entry_hash
    conn.execute(
        audit_table.update().where(a.id == sa.bindparam("row_id")).values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("new_hash")),
        updates,
    )
    return prev_hash, rows[-1].id


def _v3_durable_work(conn: Connection, now: float) -> list[str]:
    """Heartbeats, durable tasks, the per-job journal and leases; when each request's execution started."""
    had_tasks = tasks_table.name in _tables(conn)
    changes = _create_missing_tables(conn, workers_table, tasks_table, job_results_table, leases_table)
    if not had_tasks:
        changes += _queue_approved_executions(conn, now)
    changes += _add_missing_columns(conn, requests_table, ("started_at",))
    if "ix_requests_requester_state" not in _indexes(conn, requests_table):
        [by_requester] = [i for i in requests_table.indexes if i.name == "ix_requests_requester_state"]
        by_requester.create(conn)
        changes.append("created index ix_requests_requester_state")
    return changes


LEGACY_LEASE_SECONDS = 300  # how long the lease-based executor held an approved request


def _queue_approved_executions(conn: Connection, now: float) -> list[str]:
    """Requests approved under the lease-based executor (before durable work) and not finished,
    say because that release stopped mid-cancel: store their execution as a task, as today's
    approvals do (the domain's `execute_task` shape, frozen here), so they are carried out.

    In a rolling upgrade a process of that release may still be sending a request's jobs: its
    live `lease_until` says so. The task is due only once that lease ends; if the old process
    finishes first, the request is done and the task does nothing (a job is sent once)."""
    r = requests_table.c
    approved = conn.execute(sa.select(r.id, r.lease_until).where(r.state == "approved").order_by(r.id)).all()
    for request_id, lease_until in approved:
        task = dict(key=f"exec:{request_id}", kind="execute", lane="urgent", payload=json.dumps({"request_id": request_id}))
        due = max(now, min(lease_until or 0.0, now + LEGACY_LEASE_SECONDS))  # a skewed old clock delays it one lease at most
        conn.execute(tasks_table.insert().values(**task, created_at=now, next_at=due, attempts=0))
    return [f"queued the execution of {len(approved)} approved request(s)"] if approved else []


def _v4_retries_and_home(conn: Connection, now: float) -> list[str]:
    """ "Retry failed" rounds per request, and who has opened the Home tab (both once added without a version)."""
    return _add_missing_columns(conn, requests_table, ("retries",)) + _create_missing_tables(conn, home_views_table)


def _v5_targets(conn: Connection, now: float) -> list[str]:
    """Several buckets and regions: a request's target, and the rate limit kept per account (APPID)."""
    return _add_missing_columns(conn, requests_table, ("target",)) + _add_missing_columns(conn, rate_table, ("account",))


def _v6_job_targets(conn: Connection, now: float) -> list[str]:
    """Where each job of a request was found (target, bucket, region), kept with the request."""
    return _add_missing_columns(conn, requests_table, ("job_targets",))


def _v7_escalation(conn: Connection, now: float) -> list[str]:
    """Escalation: when a request was escalated to the next level, and to whom."""
    return _add_missing_columns(conn, requests_table, ("escalated_at", "escalated_to"))


STEPS: tuple[Step, ...] = (
    Step(2, "audit hash chain", _v2_chain_audit_log),
    Step(3, "durable work", _v3_durable_work),
    Step(4, "retries and Home views", _v4_retries_and_home),
    Step(5, "several buckets and regions", _v5_targets),
    Step(6, "each job's target", _v6_job_targets),
    Step(7, "escalation", _v7_escalation),
)
SCHEMA_VERSION = STEPS[-1].version  # a fresh database is created at it; older ones are stepped up to it
#: The fingerprint of `metadata` that the latest step brings a database to (tests hold the two together).
SCHEMA_FINGERPRINT = "72d4cc57bef002aa29813cb96206720433c28b81c4d8b0c19e98a19336395805"


def fingerprint(meta: sa.MetaData = metadata) -> str:
    """A digest of the DDL that creates `meta` (CREATE TABLE and CREATE INDEX) as SQLite and as
    PostgreSQL compile it: whatever a fresh database would get differently (a column, a type, a
    default, a CHECK, a FOREIGN KEY, autoincrement, an index) changes it."""
    statements = [str(ddl.compile(dialect=dialect)).strip() for dialect in DIALECTS for ddl in _ddl(meta)]
    return hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()


DIALECTS = (sqlite.dialect(), postgresql.dialect())


def _ddl(meta: sa.MetaData) -> list[sa.schema.ExecutableDDLElement]:
    """What `metadata.create_all` runs, in a stable order."""
    elements: list[sa.schema.ExecutableDDLElement] = []
    for table in meta.sorted_tables:
        elements.append(sa.schema.CreateTable(table))
        elements += [sa.schema.CreateIndex(i) for i in sorted(table.indexes, key=lambda i: i.name or "")]
    return elements


# -- running them ---------------------------------------------------------------------------------


def migrate(conn: Connection, is_postgres: bool, now: float, on_wait: Callable[[], None] = lambda: None) -> list[str]:
    """Create or upgrade the schema inside `conn`'s transaction; returns what an upgrade changed
    ([] when up to date, and for a fresh database: nothing of the operator's was changed).
    `on_wait` is called when another process is upgrading first (PostgreSQL), before waiting for it.

    Raises MigrationFailed (the caller's transaction then rolls everything back)."""
    if is_postgres:
        _take_turn(conn, on_wait)
    version = current_version(conn)
    if version is None:
        return _create(conn, now)
    if version > SCHEMA_VERSION:
        raise MigrationFailed(f"the database is at schema v{version}, newer than this release (v{SCHEMA_VERSION}): run the newer release")
    return _upgrade(conn, now)


def _take_turn(conn: Connection, on_wait: Callable[[], None]) -> None:
    """Hold the upgrade's advisory lock for this transaction, waiting while another process upgrades.

    The caller's long time limit lifts the server's timeouts, but a migrator is never idle in
    its transaction for long: keeping the idle timeout short means a migrator cut off mid-upgrade
    (its host died, a partition) has its session ended by the server within seconds, not
    minutes, and the next start takes its turn."""
    conn.execute(sa.text(f"SET LOCAL idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_SECONDS * 1000}"))
    if not conn.execute(sa.text(f"SELECT pg_try_advisory_xact_lock({ADVISORY_LOCK})")).scalar():
        on_wait()
        try:
            conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})"))
        except Exception as exc:
            raise MigrationFailed(f"another process is upgrading the database and had not finished ({_reason(exc)})") from exc
    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))


def current_version(conn: Connection) -> int | None:
    """The version number the database holds; None when it holds no bot schema yet. Creates nothing."""
    if not sa.inspect(conn).has_table(schema_table.name):
        return None
    return conn.execute(sa.select(schema_table.c.version)).scalar()


def pending_steps(conn: Connection) -> list[Step]:
    """The steps to run: those not recorded as run; all of them while the version number is
    behind (a database from before the record was kept, or one restored from a backup over a
    newer record). Running a step again is harmless: it adds only what is missing."""
    if migrations_table.name not in _tables(conn) or (current_version(conn) or 0) < SCHEMA_VERSION:
        return list(STEPS)
    done = set(conn.execute(sa.select(migrations_table.c.version)).scalars())
    return [s for s in STEPS if s.version not in done]


def _create(conn: Connection, now: float) -> list[str]:
    """A fresh database: today's tables straight from `metadata`, every step recorded as included."""
    try:
        metadata.create_all(conn)
        conn.execute(chain_head_table.insert().values(id=1, last_id=0, last_hash=chain.GENESIS))
        conn.execute(schema_table.insert().values(version=SCHEMA_VERSION))
        for step in STEPS:
            _record(conn, step, ["created fresh"], now)
    except Exception as exc:
        raise MigrationFailed(f"creating the tables failed: {_reason(exc)}") from exc
    return []


def _upgrade(conn: Connection, now: float) -> list[str]:
    steps = pending_steps(conn)
    if not steps:
        return []
    doing, changes = "recording the upgrade", []
    try:
        _create_missing_tables(conn, migrations_table)
        for step in steps:
            doing = f"step {step.version} ({step.name})"
            done = step.apply(conn, now)
            _record(conn, step, done, now)
            changes += done
        doing = f"recording schema v{SCHEMA_VERSION}"
        conn.execute(schema_table.update().values(version=SCHEMA_VERSION))
    except Exception as exc:
        raise MigrationFailed(f"{doing} failed: {_reason(exc)}") from exc
    return changes


def _record(conn: Connection, step: Step, changes: list[str], now: float) -> None:
    """Record a step's latest run (a step run again after a restore replaces its old record)."""
    conn.execute(migrations_table.delete().where(migrations_table.c.version == step.version))
    conn.execute(
        migrations_table.insert().values(version=step.version, name=step.name, applied_at=now, changes="; ".join(changes) or "nothing was missing")
    )


def _reason(exc: BaseException) -> str:
    """The database's own words, first line only (no SQL echo, never parameters)."""
    reason = getattr(exc, "orig", None) or exc
    lines = str(reason).strip().splitlines()
    return lines[0] if lines else type(reason).__name__
