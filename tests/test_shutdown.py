"""The SIGTERM budget through the real process: every process of `python -m bot http` has
exited within SHUTDOWN_GRACE_SECONDS, and what was not finished is finished by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import CHANNEL, ONCALL
from tests.test_process import GRACE, OBSERVATION_ALLOWANCE, ROOT, outcomes_by_job
from tests.test_process import process as process  # the fixture: one bot process per call


def wait_group_gone(pgid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, "a process of the group was still running"
        time.sleep(0.02)  # polling the kernel's view of the group, bounded by the deadline


@pytest.mark.slow
@pytest.mark.parametrize("target", ["group", "master"])
def test_sigterm_with_30_cancels_in_flight_exits_within_the_grace_and_the_next_process_finishes_each_once(process, ci, slack, database_url, target):
    """30 acknowledged cancels against a slow CI: some answer during the drain, the rest not for
    minutes. SIGTERM to the group (Heroku) or to gunicorn's master alone (which passes it on):
    every process exits within SHUTDOWN_GRACE_SECONDS; the restarted process finishes the
    rest; each job's result and audit entries appear once."""
    ids = [job(800 + i) for i in range(30)]
    never = threading.Event()  # the slow half is answered only when the stand-in stops
    for i, j in enumerate(ids):
        ci.add_job(j)
        ci.script(j, Fault.delay(4) if i % 2 == 0 else Fault.hold(never))
    settings = {"SHUTDOWN_GRACE_SECONDS": str(GRACE), "WORKER_THREADS": "32", "CI_READ_TIMEOUT": "60"}
    bot = process(**settings)
    for j in ids:
        status, body, elapsed = bot.client.command(ONCALL, f"{j} deploy with cancels in flight")
        assert status == 200 and elapsed < 3, body
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) == len(ids), timeout=30, what="all 30 cancels in flight")
    started = time.monotonic()
    if target == "group":
        bot.signal(signal.SIGTERM)
    else:
        bot.proc.send_signal(signal.SIGTERM)
    assert bot.wait(GRACE + OBSERVATION_ALLOWANCE) == 0
    wait_group_gone(bot.proc.pid, max(0.0, started + GRACE + OBSERVATION_ALLOWANCE - time.monotonic()))
    exit_seconds = time.monotonic() - started
    finished_before = {j for j, outcome in outcomes_by_job(database_url).items() if outcome}
    print(f"\nSIGTERM ({target}) with {len(ids)} cancels in flight: the process group exited in {exit_seconds:.2f} s "
          f"(SHUTDOWN_GRACE_SECONDS={GRACE}); {len(finished_before)} finished, {len(ids) - len(finished_before)} handed back")  # fmt: skip
    assert len(finished_before) < len(ids), "nothing was left to hand back: the test proves less than it says"

    restarted = process(**settings)
    slack.wait_calls("chat.postMessage", len(ids), channel=CHANNEL, timeout=60)
    store_url = database_url
    _wait_all_done(store_url, slack)
    results = slack.calls_to("chat.postMessage", channel=CHANNEL)
    assert sorted(j for r in results for j in ids if j in json.dumps(r.args)) == sorted(ids)  # one result per job
    assert all(r.args["text"] == "Cancelled 1 job(s)" for r in results)
    assert all(ci.jobs[j].state == "Cancelled" for j in ids)
    sends = Counter(a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing"))
    for j in ids:  # sent again only when the first send's answer never came (it was handed back)
        assert sends[j] == 1 or (sends[j] == 2 and j not in finished_before), (j, sends[j])
    events = Counter((e.request_id, e.event) for e in _audit(store_url))
    assert sorted(Counter(event for (_, event) in events).items()) == [("cancelled", 30), ("started", 30)]
    assert set(events.values()) == {1}
    assert restarted.proc.poll() is None


def _audit(store_url: str):
    from bot.store import Store

    store = Store(store_url)
    try:
        return store.audit.entries()
    finally:
        store.close()


def _wait_all_done(store_url: str, slack) -> None:
    """Until no task is open and every audit entry is posted: then nothing more can be posted."""
    from bot.store import Store

    store = Store(store_url)
    try:
        slack.wait_for(
            lambda: store.work.open_task_count() == 0 and store.audit.unposted_count() == 0, timeout=60, what="every task done, every entry posted"
        )
    finally:
        store.close()


def test_a_drain_stuck_past_the_budget_still_ends_the_process_in_time(tmp_path):
    """The guard: a phase that never returns (a database that stopped answering) does not keep
    the process past the grace; it says so in the log and exits non-zero."""
    code = (
        "import logging, sys, threading\n"
        "from bot.observe.logs import configure\n"
        "from bot.serve.stop_budget import StopBudget\n"
        "configure('INFO', 'json', [])\n"
        "budget = StopBudget(grace_seconds=2.0)\n"
        "budget.start(); budget.guard()\n"
        "print('draining', flush=True)\n"
        "threading.Event().wait()  # stuck for good\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "draining"
        assert proc.wait(2.0 + OBSERVATION_ALLOWANCE) == 1
        log = proc.stdout.read()
        assert '"event": "bot.stop_overrun"' in log and '"grace_seconds": 2.0' in log, log
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.mark.parametrize("grace", ["5", "20", "27.5", "600"])
def test_gunicorns_graceful_timeout_is_longer_than_the_whole_drain(grace):
    """Else gunicorn's master would SIGKILL the worker in the middle of handing work back."""
    from bot.config_load import load_settings
    from bot.runtime import gunicorn_options
    from tests.test_config import BASE

    settings = load_settings(dict(BASE, SHUTDOWN_GRACE_SECONDS=grace))
    timeout = gunicorn_options(settings)["graceful_timeout"]
    assert isinstance(timeout, int) and timeout > settings.shutdown_grace_seconds


@pytest.fixture
def proxied_database(ci, slack):
    """PostgreSQL behind a TCP proxy that can black-hole it (PostgreSQL only: set TEST_DATABASE_URL)."""
    from tests.fakes.tcp_proxy import postgres_behind_proxy

    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    with postgres_behind_proxy(os.environ["TEST_DATABASE_URL"]) as proxied:
        yield proxied


def test_sigterm_during_a_database_outage_exits_within_the_grace(proxied_database, ci, slack, tmp_path):
    """A deploy during a database outage: the worker's drain is cut at the budget, and the
    master, seeing it exit, never waits on the dead database to free its work (the heartbeat
    timeout does that): every process has exited within SHUTDOWN_GRACE_SECONDS."""
    from tests.harness import bot_env
    from tests.test_process import Process

    grace, allowance = 6.0, 1.5  # allowance: seeing the exit, on a busy 2-core machine
    proxy, url = proxied_database
    bot = Process(bot_env(ci, slack, url, LOG_FORMAT="json", SHUTDOWN_GRACE_SECONDS=str(grace)), slack, tmp_path / "bot.log")
    try:
        ci.add_job(job(1))
        status, _, _ = bot.client.command(ONCALL, f"{job(1)} before the outage")
        assert status == 200
        slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", timeout=15, what="a cancel carried out")
        proxy.blackhole()  # the database stops answering; connections stay open
        started = time.monotonic()
        bot.signal(signal.SIGTERM)
        try:
            code = bot.wait(60)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - started
        assert took <= grace + allowance, f"the web process exited {took:.1f} s after SIGTERM (code {code}); SHUTDOWN_GRACE_SECONDS={grace}"
        wait_group_gone(bot.proc.pid, max(0.0, started + grace + allowance - time.monotonic()))
    finally:
        proxy.failover()
        bot.close()
