"""`python -m bot check` against the stand-ins: a table of what is fine and what to fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli.check import ci_host_note, region_hint
from bot.config_load import load_settings
from tests.harness import bot_env
from tests.test_config import BASE as CONFIG_BASE
from tests.test_process import free_port

ROOT = Path(__file__).resolve().parents[1]


def run_check(env, *args):
    full = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "bot", "check", *args], env=full, capture_output=True, text=True, timeout=60, cwd=ROOT / "tests")


def row(out, name: str) -> str:
    """The table rows for one check, e.g. "settings"; the test names what it expects in them."""
    return "\n".join(line for line in out.stdout.splitlines() if line.startswith(f"{name} "))


def test_all_good(ci, slack, tmp_path):
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all good" in out.stdout and "signed request accepted" in out.stdout
    assert [c.args.get("channel") for c in slack.calls_to("conversations.info")] == ["C0APPROVALS", "C0AUDIT"]
    assert ci.arrivals[0].verified and ci.arrivals[0].method == "GET"


def test_wrong_key_bad_token_and_bad_settings_are_each_named(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", TENCENTCLOUD_SECRET_KEY="not-the-key-5f3a", SLACK_BOT_TOKEN="xoxb-wrong")
    out = run_check(env)
    assert out.returncode == 1
    assert "SignatureDoesNotMatch" in out.stdout and "invalid_auth" in out.stdout
    assert "not-the-key-5f3a" not in out.stdout
    assert "xoxb-wrong" not in out.stdout
    out = run_check({"CI_RATE_LIMIT": "lots"})
    assert out.returncode == 1 and "CI_RATE_LIMIT" in out.stdout and "SLACK_BOT_TOKEN" in out.stdout


def test_bot_not_in_channel(ci, slack, tmp_path):
    slack.fail("conversations.info", 1, error="channel_not_found", channel="C0AUDIT")
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db"))
    assert out.returncode == 1 and "channel_not_found" in out.stdout and "/invite" in out.stdout


def test_socket_mode_proves_the_app_token(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", SLACK_APP_TOKEN="xapp-1-made-up", SLACK_SIGNING_SECRET="")
    out = run_check(env)
    assert out.returncode == 1, out.stdout
    assert "Socket Mode" in row(out, "mode") and "SLACK_APP_TOKEN" in row(out, "needs")
    assert "FIX" in row(out, "slack app token")
    assert "SLACK_APP_TOKEN was refused by Slack (apps.connections.open: invalid_auth)" in row(out, "slack app token")
    assert "xapp-1-made-up" not in out.stdout
    out = run_check(dict(env, SLACK_APP_TOKEN=slack.app_token))
    assert out.returncode == 0 and "all good" in out.stdout, out.stdout
    assert slack.calls_to("apps.connections.open")[-1].token == slack.app_token


def test_the_procfile_web_process_is_checked_in_http_mode(ci, slack, tmp_path):
    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", SLACK_APP_TOKEN="xapp-test-app-token", SLACK_SIGNING_SECRET="")
    default = run_check(env)
    assert "Socket Mode" in row(default, "mode") and "check --mode http" in row(default, "mode")
    out = run_check(env, "--mode", "http")
    assert out.returncode == 1
    assert "HTTP mode" in row(out, "mode") and "SLACK_SIGNING_SECRET" in row(out, "needs")
    assert "SLACK_SIGNING_SECRET is required" in row(out, "settings") and "Procfile's web process" in row(out, "settings")
    assert "settings  note    Settings come from the environment" in out.stdout and "1 problem(s) to fix" in out.stdout


def test_the_ci_host_and_where_it_came_from_are_shown(ci, slack, tmp_path):
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db"))
    assert f"{ci.url} (from CI_ENDPOINT)" in row(out, "CI host")
    closed = f"http://127.0.0.1:{free_port()}"
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", CI_ENDPOINT=closed, CI_CONNECT_TIMEOUT="1"))
    assert out.returncode == 1 and f"NetworkError: {closed}" not in out.stdout
    assert f"no answer from {closed} (from CI_ENDPOINT)" in row(out, "tencent")


def test_a_misspelt_region_shows_the_host_built_from_it():
    settings = load_settings(dict(CONFIG_BASE, CI_REGION="ap-bejing"))
    assert ci_host_note(settings) == (
        "https://examplebucket-1250000000.ci.ap-bejing.myqcloud.com (built from CI_BUCKET=examplebucket-1250000000 and CI_REGION=ap-bejing)"
    )
    assert "CI_REGION=ap-bejing is not a region with Cloud Infinite; did you mean ap-beijing?" in region_hint(settings)
    assert region_hint(load_settings(CONFIG_BASE)) == ""


def escalation_env(ci, slack, tmp_path, **overrides):
    slack.groups["S0NEXTLVL"] = ["U0BOSS1", "U0BOSS2"]
    return bot_env(
        ci,
        slack,
        f"sqlite:///{tmp_path}/c.db",
        ESCALATE_AFTER_SECONDS="600",
        ESCALATION_USERGROUPS="S0NEXTLVL",
        ESCALATION_USERS="U0BOSS3",
        **overrides,
    )


def test_escalation_groups_and_direct_messages_are_checked(ci, slack, tmp_path):
    slack.scopes = "commands,chat:write,usergroups:read"
    out = run_check(escalation_env(ci, slack, tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "S0NEXTLVL: 2 member(s)" in row(out, "escalation group")
    assert "the 3 member(s) of the next level" in row(out, "escalation DMs")


def test_a_missing_escalation_group_or_dm_scope_is_named(ci, slack, tmp_path):
    slack.scopes = "commands,usergroups:read"
    slack.fail("usergroups.users.list", 1, error="no_such_subteam")
    out = run_check(escalation_env(ci, slack, tmp_path))
    assert out.returncode == 1
    assert "S0NEXTLVL: no_such_subteam" in row(out, "escalation group") and "FIX" in row(out, "escalation group")
    assert "lacks chat:write" in row(out, "escalation DMs")


def test_escalation_without_a_next_level_is_named(ci, slack, tmp_path):
    out = run_check(bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", ESCALATE_AFTER_SECONDS="600"))
    assert out.returncode == 1 and "ESCALATION_USERGROUPS or ESCALATION_USERS" in out.stdout
