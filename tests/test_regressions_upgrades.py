"""Upgrades started the way an operator starts the bot (`python -m bot http`, the real process):
a long upgrade gets its own, long limit and is not mistaken for an unreachable database, and a
start waits its turn behind another upgrader, which a cut-off migrator does not hold for long."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.store import Store
from tests.fakes.tcp_proxy import TCPProxy
from tests.harness import bot_env, reset_database
from tests.store.upgrades import dialect_of, engine_for, load_release
from tests.test_process import ROOT, free_port

ENTRIES = 400_000  # about a year of a busy team's cancels (2-3 entries each): re-chaining them takes longer than 10 s
START_WITHIN = 90  # seconds: generous for a start that upgrades a long log
AFTER_CUT_WITHIN = 60  # seconds: a start behind a cut-off migrator serves well before the old 600 s hold ends
DETAIL = '{"jobs": 1, "cancelled": 1, "results": [{"job_id": "av00000000000000000000000000000001", "ok": true}]}'


def start_once(ci, slack, url: str, log_path: Path, within: float = START_WITHIN) -> tuple[bool, int | None, str, str]:
    """Start the bot as an operator does; (healthy, exit code if it exited, its non-JSON output, its whole log)."""
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **bot_env(ci, slack, url), "PORT": str(port)}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "http"], env=env, cwd=ROOT / "tests", stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        started, healthy = time.monotonic(), False
        try:
            while time.monotonic() - started < within and proc.poll() is None and not healthy:
                try:
                    healthy = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
                except requests.RequestException:
                    time.sleep(0.5)
        finally:
            exited = proc.poll()
            if exited is None:
                os.killpg(proc.pid, 9)
                proc.wait(10)
    text = log_path.read_text()
    said = "\n".join(x for x in text.splitlines() if not x.startswith("{"))
    return healthy, exited, said, text


def add_old_entries(url: str, count: int) -> None:
    """The entries the schema-1 release wrote over its life (its own columns, no chain)."""
    if dialect_of(url) == "postgres":
        numbers = "generate_series(1, :n) g"
    else:
        numbers = "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < :n) SELECT g FROM s)"
    engine = engine_for(url)
    with engine.begin() as conn:
        start = conn.execute(sa.text("SELECT max(id) FROM audit_log")).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (id, at, event, actor, request_id, detail, posted_at, post_attempts) "
                f"SELECT :s + g, 1.7e9 + g, 'cancelled', 'U0ONCALL1', 'r' || g, :detail, 1.7e9 + g, 1 FROM {numbers}"
            ),
            {"s": start, "n": count, "detail": DETAIL},
        )
    engine.dispose()


def test_a_long_upgrade_gets_its_own_limit_and_the_bot_starts(database_url, ci, slack, tmp_path):
    """Starting the new release on a database with a long audit log to re-chain brings the bot
    up: the start-up check's short limit is for reaching the database, not for upgrading it."""
    load_release(database_url, "schema1")
    add_old_entries(database_url, ENTRIES)
    healthy, exited, said, _ = start_once(ci, slack, database_url, tmp_path / "start.log")
    assert healthy, f"the start did not bring the bot up (exit {exited}); it said: {said!r}"
    store = Store(database_url)
    try:
        assert len(store.audit.entries()) > ENTRIES
    finally:
        store.close()


@pytest.fixture
def pg_behind_proxy():
    """PostgreSQL, and the same server reached through a TCP proxy the test can cut."""
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    url = os.environ["TEST_DATABASE_URL"]
    reset_database(url)
    parts = urllib.parse.urlsplit(url)
    proxy = TCPProxy(parts.hostname or "127.0.0.1", parts.port or 5432).start()
    auth = f"{parts.username}@" if parts.username else ""
    proxied = urllib.parse.urlunsplit((parts.scheme, f"{auth}127.0.0.1:{proxy.port}", parts.path, parts.query, ""))
    yield url, proxy, proxied
    proxy.stop()
    engine = engine_for(url)  # end the cut-off session, in case the server has not yet
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    engine.dispose()


def advisory_held(url: str) -> bool:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            query = (
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            return bool(conn.execute(sa.text(query)).scalar())
    finally:
        engine.dispose()


def test_a_start_behind_a_migrator_cut_off_mid_upgrade_waits_its_turn_and_serves(pg_behind_proxy, ci, slack, tmp_path):
    """A migrator cut off mid-upgrade (its host died: its session stays open on the server) does
    not hold the upgrade for long: the server ends its idle session, and the next start, having
    said that another process is upgrading the database, takes its turn and serves."""
    url, proxy, proxied = pg_behind_proxy
    load_release(url, "schema2")
    proxy.slow_answers(0.4)  # a distant database: the upgrade takes a few seconds

    def migrate() -> None:
        with contextlib.suppress(Exception):  # it is cut off: whatever it says, its upgrade does not commit
            Store(proxied).migrate()

    threading.Thread(target=migrate, daemon=True).start()
    deadline = time.monotonic() + 20
    while not advisory_held(url):
        assert time.monotonic() < deadline, "the first process never began its upgrade"
        time.sleep(0.1)
    proxy.blackhole()

    healthy, exited, said, log = start_once(ci, slack, url, tmp_path / "next.log", AFTER_CUT_WITHIN)
    assert healthy, f"the next process did not start within {AFTER_CUT_WITHIN} s (exit {exited}); it said: {said!r}"
    assert "store.migration_waiting" in log and "another process is upgrading the database" in log
