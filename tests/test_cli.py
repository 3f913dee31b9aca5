"""`python -m bot cancel|status` against the CI stand-in, as an operator runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.domain.commands import MAX_REASON
from tests.conftest import SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import Fault, Snapshot
from tests.test_process import free_port

ROOT = Path(__file__).resolve().parents[1]


def cli_env(ci_url, tmp_path, extra=None) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "TENCENTCLOUD_SECRET_ID": SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
        "TENCENTCLOUD_SESSION_TOKEN": "sts-secret-token",
        "CI_BUCKET": "examplebucket-1250000000",
        "CI_REGION": "ap-beijing",
        "CI_ENDPOINT": ci_url,
        "CI_READ_TIMEOUT": "2",
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        "PYTHONPATH": str(ROOT),
        **(extra or {}),
    }


def run_cli(args, ci_url, tmp_path, extra=None):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=cli_env(ci_url, tmp_path, extra), capture_output=True, text=True, timeout=60
    )


def test_dry_run_prints_the_request_and_sends_nothing(ci, tmp_path):
    out = run_cli(["cancel", job(1), "--reason", "test", "--dry-run"], ci.url, tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"POST {ci.url}/video/cancel_auditing/{job(1)}" in out.stdout
    assert "q-signature=[redacted]" in out.stdout and "q-header-list=content-length;host;x-ci-security-token" in out.stdout
    assert "sts-secret-token" not in out.stdout + out.stderr and SECRET_KEY not in out.stdout + out.stderr
    assert ci.arrivals == []


def test_cancel_and_status(ci, tmp_path):
    ci.tokens = {"sts-secret-token"}
    ci.add_job(job(1), data_id="biz-1", result=1, label="Porn", snapshots=[Snapshot(1_795_000_000_000, url="https://cos/frame-SECRET.jpg")])
    status = run_cli(["status", job(1)], ci.url, tmp_path)
    assert status.returncode == 0 and "Auditing" in status.stdout and "biz-1" in status.stdout
    assert "Flagged       Porn 1" in status.stdout and "TopScore      90" in status.stdout and "frame-SECRET" not in status.stdout
    out = run_cli(["cancel", job(1), job(2), "--reason", "test"], ci.url, tmp_path)
    assert out.returncode == 1
    assert f"CANCELLED {job(1)}" in out.stdout and f"FAILED    {job(2)}" in out.stdout and "InvalidArgument" in out.stdout
    assert ci.jobs[job(1)].state == "Cancelled"
    for text in (out.stdout, out.stderr, status.stdout, status.stderr):
        assert "sts-secret-token" not in text and SECRET_KEY not in text and "q-signature" not in text


def test_bad_job_id_sends_nothing(ci, tmp_path):
    out = run_cli(["cancel", "../../x", "--reason", "r"], ci.url, tmp_path)
    assert out.returncode == 2 and "not a job ID" in out.stderr
    assert ci.arrivals == []


def test_missing_settings_named_in_one_message(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "bot", "status", job(1)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert out.returncode == 2
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "CI_BUCKET", "CI_REGION"):
        assert name in out.stderr


def audit_rows(tmp_path) -> list[dict]:
    from bot.store import Store

    store = Store(f"sqlite:///{tmp_path}/cli.db")
    try:
        return [{"event": e.event, "actor": e.actor, "detail": e.detail} for e in store.audit.entries()]
    finally:
        store.close()


def test_cancel_is_audited_started_first_and_names_a_safe_actor(ci, tmp_path):
    ci.add_job(job(1), data_id="biz-1")
    out = run_cli(["cancel", job(1), "--reason", "cli audit"], ci.url, tmp_path, {"USER": "eve<!channel>", "LOGNAME": ""})
    assert out.returncode == 0, out.stderr
    rows = audit_rows(tmp_path)
    assert [r["event"] for r in rows] == ["started", "cancelled"]
    assert rows[0]["detail"]["job_ids"] == [job(1)]  # stored before anything was sent
    assert rows[0]["actor"] == rows[1]["actor"] == "cli:eve__channel_"
    assert rows[1]["detail"]["results"][0]["request_id"].startswith("req-")


class Lines:
    """A pipe read line by line in a thread, so a test waits for a line with a timeout."""

    def __init__(self, pipe) -> None:
        self.lines: list[str] = []
        self.closed = threading.Event()
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(pipe,), daemon=True).start()

    def _read(self, pipe) -> None:
        for line in pipe:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()
        self.closed.set()
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, predicate, what: str, timeout: float = 30) -> str:
        """The first line that matches; fails when the pipe closes or `timeout` passes without one."""

        def match() -> str | None:
            return next((line for line in self.lines if predicate(line)), None)

        with self._cond:
            self._cond.wait_for(lambda: match() or self.closed.is_set(), timeout)
            line = match()
        assert line, f"no {what} (waited up to {timeout} s); got: {''.join(self.lines)[-2000:]}"
        return line

    def text(self) -> str:
        assert self.closed.wait(30), "the pipe stayed open"
        return "".join(self.lines)


def wait_until(predicate, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)  # polling a condition the stand-in exposes, bounded by the deadline


@pytest.mark.parametrize(
    "sig, inherited",
    [(signal.SIGINT, signal.SIG_DFL), (signal.SIGINT, signal.SIG_IGN), (signal.SIGTERM, signal.SIG_DFL)],
    ids=["ctrl-c", "ctrl-c-inherited-ignored", "sigterm"],
)
def test_ctrl_c_stops_sending_and_every_sent_job_is_audited(ci, tmp_path, sig, inherited):
    """The signal lands while the second job is in flight: it finishes, nothing more is sent,
    every job is recorded (sent ones with their result, the rest NotSent), and the exit is 130.

    The CI stand-in holds the second job's request until the CLI has said it was interrupted,
    so the signal lands between two jobs whatever the machine's load (no timing in the test).
    `ctrl-c-inherited-ignored`: started where SIGINT is ignored (a background job of a
    non-interactive shell passes that on): the break-glass tool must still stop."""
    ids = [job(40 + n) for n in range(5)]
    for j in ids:
        ci.add_job(j)
    in_flight = threading.Event()
    ci.script(ids[1], Fault.hold(in_flight))
    env = {**cli_env(ci.url, tmp_path), "CI_RATE_LIMIT": "1", "CI_READ_TIMEOUT": "60"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "cancel", *ids, "--reason", "interrupted"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, inherited),
    )
    try:
        out, err = Lines(proc.stdout), Lines(proc.stderr)
        out.wait_for(lambda line: line.startswith(f"CANCELLED {ids[0]}"), "first job's line")
        wait_until(lambda: len(ci.requests_for("cancel_auditing")) == 2, "the second job in flight")
        proc.send_signal(sig)
        err.wait_for(lambda line: line.startswith("Interrupted:"), "word of the interrupt")
        in_flight.set()
        assert proc.wait(60) == 130, err.text()
    finally:
        in_flight.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    [final] = [r for r in audit_rows(tmp_path) if r["event"] in {"cancelled", "failed"}]
    results = {r["job_id"]: r for r in final["detail"]["results"]}
    assert set(results) == set(ids)
    sent = [a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing")]
    assert sent == ids[:2]
    for j in ids[:2]:
        assert results[j]["result"] == "cancelled" and ci.jobs[j].state == "Cancelled"
    for j in ids[2:]:
        assert results[j]["code"] == "NotSent" and ci.jobs[j].state == "Auditing"
    assert out.text().count("NotSent") == 3


def test_the_interrupt_is_set_by_a_signal_landing_on_any_thread_while_the_main_thread_sleeps():
    """A Python-level handler would run only once the main thread wakes; the flag is the C-level
    handler's write, so it is set while the main thread is blocked and the signal hit another."""
    from bot.cli.interrupt import Interrupt

    stop = Interrupt()
    go = threading.Event()
    other = threading.Thread(target=go.wait, args=(30,), daemon=True)
    other.start()
    with stop.installed((signal.SIGINT,)):
        assert not stop.is_set()
        signal.pthread_kill(other.ident, signal.SIGINT)
        assert stop.wait(30)  # the main thread sleeps in select(): nothing else could set it
        assert stop.is_set()  # and it stays set
    go.set()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_the_rate_limiters_wait_ends_at_the_interrupt_and_sends_nothing(tmp_path):
    """A job waiting for its turn when Ctrl-C comes is not sent, however long the wait would be."""
    from bot.cli.cancel import StoppableLimiter
    from bot.cli.interrupt import Interrupt
    from bot.store import Store
    from bot.tencent.results import CINotSent

    store = Store(f"sqlite:///{tmp_path}/limit.db")
    store.migrate()
    try:
        assert store.slots.take(1, 1.0, 60.0)  # another process's request, in flight for a minute
        stop = Interrupt()
        limiter = StoppableLimiter(store, 1, 60.0, stop)
        raised: list[BaseException] = []
        waiting = threading.Thread(target=lambda: _capture(limiter.acquire, raised), daemon=True)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive(), "the limiter let a second request into a full window"
        stop.set()
        waiting.join(30)
        assert not waiting.is_alive() and [type(e) for e in raised] == [CINotSent]
        with pytest.raises(CINotSent):  # and no later call gets through either
            limiter.acquire()
    finally:
        store.close()


