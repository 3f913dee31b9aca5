"""`python -m bot cancel|status` against the CI stand-in, as an operator runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.domain.commands import MAX_REASON
from tests.conftest import SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import Fault
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
    ci.add_job(job(1), data_id="biz-1")
    status = run_cli(["status", job(1)], ci.url, tmp_path)
    assert status.returncode == 0 and "Auditing" in status.stdout and "biz-1" in status.stdout
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
        return [{"event": e.event, "actor": e.actor, "detail": e.detail} for e in store.audit_entries()]
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


def test_ctrl_c_stops_sending_and_every_sent_job_is_audited(ci, tmp_path):
    ids = [job(40 + n) for n in range(5)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.delay(0.5))
    env = {**cli_env(ci.url, tmp_path), "CI_RATE_LIMIT": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "cancel", *ids, "--reason", "interrupted"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first_line = proc.stdout.readline()  # printed as soon as the first job's answer arrives
    assert first_line.startswith("CANCELLED "), first_line
    proc.send_signal(signal.SIGINT)
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, err
    [final] = [r for r in audit_rows(tmp_path) if r["event"] in {"cancelled", "failed"}]
    results = {r["job_id"]: r for r in final["detail"]["results"]}
    assert set(results) == set(ids)
    sent = {a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing")}
    assert sent and len(sent) < len(ids)
    for j in ids:
        if j in sent:
            assert results[j]["result"] == "cancelled" and ci.jobs[j].state == "Cancelled"
        else:
            assert results[j]["code"] == "NotSent" and ci.jobs[j].state == "Auditing"
    assert "NotSent" in rest


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
