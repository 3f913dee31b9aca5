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


#: Restarts in these tests are noticed within seconds: a worker silent for 4 s is presumed dead
#: (in production, PRESUMED_DEAD_SECONDS defaults to 60; no PID or host check shortcuts it).
RESTARTS_NOTICED = {"HEARTBEAT_SECONDS": "0.5", "PRESUMED_DEAD_SECONDS": "4"}


class Process:
    def __init__(self, env: dict, slack, log_path: Path, prefix: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.log = log_path.open("ab")  # the bot's own log lines, kept for a failing test's report
        full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env, "PORT": str(self.port)}
        self.proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "bot", "http"],
            env=full,
            cwd=ROOT / "tests",
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.client = SlackClient(f"http://127.0.0.1:{self.port}", slack)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the bot exited during start-up"
            try:
                if requests.get(f"{self.client.url}/healthz", timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy resuming work
                pass
            time.sleep(0.05)  # polling a condition (the port opening), bounded by the deadline
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

    def start(prefix: tuple[str, ...] = (), **overrides):
        log_path = tmp_path / f"bot-{len(started)}.log"
        p = Process(bot_env(ci, slack, database_url, LOG_FORMAT="json", **{**RESTARTS_NOTICED, **overrides}), slack, log_path, prefix)
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
    assert [p.args["text"].split(":")[1].split(" by")[0].strip() for p in posts] == ["requested", "approved", "started", "cancelled"]


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
    env = bot_env(ci, slack, database_url, SLACK_APP_TOKEN=slack.app_token, SLACK_SIGNING_SECRET="", SHUTDOWN_GRACE_SECONDS=str(GRACE))
    full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env}
    with (tmp_path / "socket.log").open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket"], env=full, cwd=ROOT / "tests", stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            ws.wait_connected()
            ci.add_job(job(1))
            ws.send(
                {
                    "envelope_id": "env-1",
                    "type": "slash_commands",
                    "accepts_response_payload": True,
                    "payload": {
                        "team_id": "T1",
                        "channel_id": CHANNEL,
                        "user_id": ONCALL,
                        "command": "/cancel-moderation",
                        "text": f"{job(1)} over socket mode",
                        "response_url": slack.response_url("ws"),
                        "trigger_id": "t",
                    },
                }
            )
            ack = ws.wait_ack("env-1")
            assert "Working on 1 job" in json.dumps(ack.get("payload", {}))
            [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
            assert result.args["text"] == "Cancelled 1 job(s)" and ci.jobs[job(1)].state == "Cancelled"
            assert slack.calls_to("apps.connections.open")[0].token == slack.app_token
            os.killpg(proc.pid, signal.SIGTERM)
            assert proc.wait(GRACE + OBSERVATION_ALLOWANCE) == 0
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


def assert_each_job_cancelled_once_or_confirmed(ci, store_url: str, ids: list[str], handed_back: frozenset[str] = frozenset()) -> None:
    """A job is sent twice only when its first answer was lost, and then the repeat is confirmed;
    or when a stopping process handed it back unanswered (the repeat's own answer tells)."""
    from bot.store import Store

    sends = Counter(a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing"))
    assert all(ci.jobs[j].state == "Cancelled" for j in ids)
    store = Store(store_url)
    try:
        [request_id] = {e.request_id for e in store.audit.entries() if e.event == "started"}
        outcomes = {r.job_id: r.outcome for r in store.journal.records(request_id)}
        events = [e.event for e in store.audit.entries()]
    finally:
        store.close()
    assert events.count("started") == 1 and events.count("cancelled") == 1 and "failed" not in events
    for j in ids:
        assert outcomes[j]["result"] == "cancelled"
        assert sends[j] == 1 or (sends[j] == 2 and (outcomes[j]["confirmed"] or j in handed_back)), (j, sends[j], outcomes[j])


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
    assert time.monotonic() - restarted < 25  # the dead worker's heartbeat went stale (4 s here) and its work was resumed
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
    ids = bulk(2, ci, delay=20.0)  # each answer takes longer than the whole 20 s budget
    bot = process(CI_READ_TIMEOUT="30")
    bot.client.command(ONCALL, " ".join(ids) + " deploy in the middle")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) == 2, what="both cancels in flight")
    bot.signal(signal.SIGTERM)
    assert bot.wait(30) == 0
    assert not slack.calls_to("chat.postMessage", channel=CHANNEL)
    handed_back = frozenset(j for j, outcome in outcomes_by_job(database_url).items() if not outcome)
    assert handed_back == set(ids)
    process(CI_READ_TIMEOUT="30")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=40)
    assert result.args["text"] == "Cancelled 2 job(s)"
    assert_each_job_cancelled_once_or_confirmed(ci, database_url, ids, handed_back)


GRACE = 8  # SHUTDOWN_GRACE_SECONDS for the test: short, so the test is too
#: What the test adds to the budget: only its own observation (the signal's delivery, polling the
#: process group every 20 ms on a loaded machine). The bot's budget already keeps 1 s of the
#: grace for its processes' own exit (bot/serve/stop_budget.py EXIT_RESERVE).
OBSERVATION_ALLOWANCE = 1.0


def outcomes_by_job(store_url: str) -> dict[str, dict | None]:
    from bot.store import Store

    store = Store(store_url)
    try:
        started = {e.request_id for e in store.audit.entries() if e.event == "started"}
        return {r.job_id: r.outcome for request_id in started for r in store.journal.records(request_id)}
    finally:
        store.close()


# -- start-up failures: one message naming the setting, never a traceback, exit within 15 s ---------

