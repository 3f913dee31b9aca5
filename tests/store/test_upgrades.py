"""Upgrades keep every row: each earlier release's database (as its own code left it) is stepped
up to exactly today's schema in one recorded transaction; a failing upgrade changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from bot.store import SCHEMA_VERSION, MigrationFailed, Store, metadata
from bot.store.migrations import SCHEMA_FINGERPRINT, STEPS, fingerprint
from tests.store.upgrades import RELEASES, dialect_of, empty_database, engine_for, load_legacy_v1, load_release, schema_of

ROOT = Path(__file__).resolve().parents[2]
V5 = ["added requests.target", "added ci_rate_slots.account"]
V6 = ["added requests.job_targets"]  # each job's target
V7 = ["added requests.escalated_at", "added requests.escalated_to"]  # escalation
OLD_TABLES = ("requests", "audit_log", "job_results", "tasks")


def fresh_schema(url: str) -> dict:
    """Today's schema as a fresh start creates it, on the same database."""
    empty_database(url)
    Store(url).migrate()
    schema = schema_of(url)
    empty_database(url)
    return schema


def rows(url: str, tables=OLD_TABLES) -> dict:
    """Every row of the tables an old release wrote, in key order (only the columns it had)."""
    engine = engine_for(url)
    found = {}
    with engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in (t for t in tables if t in present):
            keys = sa.inspect(conn).get_pk_constraint(table)["constrained_columns"]
            found[table] = [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY {', '.join(keys)}"))]
    engine.dispose()
    return found


def without_new_columns(before: dict, after: dict) -> dict:
    """`after`'s rows cut to as many columns as `before` had (upgrades only append columns)."""
    return {t: [r[: len(before[t][0])] if before[t] else r for r in after[t]] for t in before}


@pytest.mark.parametrize("release", [*RELEASES, "legacy-v1"])
def test_each_release_is_upgraded_to_exactly_the_fresh_schema(database_url, release):
    fresh = fresh_schema(database_url)
    load_legacy_v1(database_url) if release == "legacy-v1" else load_release(database_url, release)
    store = Store(database_url)
    changes = store.migrate()
    store.close()
    assert schema_of(database_url) == fresh
    assert changes[-5:] == [*V5, *V6, *V7], changes  # every release so far predates v5


def test_the_schema_fingerprint_is_pinned_beside_the_latest_step():
    assert fingerprint(metadata) == SCHEMA_FINGERPRINT, (
        f"metadata changed: add a migration step after v{STEPS[-1].version} in bot/store/migrations.py that adds "
        f"what is missing, then set SCHEMA_FINGERPRINT = {fingerprint(metadata)!r}"
    )
    assert STEPS[-1].version == SCHEMA_VERSION


def _copy_of_metadata() -> sa.MetaData:
    copied = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(copied)
    return copied


def _created(meta: sa.MetaData) -> dict[str, list[str]]:
    """Each table's CREATE TABLE and CREATE INDEX statements, as PostgreSQL gets them."""
    dialect = postgresql.dialect()

    def statements(table: sa.Table) -> list[str]:
        indexes = sorted(str(sa.schema.CreateIndex(i).compile(dialect=dialect)) for i in table.indexes)
        return [str(sa.schema.CreateTable(table).compile(dialect=dialect)), *indexes]

    return {t.name: statements(t) for t in meta.sorted_tables}


# Schema changes a contributor could make to schema.py; each must need a new step.
SCHEMA_CHANGES = {
    "column": lambda m: m.tables["requests"].append_column(sa.Column("archived_at", sa.Float)),
    "index": lambda m: sa.Index("ix_requests_kind", m.tables["requests"].c.kind),
    "check-constraint": lambda m: m.tables["requests"].append_constraint(
        sa.CheckConstraint("state IN ('pending','approved','denied','expired','done')", name="ck_state")
    ),
    "foreign-key": lambda m: m.tables["job_results"].append_constraint(
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name="fk_job_request")
    ),
    "autoincrement": lambda m: setattr(m.tables["audit_log"].c.id, "autoincrement", False),
}


def test_a_copy_of_the_schema_has_the_pinned_fingerprint():
    assert fingerprint(_copy_of_metadata()) == SCHEMA_FINGERPRINT


@pytest.mark.parametrize("change", SCHEMA_CHANGES.values(), ids=SCHEMA_CHANGES.keys())
def test_the_fingerprint_notices_every_change_to_what_a_fresh_database_gets(change):
    """Any change to the DDL a fresh database is created with (columns, indexes, CHECK, FOREIGN
    KEY, autoincrement) changes the fingerprint, so the pin above fails until a step is added."""
    changed = _copy_of_metadata()
    change(changed)
    assert _created(changed) != _created(metadata), "not a schema change after all"
    assert fingerprint(changed) != SCHEMA_FINGERPRINT


@pytest.mark.parametrize("release", RELEASES)
def test_every_old_row_is_kept_and_each_step_recorded_once(database_url, release):
    load_release(database_url, release)
    before = rows(database_url)
    store = Store(database_url)
    started = time.time()
    store.migrate()
    finished = time.time()
    assert store.migrate() == [], "a second start changes nothing"
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
    after = rows(database_url, tuple(before))
    assert without_new_columns(before, after) == before
    engine = engine_for(database_url)
    with engine.connect() as conn:
        history = conn.execute(sa.text("SELECT version, name, applied_at, changes FROM schema_migrations ORDER BY version")).all()
        versions = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
    engine.dispose()
    assert [(h.version, h.name) for h in history] == [(s.version, s.name) for s in STEPS]
    assert all(started <= h.applied_at <= finished for h in history)
    expected = "nothing was missing" if release == "latest3" else "added requests.retries; created home_views"
    assert history[-4].changes == expected
    assert history[-3].changes == "; ".join(V5)
    assert history[-2].changes == "; ".join(V6)
    assert history[-1].changes == "; ".join(V7)
    assert versions == [SCHEMA_VERSION]


