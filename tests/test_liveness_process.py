"""Liveness of real bot processes is a heartbeat in the database, on the database's clock.

Containers with host networking share the host name but not the PID namespace, so two bots
can each be PID 1 with a worker of the same PID; a host's clock can be minutes off. Neither
may make a live process look dead, nor a request expire early.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import Store
from tests.conftest import job
from tests.harness import AUDIT, CHANNEL, MOD, ONCALL, all_posted
from tests.test_process import ROOT, process  # noqa: F401  (the fixture)

#: A container: its own PID namespace (and /proc), the host's network and host name.
CONTAINER = ("unshare", "--pid", "--fork", "--mount-proc")
#: The production defaults: a worker is presumed dead after 60 s without a heartbeat.
PRODUCTION_LIVENESS = {"HEARTBEAT_SECONDS": "", "PRESUMED_DEAD_SECONDS": ""}

SKEW = 240.0  # seconds: under Slack's 5-minute signature window, over the TTL and the takeover time
SITECUSTOMIZE = """
import os, time
_shift = float(os.environ.get("TEST_CLOCK_SHIFT_SECONDS", "0"))
_real_time = time.time
time.time = lambda: _real_time() + _shift
"""


def workers(url: str) -> list[tuple[str, str, int]]:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(sa.text("SELECT id, host, pid FROM workers")))
    finally:
        store.close()


def settled(url: str) -> bool:
    """Every task finished and every audit entry posted."""
    store = Store(url)
    try:
        return store.open_task_count() == 0 and all_posted(store)
    finally:
        store.close()


def log_lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.startswith("{")]


def named(lines: list[dict], name: str) -> list[dict]:
    return [line for line in lines if line.get("event") == name]


def test_two_containers_with_one_host_name_and_colliding_pids_cancel_each_job_once(process, ci, slack, database_url):  # noqa: F811
    ids = [job(900 + n) for n in range(40)]
    for j in ids:
        ci.add_job(j)
    bots = [process(prefix=CONTAINER, **PRODUCTION_LIVENESS)]
    [(_, host, pid)] = workers(database_url)
    bots.append(process(prefix=CONTAINER, **PRODUCTION_LIVENESS))
    started = workers(database_url)
    assert len(started) == 2, f"the second container declared the first one's live worker dead: {started}"
    assert all((h, p) == (host, pid) for _, h, p in started), f"the two workers do not collide: {started}"

    for n, j in enumerate(ids):
        status, _, _ = bots[n % 2].client.command(ONCALL, f"{j} container {n}", response_name=f"r{n}")
        assert status == 200
    slack.wait_calls("chat.postMessage", len(ids), channel=CHANNEL, timeout=90)
    slack.wait_for(lambda: settled(database_url), timeout=60, what="every task done and every audit entry posted")

    assert Counter(a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing")) == {j: 1 for j in ids}
    results = Counter(j for c in slack.calls_to("chat.postMessage", channel=CHANNEL) for j in ids if j in json.dumps(c.args))
    assert results == {j: 1 for j in ids}, "a result was posted more than once"
    store = Store(database_url)
    try:
        entries = store.audit_entries()
    finally:
        store.close()
    assert Counter(e.event for e in entries)["cancelled"] == len(ids) and all(e.event != "failed" for e in entries)
    posted = [m["metadata"]["event_payload"]["audit_id"] for m in slack.history[AUDIT] if m.get("metadata") and not m.get("thread_ts")]
    assert sorted(posted) == [e.id for e in entries], "an audit entry was posted twice, or not at all"
    assert workers(database_url) == started, "a live worker was declared dead"


def test_a_process_whose_clock_runs_ahead_neither_expires_a_request_early_nor_buries_a_live_worker(process, ci, slack, database_url, tmp_path):  # noqa: F811
    skewed = tmp_path / "skewed-clock"
    skewed.mkdir()
    (skewed / "sitecustomize.py").write_text(SITECUSTOMIZE)
    ci.add_job(job(1))
    ttl = {"APPROVAL_TTL_SECONDS": "120", "APPROVAL_REMINDER_SECONDS": "0", **PRODUCTION_LIVENESS}
    honest = process(**ttl)
    ahead = process(PYTHONPATH=f"{skewed}:{ROOT}", TEST_CLOCK_SHIFT_SECONDS=str(SKEW), **ttl)
    [first_line] = log_lines(ahead.log_path)[:1]
    its_time = datetime.fromisoformat(first_line["ts"].replace("Z", "+00:00"))
    assert (its_time - datetime.now(UTC)).total_seconds() > SKEW - 30, "the second process's clock is not ahead"
    # It reaped at start: the first process's worker, alive and beating, must still be there.
    assert len(workers(database_url)) == 2, "the process whose clock runs ahead declared the other one dead"

    honest.client.command(MOD, f"{job(1)} please stop it")
    request_id = honest.client.request_id_from_approval()
    ahead.client.click(ONCALL, "approve_request", request_id, response_name="approve")
    refused = lambda: [c for c in slack.responses if c.method.endswith("approve")]  # noqa: E731  ("expired" is told to the clicker)
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled" or refused(), timeout=30, what="the approval's outcome")
    slack.wait_for(lambda: settled(database_url), timeout=30, what="every task done and every audit entry posted")
    store = Store(database_url)
    try:
        events = [e.event for e in store.audit_entries()]
    finally:
        store.close()
    assert events == ["requested", "approved", "started", "cancelled"], events
    assert ci.jobs[job(1)].state == "Cancelled"
    assert len(workers(database_url)) == 2
    for bot in (honest, ahead):
        lines = log_lines(bot.log_path)
        assert not named(lines, "work.reaped") and not named(lines, "work.presumed_dead"), bot.log_path.read_text()[-2000:]


def _postgres_only() -> list[str]:
    return ["postgres"] if os.environ.get("TEST_DATABASE_URL") else []


# PostgreSQL only: on SQLite a process frozen inside a write transaction holds the file's one
# write lock, and every process waits for it to resume (docs/design-notes.md, Durability).
@pytest.mark.parametrize("database_url", _postgres_only(), indirect=True)
def test_a_frozen_process_presumed_dead_comes_back_holding_nothing(process, ci, slack, database_url):  # noqa: F811
    """SIGSTOP mid-bulk: the other process takes the bulk over once the frozen one's heartbeat is
    stale (4 s here). Woken up, the frozen one sends no cancel and posts nothing it no longer holds."""
    from tests.fakes.ci_server import Fault
    from tests.test_process import assert_each_job_cancelled_once_or_confirmed

    ids = [job(950 + n) for n in range(6)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.delay(1.0))
    frozen = process(CI_RATE_LIMIT="1")
    survivor = process(CI_RATE_LIMIT="1")
    frozen.client.command(ONCALL, " ".join(ids) + " one process freezes")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) >= 2, what="the bulk under way")
    frozen.signal(signal.SIGSTOP)
    try:
        [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=60)
        assert result.args["text"] == f"Cancelled {len(ids)} job(s)"
        assert named(log_lines(survivor.log_path), "work.reaped"), "the survivor did not take the frozen worker's work over"
    finally:
        frozen.signal(signal.SIGCONT)
    slack.wait_for(lambda: named(log_lines(frozen.log_path), "work.presumed_dead"), timeout=30, what="the frozen process noticing")
    slack.wait_for(lambda: settled(database_url), timeout=30, what="every task done and every audit entry posted")
    assert_each_job_cancelled_once_or_confirmed(ci, database_url, ids)
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1, "the result was posted twice"
    store = Store(database_url)
    try:
        entries = store.audit_entries()
    finally:
        store.close()
    posted = [m["metadata"]["event_payload"]["audit_id"] for m in slack.history[AUDIT] if m.get("metadata") and not m.get("thread_ts")]
    assert sorted(posted) == [e.id for e in entries], "an audit entry was posted twice, or not at all"