START_LIMIT = 15  # seconds an operator waits, at most, for a start that cannot succeed


def start_expecting_failure(command: str, env: dict, cwd: Path) -> str:
    """Run `python -m bot <command>` until it gives up; return what it printed."""
    full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "PORT": str(free_port()), **env}
    out = subprocess.run([sys.executable, "-m", "bot", command], env=full, cwd=cwd, capture_output=True, text=True, timeout=START_LIMIT)
    text = out.stdout + out.stderr
    assert out.returncode != 0, text
    assert "Traceback" not in text and "Worker failed to boot" not in text, text
    assert text.startswith("Cannot start: "), text
    return text


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers: a database host that hangs."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def test_an_unreachable_database_is_one_message(ci, slack, tmp_path):
    url = f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/bot"
    text = start_expecting_failure("http", bot_env(ci, slack, url), tmp_path)
    assert text.count("\n  - ") == 1, text
    assert "DATABASE_URL=postgresql://postgres:***@127.0.0.1:" in text and "cannot be opened" in text
    assert "check that the server is running" in text and "hunter2" not in text


def test_a_database_that_does_not_answer_is_given_up_in_time(ci, slack, tmp_path, silent_port):
    text = start_expecting_failure("http", bot_env(ci, slack, f"postgresql://postgres@127.0.0.1:{silent_port}/bot"), tmp_path)
    # The driver's own connect timeout (5 s) gives up first, well inside preflight's 10 s.
    assert "DATABASE_URL=postgresql://postgres@127.0.0.1" in text and "cannot be opened (connection timeout expired)" in text


def test_a_sqlite_file_that_cannot_be_opened_is_one_message(ci, slack, tmp_path):
    missing = tmp_path / "no-such-folder" / "bot.db"
    text = start_expecting_failure("http", bot_env(ci, slack, f"sqlite:///{missing}"), tmp_path)
    assert f"DATABASE_URL=sqlite:///{missing} cannot be opened" in text and f"the folder {missing.parent} exists" in text


def test_a_revoked_bot_token_is_one_message(ci, slack, tmp_path):
    slack.fail("auth.test", 1, error="token_revoked")
    text = start_expecting_failure("http", bot_env(ci, slack, f"sqlite:///{tmp_path}/bot.db"), tmp_path)
    assert "SLACK_BOT_TOKEN was refused by Slack (auth.test: token_revoked)" in text and "reinstall the app" in text


def test_a_refused_app_token_in_socket_mode_is_one_message(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/bot.db", SLACK_APP_TOKEN="xapp-1-made-up", SLACK_SIGNING_SECRET="")
    text = start_expecting_failure("socket", env, tmp_path)
    assert "SLACK_APP_TOKEN was refused by Slack (apps.connections.open: invalid_auth)" in text
    assert "App-Level Tokens" in text and "xapp-1-made-up" not in text


def test_the_procfile_web_process_without_a_signing_secret_says_so(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/bot.db", SLACK_APP_TOKEN=slack.app_token, SLACK_SIGNING_SECRET="")
    text = start_expecting_failure("http", env, tmp_path)
    assert "SLACK_SIGNING_SECRET is required: HTTP mode (`python -m bot http`, the Procfile's web process)" in text


def test_a_bare_directory_and_an_unchanged_env_example_each_say_what_to_do(tmp_path):
    text = start_expecting_failure("http", {}, tmp_path)
    assert f"there is no {tmp_path / '.env'}: copy .env.example to .env" in text
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    text = start_expecting_failure("http", {}, tmp_path)
    for name in ("SLACK_BOT_TOKEN", "APPROVER_USERS", "APPROVAL_CHANNEL", "AUDIT_CHANNEL", "TENCENTCLOUD_SECRET_ID", "CI_BUCKET"):
        assert f"\n  - {name}" in text and "placeholder from .env.example" in text.split(f"\n  - {name}", 1)[1].split("\n")[0], name


def wait_for_line(path: Path, needle: str, timeout: float = 10) -> str:
    """The bot's log, once a line with `needle` is in it (the process writes it after answering)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text()
        if needle in text:
            return text
        time.sleep(0.05)  # polling a condition (a line being written), bounded by the deadline
    raise AssertionError(f"no {needle!r} in the log:\n{path.read_text()}")


def test_a_forged_request_is_logged_without_its_body(process, ci, slack, tmp_path):
    bot = process()
    status, body, _ = bot.client.command(ONCALL, f"{job(1)} forged", secret="not-the-signing-secret", response_name="hook-secret-xyz")
    assert (status, body) == (401, {"error": "invalid request"})
    text = wait_for_line(tmp_path / "bot-0.log", "slack.bad_signature")
    [line] = [json.loads(x) for x in text.splitlines() if "slack.bad_signature" in x]
    assert line["reason"] == "signature does not match: check SLACK_SIGNING_SECRET"
    assert line["path"] == "/slack/events" and line["request_timestamp"].isdigit() and line["ts"]
    for leaked in ("hook-secret-xyz", "trig-1", "token=unused", "forged", "v0="):
        assert leaked not in text, leaked
    assert ci.arrivals == []


def test_slack_not_answering_at_start_is_logged_and_the_bot_starts_anyway(process, tmp_path):
    """Only a refused token stops the start: an outage at Slack is what the retries and the audit outbox are for."""
    process(SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
    text = wait_for_line(tmp_path / "bot-0.log", "bot.start_unverified")
    [line] = [json.loads(x) for x in text.splitlines() if "bot.start_unverified" in x]
    assert (line["check"], line["error"]) == ("SLACK_BOT_TOKEN", "URLError")
