"""`python -m bot cancel|status` against the CI stand-in, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SECRET_ID, SECRET_KEY, job

ROOT = Path(__file__).resolve().parents[1]


def run_cli(args, ci_url, tmp_path, extra=None):
    env = {
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
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)


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
    out = subprocess.run([sys.executable, "-m", "bot", "status", job(1)], cwd=tmp_path, capture_output=True,
                         text=True, env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.returncode == 2
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "CI_BUCKET", "CI_REGION"):
        assert name in out.stderr