def _capture(call, raised: list) -> None:
    try:
        call()
    except BaseException as exc:
        raised.append(exc)


def test_two_cli_runs_share_the_rate_limit(ci, tmp_path):
    ids = [job(60 + n) for n in range(30)]
    for j in ids:
        ci.add_job(j)
    env = cli_env(ci.url, tmp_path)
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "cancel", *half, "--reason", "shared"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in (ids[:15], ids[15:])
    ]
    for run in runs:
        _, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
    assert all(ci.jobs[j].state == "Cancelled" for j in ids)
    assert ci.max_in_window(1.0) <= 20


def test_the_reason_limit_is_the_one_slack_has_and_is_checked_before_sending(ci, tmp_path):
    ci.add_job(job(1))
    for args in (["--reason", "x" * (MAX_REASON + 1)], ["--reason", "x" * (MAX_REASON + 1), "--dry-run"], ["--reason", "  "]):
        out = run_cli(["cancel", job(1), *args], ci.url, tmp_path)
        assert out.returncode == 2 and f"--reason must be 1 to {MAX_REASON} characters" in out.stderr, out.stderr
    assert ci.arrivals == [] and ci.jobs[job(1)].state != "Cancelled"
    out = run_cli(["cancel", job(1), "--reason", "x" * MAX_REASON], ci.url, tmp_path)
    assert out.returncode == 0, out.stderr


