"""The real process, as an operator runs it: `python -m bot http` under gunicorn.

kill -9 loses nothing decided; SIGTERM finishes in-flight cancels and exits in time.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, SlackClient, bot_env

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    def __init__(self, env: dict, slack, log_path: Path) -> None:
        self.port = free_port()
        self.log = log_path.open("ab")  # the bot's own log lines, kept for a failing test's report
        full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env, "PORT": str(self.port)}
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "http"], env=full, cwd=ROOT / "tests",
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.client = SlackClient(f"http://127.0.0.1:{self.port}", slack)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the bot exited during start-up"
            try:
                if requests.get(f"{self.client.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)  # polling a condition (the port opening), bounded by the deadline
        raise AssertionError("bot did not become healthy")

    def signal(self, sig) -> None:
        os.killpg(self.proc.pid, sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.signal(signal.SIGKILL)
            self.proc.wait(10)
        self.log.close()


@pytest.fixture
def process(ci, slack, database_url, tmp_path):
    started = []

    def start(**overrides):
        log_path = tmp_path / f"bot-{len(started)}.log"
        p = Process(bot_env(ci, slack, database_url, LOG_FORMAT="json", **overrides), slack, log_path)
        started.append(p)
        return p

    yield start
    for p in started:
        p.close()


def test_kill_9_then_restart_then_approve(process, ci, slack):
    ci.add_job(job(1))
    first = process()
    first.client.command(MOD, f"{job(1)} survive a crash")
    request_id = first.client.request_id_from_approval()
    first.signal(signal.SIGKILL)
    first.wait(10)
    second = process()
    second.client.click(ONCALL, "approve_request", request_id)
    slack.wait_calls("chat.update", 2, channel=APPROVALS, timeout=20)
    assert ci.jobs[job(1)].state == "Cancelled"
    posts = slack.wait_calls("chat.postMessage", 4, channel=AUDIT, timeout=20)
    assert [p.args["text"].split(":")[1].split(" by")[0].strip() for p in posts] == [
        "requested", "approved", "started", "cancelled"]


def test_sigterm_finishes_in_flight_cancels_and_exits_in_time(process, ci, slack):
    ci.latency = 2.0
    for n in range(3):
        ci.add_job(job(n))
    bot = process()
    status, _, elapsed = bot.client.command(ONCALL, " ".join(job(n) for n in range(3)) + " shutting down")
    assert status == 200 and elapsed < 3
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) >= 1, what="the cancel to be in flight")
    started = time.monotonic()
    bot.signal(signal.SIGTERM)
    assert bot.wait(30) == 0
    assert time.monotonic() - started < 30
    assert all(ci.jobs[job(n)].state == "Cancelled" for n in range(3))
    [result] = slack.calls_to("chat.postMessage", channel=CHANNEL)
    assert result.args["text"] == "Cancelled 3 job(s)"
    assert slack.calls_to("chat.postMessage", channel=AUDIT), "the audit entry was posted before exit"


def test_socket_mode_process_handles_a_command_and_stops_on_sigterm(ci, slack, database_url, tmp_path):
    """`python -m bot socket`: connects with the app token, acks an envelope, cancels, exits cleanly."""
    from tests.fakes.socket_mode import SocketModeStandIn

    ws = SocketModeStandIn()
    slack.socket_mode_url = ws.url
    env = bot_env(ci, slack, database_url, SLACK_APP_TOKEN=slack.app_token, SLACK_SIGNING_SECRET="")
    full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env}
    with (tmp_path / "socket.log").open("ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "socket"], env=full, cwd=ROOT / "tests",
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            ws.wait_connected()
            ci.add_job(job(1))
            ws.send({"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
                     "payload": {"team_id": "T1", "channel_id": CHANNEL, "user_id": ONCALL,
                                 "command": "/cancel-moderation", "text": f"{job(1)} over socket mode",
                                 "response_url": slack.response_url("ws"), "trigger_id": "t"}})
            ack = ws.wait_ack("env-1")
            assert "Working on 1 job" in json.dumps(ack.get("payload", {}))
            [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
            assert result.args["text"] == "Cancelled 1 job(s)" and ci.jobs[job(1)].state == "Cancelled"
            assert slack.calls_to("apps.connections.open")[0].token == slack.app_token
            os.killpg(proc.pid, signal.SIGTERM)
            assert proc.wait(30) == 0
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
            ws.stop()


def bulk(n: int, ci, delay: float = 0.0) -> list[str]:
    ids = [job(700 + i) for i in range(n)]
    for j in ids:
        ci.add_job(j)
        if delay:
            ci.script(j, Fault.delay(delay))
    return ids


def assert_each_job_cancelled_once_or_confirmed(ci, store_url: str, ids: list[str]) -> None:
    """A job is sent twice only when its first answer was lost, and then the repeat is confirmed."""
    from bot.store import Store

    sends = Counter(a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing"))
    assert all(ci.jobs[j].state == "Cancelled" for j in ids)
    store = Store(store_url)
    try:
        [request_id] = {e.request_id for e in store.audit_entries() if e.event == "started"}
        outcomes = {r.job_id: r.outcome for r in store.job_records(request_id)}
        events = [e.event for e in store.audit_entries()]
    finally:
        store.close()
    assert events.count("started") == 1 and events.count("cancelled") == 1 and "failed" not in events
    for j in ids:
        assert outcomes[j]["result"] == "cancelled"
        assert sends[j] == 1 or (sends[j] == 2 and outcomes[j]["confirmed"]), (j, sends[j], outcomes[j])


@pytest.mark.slow
def test_kill_9_mid_bulk_then_restart_resumes_at_once(process, ci, slack, database_url):
    ids = bulk(8, ci)
    first = process(CI_RATE_LIMIT="2")
    first.client.command(ONCALL, " ".join(ids) + " crash mid-bulk")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) >= 2, what="the bulk under way")
    first.signal(signal.SIGKILL)
    first.wait(10)
    assert len(ci.requests_for("cancel_auditing")) < len(ids), "the bulk had finished before the kill"
    restarted = time.monotonic()
    process(CI_RATE_LIMIT="2")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=25)
    assert time.monotonic() - restarted < 25  # well inside the 30 s heartbeat timeout: noticed at once
    assert result.args["text"] == f"Cancelled {len(ids)} job(s)"
    assert_each_job_cancelled_once_or_confirmed(ci, database_url, ids)


@pytest.mark.slow
def test_a_live_process_takes_over_the_work_of_one_killed_beside_it(process, ci, slack, database_url):
    ids = bulk(8, ci)
    doomed = process(CI_RATE_LIMIT="2")
    process(CI_RATE_LIMIT="2")  # the survivor, already running
    doomed.client.command(ONCALL, " ".join(ids) + " one of two processes dies")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) >= 2, what="the bulk under way")
    doomed.signal(signal.SIGKILL)
    doomed.wait(10)
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=60)
    assert result.args["text"] == f"Cancelled {len(ids)} job(s)"
    assert_each_job_cancelled_once_or_confirmed(ci, database_url, ids)


@pytest.mark.slow
def test_sigterm_past_the_drain_hands_work_back_and_the_next_process_finishes_it(process, ci, slack, database_url):
    ids = bulk(2, ci, delay=20.0)  # each answer takes longer than the 17.5 s drain
    bot = process(CI_READ_TIMEOUT="30")
    bot.client.command(ONCALL, " ".join(ids) + " deploy in the middle")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) == 2, what="both cancels in flight")
    bot.signal(signal.SIGTERM)
    assert bot.wait(30) == 0
    assert not slack.calls_to("chat.postMessage", channel=CHANNEL)
    process(CI_READ_TIMEOUT="30")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=40)
    assert result.args["text"] == "Cancelled 2 job(s)"
    assert_each_job_cancelled_once_or_confirmed(ci, database_url, ids)
