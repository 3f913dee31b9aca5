"""The audit log's hash chain: the definition in docs/audit.md, the same bytes from SQLite and PostgreSQL,
one order across processes, bookkeeping outside the hash, and old databases chained at migration."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.store import SCHEMA_VERSION, Store
from bot.store.schema import audit_table, chain_head_table
from tests.store.schema_v1 import create_v1_database

ROOT = Path(__file__).resolve().parents[2]
ZEROS = "0" * 64


def readme_hash(prev_hash: str, row: dict) -> str:
    """The definition in docs/audit.md, written out here independently of bot.store.chain."""
    hashed = {k: row[k] for k in ("id", "at", "event", "actor", "request_id", "detail")}
    canonical = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def export(url: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "bot", "audit"], env=_env(url), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def _env(url: str) -> dict:
    return {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "LOG_FORMAT": "json"}


def assert_chained_in_id_order(rows: list[dict]) -> None:
    prev = ZEROS
    for row in rows:
        assert row["prev_hash"] == prev, f"entry #{row['id']} does not follow the entry before it"
        assert row["hash"] == readme_hash(prev, row), f"entry #{row['id']} does not hash as docs/audit.md says"
        prev = row["hash"]
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)


def test_hash_is_the_readme_definition_and_identical_on_every_database(database_url):
    times = iter([1764065454.123456, 1764065455.9999996, 1764065456.5])
    store = Store(database_url, clock=lambda: next(times))
    store.migrate()
    store.audit("requested", "U0MOD1", "a" * 32, {"reason": 'Zürich 🚫 "quoted"', "job_ids": ["av" + "1" * 32]})
    store.audit(
        "cancelled",
        "U0ONCALL1",
        "a" * 32,
        {"results": [{"job_id": "av" + "1" * 32, "ms": 0.1, "n": 2**53 + 1}], "z": None, "a": [True, 1e-7, 12345.678901234]},
    )
    store.audit("refused", "cli:ops", None, {})
    store.close()
    rows = export(database_url)
    assert_chained_in_id_order(rows)
    assert rows[0]["at"] == "2025-11-25T10:10:54.123456+00:00"
    assert rows[1]["at"] == "2025-11-25T10:10:56.000000+00:00"  # 0.9999996 s rounds to the microsecond
    assert rows[2]["request_id"] == ""
    # Fixed values: the same entries hash to the same bytes on SQLite and on PostgreSQL.
    assert [r["hash"][:16] for r in rows] == ["6337f2bdac77b3c8", "bd011a2325ccc991", "66e02ece18638872"]


def test_two_processes_appending_at_once_make_one_chain_in_id_order(database_url):
    writer = (
        "import sys\n"
        "from bot.store import Store\n"
        "store = Store(sys.argv[1]); store.migrate()\n"
        "print('ready', flush=True); sys.stdin.readline()\n"
        "for i in range(150):\n"
        "    store.audit('refused', sys.argv[2], None, {'i': i})\n"
        "store.close()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", writer, database_url, actor],
            cwd=ROOT,
            env=_env(database_url),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor in ("U0FIRST", "U0SECOND")
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:  # both are connected and migrated: release them together
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
    verify = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--verify"], env=_env(database_url), cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "300 entries checked" in verify.stdout
    rows = export(database_url)
    assert_chained_in_id_order(rows)
    for actor in ("U0FIRST", "U0SECOND"):
        assert [r["detail"]["i"] for r in rows if r["actor"] == actor] == list(range(150))


def test_delivery_bookkeeping_is_outside_the_hash(database_url):
    store = Store(database_url)
    store.migrate()
    for n in range(3):
        store.audit("refused", "U0OUTSIDER", None, {"n": n})
    first, second, _third = store.unposted_audit()
    store.register_worker("p" * 32, "h", 1, "b" * 32)
    assert store.hold_lease("audit-poster", "p" * 32)
    assert store.begin_post(first.id, "audit-poster", "p" * 32) is False
    store.mark_posted(first.id)
    assert store.begin_post(second.id, "audit-poster", "p" * 32) is False
    store.post_refused(second.id)
    assert store.verify_audit().ok
    assert store.verify_audit().checked == 3
    store.close()


def test_a_rolled_back_decision_leaves_the_chain_whole(database_url):
    store = Store(database_url)
    store.migrate()
    store.audit("refused", "U0OUTSIDER", None, {"n": 1})
    try:
        with store._tx() as conn:
            store._audit(conn, "refused", "U0OUTSIDER", None, {"n": 2}, store.db_now(conn))
            raise RuntimeError("the decision's transaction fails after its entry was chained")
    except RuntimeError:
        pass
    store.audit("refused", "U0OUTSIDER", None, {"n": 3})
    verdict = store.verify_audit()
    assert verdict.ok and verdict.checked == 2, str(verdict)
    store.close()


def test_an_old_database_is_migrated_once_and_its_entries_chained_in_id_order(database_url):
    base = 1764000000.25
    entries = [  # written out of id order: the chain must follow ids, not insertion
        {
            "id": 3,
            "at": base + 3,
            "event": "cancelled",
            "actor": "U0ONCALL1",
            "request_id": "r" * 32,
            "detail": {"results": [{"job_id": "av" + "3" * 32}]},
            "posted_at": base + 4,
            "post_attempts": 2,
        },
        {
            "id": 1,
            "at": base + 1,
            "event": "requested",
            "actor": "U0MOD1",
            "request_id": "r" * 32,
            "detail": {"reason": "ünïcode", "job_ids": ["av" + "3" * 32]},
        },
        {"id": 2, "at": base + 2, "event": "approved", "actor": "U0ONCALL1", "request_id": "r" * 32, "detail": {}},
    ]
    create_v1_database(database_url, entries)
    verify = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--verify"], env=_env(database_url), cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"from v1 to v{SCHEMA_VERSION}" in verify.stderr and "3 entries checked" in verify.stdout
    migrated = export(database_url)
    assert [r["id"] for r in migrated] == [1, 2, 3]
    assert_chained_in_id_order(migrated)
    assert migrated[2]["posted_to_slack"] is True

    store = Store(database_url)
    store.migrate()  # a second start changes nothing
    assert store.schema_version() == SCHEMA_VERSION
    new_id = store.audit("refused", "U0OUTSIDER", None, {"why": "after the upgrade"})
    with store.engine.connect() as conn:
        head = conn.execute(sa.select(chain_head_table.c.last_id)).scalar_one()
        versions = conn.execute(sa.text("SELECT count(*) FROM schema_version")).scalar_one()
        unchained = conn.execute(sa.select(sa.func.count()).select_from(audit_table).where(audit_table.c.hash.is_(None)))
        assert unchained.scalar_one() == 0
    store.close()
    assert new_id == 4 and head == 4 and versions == 1
    after = export(database_url)
    assert after[:3] == migrated
    assert_chained_in_id_order(after)
