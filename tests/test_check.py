"""`python -m bot check` against the stand-ins: a table of what is fine and what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.harness import bot_env

ROOT = Path(__file__).resolve().parents[1]


def run_check(env):
    full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "bot", "check"], env=full, capture_output=True, text=True,
                          timeout=60, cwd=ROOT / "tests")


def test_all_good(ci, slack, tmp_path):
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all good" in out.stdout and "signed request accepted" in out.stdout
    assert [c.args.get("channel") for c in slack.calls_to("conversations.info")] == ["C0APPROVALS", "C0AUDIT"]
    assert ci.arrivals[0].verified and ci.arrivals[0].method == "GET"


def test_wrong_key_bad_token_and_bad_settings_are_each_named(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", TENCENTCLOUD_SECRET_KEY="wrong",
                  SLACK_BOT_TOKEN="xoxb-wrong")
    out = run_check(env)
    assert out.returncode == 1
    assert "SignatureDoesNotMatch" in out.stdout and "invalid_auth" in out.stdout
    assert "wrong" not in out.stdout.replace("xoxb-wrong", "").replace("SignatureDoesNotMatch", "")
    assert "xoxb-wrong" not in out.stdout
    out = run_check({"CI_RATE_LIMIT": "lots"})
    assert out.returncode == 1 and "CI_RATE_LIMIT" in out.stdout and "SLACK_BOT_TOKEN" in out.stdout


def test_bot_not_in_channel(ci, slack, tmp_path):
    slack.fail("conversations.info", 1, error="channel_not_found", channel="C0AUDIT")
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db"))
    assert out.returncode == 1 and "channel_not_found" in out.stdout and "/invite" in out.stdout