def test_cancel_and_status_need_only_tencent_and_the_database(ci, tmp_path):
    ci.add_job(job(1))
    slack_mistakes = {
        "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
        "SLACK_APP_TOKEN": "xoxb-in-the-wrong-place",
        "APPROVAL_CHANNEL": "#general",
        "APPROVER_USERS": "U0123ONCALL",
    }
    assert run_cli(["status", job(1)], ci.url, tmp_path, slack_mistakes).returncode == 0
    out = run_cli(["cancel", job(1), "--reason", "r"], ci.url, tmp_path, slack_mistakes)
    assert out.returncode == 0, out.stderr


def test_cancel_with_a_database_it_cannot_open_sends_nothing(ci, tmp_path):
    ci.add_job(job(1))
    missing = tmp_path / "no-such-folder" / "bot.db"
    out = run_cli(["cancel", job(1), "--reason", "r"], ci.url, tmp_path, {"DATABASE_URL": f"sqlite:///{missing}"})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"DATABASE_URL=sqlite:///{missing} cannot be opened" in out.stderr
    assert f"check that the folder {missing.parent} exists" in out.stderr and "point DATABASE_URL at the bot's database" in out.stderr
    assert ci.arrivals == [] and ci.jobs[job(1)].state != "Cancelled"


def test_status_on_a_network_error_shows_the_ci_host(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    out = run_cli(["status", job(1)], closed, tmp_path, {"CI_CONNECT_TIMEOUT": "1", "CI_MAX_ATTEMPTS": "1"})
    assert out.returncode == 1 and "NetworkError" in out.stderr
    assert f"CI host: {closed} (from CI_ENDPOINT)" in out.stderr