def test_steps_look_at_structure_not_the_number(database_url):
    """The mislabelled "v1" already has started_at (adding it again used to stop the start);
    the "v3" lacks what v3 later gained."""
    load_release(database_url, "schema1")
    store = Store(database_url)
    changes = store.migrate()
    store.close()
    assert "added requests.started_at" not in changes and "added audit_log.hash" in changes
    load_release(database_url, "early3")
    store = Store(database_url)
    assert store.migrate() == ["added requests.retries", "created home_views", *V5, *V6, *V7]
    store.close()


def test_a_database_restored_over_a_newer_record_is_repaired(database_url):
    """A partial restore (pg_restore --clean puts back only the tables its backup had) leaves
    the upgrade's record behind with an older schema: the steps look again, by structure."""
    load_release(database_url, "early3")
    store = Store(database_url)
    store.migrate()
    engine = engine_for(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE home_views"))
        conn.execute(sa.text("ALTER TABLE requests DROP COLUMN retries"))
        conn.execute(sa.text("UPDATE schema_version SET version = 3"))
    engine.dispose()
    assert store.migrate() == ["added requests.retries", "created home_views"]
    assert store.schema_version() == SCHEMA_VERSION
    store.close()


def refuse_version_writes(url: str) -> None:
    """The database itself refuses the upgrade's last write (as a read-only role or a full disk would)."""
    engine = engine_for(url)
    with engine.begin() as conn:
        if dialect_of(url) == "sqlite":
            conn.execute(sa.text("CREATE TRIGGER refuse BEFORE UPDATE ON schema_version BEGIN SELECT RAISE(ABORT, 'version is frozen'); END"))
        else:
            conn.execute(
                sa.text(
                    "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'version is frozen'; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(sa.text("CREATE TRIGGER refuse BEFORE UPDATE ON schema_version FOR EACH ROW EXECUTE FUNCTION refuse()"))
    engine.dispose()


def allow_version_writes(url: str) -> None:
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TRIGGER refuse" + ("" if dialect_of(url) == "sqlite" else " ON schema_version")))
        if dialect_of(url) != "sqlite":
            conn.execute(sa.text("DROP FUNCTION refuse()"))
    engine.dispose()


def test_a_failed_upgrade_changes_nothing_and_stops_the_start_with_one_message(ci, slack, database_url, tmp_path):
    from tests.harness import bot_env
    from tests.test_process import start_expecting_failure

    load_release(database_url, "schema1")  # the most to do: chain, retries, Home views, history
    refuse_version_writes(database_url)
    schema_before, rows_before = schema_of(database_url), rows(database_url)
    text = start_expecting_failure("http", bot_env(ci, slack, database_url), tmp_path)
    assert text.count("\n  - ") == 1, text
    assert "DATABASE_URL: the database could not be upgraded to this release" in text, text
    assert f"recording schema v{SCHEMA_VERSION} failed" in text and "version is frozen" in text, text
    assert "nothing was changed" in text, text
    assert "folder" not in text and "server is running" not in text and "127.0.0.1" not in text, text
    assert schema_of(database_url) == schema_before
    assert rows(database_url) == rows_before
    audit = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--verify"], env=_env(database_url), cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert audit.returncode == 2 and "could not be upgraded" in audit.stderr and "version is frozen" in audit.stderr, audit.stderr
    assert "Traceback" not in audit.stderr and schema_of(database_url) == schema_before
    allow_version_writes(database_url)
    store = Store(database_url)
    assert "added audit_log.hash" in store.migrate()
    assert store.audit.verify().ok
    store.close()


def _env(url: str) -> dict:
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "LOG_FORMAT": "json"}


POSTGRES = [os.environ["TEST_DATABASE_URL"]] if os.environ.get("TEST_DATABASE_URL") else []


@pytest.mark.parametrize("url", POSTGRES, ids=["postgres"] * len(POSTGRES))  # one id on every xdist worker (each has its own database)
def test_a_table_held_by_an_old_process_fails_the_upgrade_instead_of_hanging_it(url):
    """A process still running the old release reads `requests` in a long transaction: the
    upgrade's ALTER TABLE cannot have its lock, gives up, and leaves everything as it was."""
    load_release(url, "schema2")
    before = schema_of(url)
    engine = engine_for(url)
    with engine.connect() as old_process, old_process.begin():
        old_process.execute(sa.text("SELECT count(*) FROM requests")).scalar_one()
        store = Store(url)
        with pytest.raises(MigrationFailed, match=r"step 3 \(durable work\) failed: .*lock timeout"):
            store.migrate()
        store.close()
    engine.dispose()
    assert schema_of(url) == before


def test_two_processes_upgrading_one_old_database_at_once(database_url):
    load_release(database_url, "schema2")
    starter = (
        "import sys\nfrom bot.store import Store\nprint('ready', flush=True); sys.stdin.readline()\n"
        "store = Store(sys.argv[1]); print(len(store.migrate()), flush=True); store.close()\n"
    )
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", starter, database_url], cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    changed = sorted(int(proc.communicate(timeout=60)[0].strip()) for proc in procs)
    assert all(proc.returncode == 0 for proc in procs)
    assert changed[0] == 0 and changed[1] > 0, "one process upgrades, the other finds nothing left to do"
    engine = engine_for(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM schema_migrations")).scalar_one() == len(STEPS)
    engine.dispose()
    store = Store(database_url)
    assert store.audit.verify().ok
    store.close()
