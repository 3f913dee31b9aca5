"""Settings: every contract name, defaults, one message naming every problem, no secret shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.config import ConfigError, Secret
from bot.config_load import load_settings
from bot.config_reader import PLACEHOLDERS
from bot.observe import logs

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1-abc",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "APPROVER_USERS": "U01ONCALL",
    "APPROVAL_CHANNEL": "C0APPROVE",
    "AUDIT_CHANNEL": "C0AUDIT",
    "TENCENTCLOUD_SECRET_ID": "AKIDexample",
    "TENCENTCLOUD_SECRET_KEY": "tencent-secret-key",
    "CI_BUCKET": "examplebucket-1250000000",
    "CI_REGION": "ap-beijing",
}


def test_defaults_follow_the_contract():
    s = load_settings(BASE)
    assert s.ci_endpoint == "https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com"
    assert (s.ci_rate_limit, s.approval_ttl_seconds, s.four_eyes, s.port) == (20, 1800, False, 3000)
    assert s.shutdown_grace_seconds == 20
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.database_url == "sqlite:///cancel-moderation.db"
    assert s.requester_users == frozenset() and s.allowed_channels == frozenset()
    assert not s.socket_mode


def test_every_setting_is_read():
    env = dict(
        BASE,
        REQUESTER_USERS="U1AAA, U2BBB",
        REQUESTER_USERGROUPS="S1MODS",
        APPROVER_USERGROUPS="S2ONCALL",
        ALLOWED_CHANNELS="C1,C2".replace("C1", "C111").replace("C2", "G222"),
        APPROVAL_TTL_SECONDS="60",
        FOUR_EYES="true",
        TENCENTCLOUD_SESSION_TOKEN="sts",
        CI_ENDPOINT="http://127.0.0.1:8080/",
        CI_RATE_LIMIT="5",
        SLACK_APP_TOKEN="xapp-1-xyz",
        SLACK_API_URL="http://127.0.0.1:9/api",
        PORT="8000",
        DATABASE_URL="postgres://u:p@db/x",
    )
    s = load_settings(env)
    assert s.requester_users == {"U1AAA", "U2BBB"} and s.requester_usergroups == {"S1MODS"}
    assert s.approver_usergroups == {"S2ONCALL"} and s.allowed_channels == {"C111", "G222"}
    assert (s.approval_ttl_seconds, s.four_eyes, s.ci_rate_limit, s.port) == (60, True, 5, 8000)
    assert s.ci_endpoint == "http://127.0.0.1:8080" and s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.database_url == "postgresql://u:p@db/x"
    assert s.socket_mode and s.tencentcloud_session_token.reveal() == "sts"


def test_all_problems_are_named_in_one_message():
    env = {"CI_RATE_LIMIT": "fast", "FOUR_EYES": "maybe", "APPROVER_USERS": "bob", "CI_BUCKET": "no"}
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    text = str(err.value)
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "APPROVAL_CHANNEL",
        "AUDIT_CHANNEL",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "CI_BUCKET",
        "CI_REGION",
        "CI_RATE_LIMIT",
        "FOUR_EYES",
        "APPROVER_USERS",
    ):
        assert name in text, name
    assert len(err.value.problems) >= 11


def test_signing_secret_not_needed_in_socket_mode_and_slack_not_needed_for_cli():
    env = dict(BASE, SLACK_APP_TOKEN="xapp-1-a")
    del env["SLACK_SIGNING_SECRET"]
    assert load_settings(env).socket_mode
    only_tencent = {k: v for k, v in BASE.items() if k.startswith(("TENCENT", "CI_"))}
    assert load_settings(only_tencent, require=["tencent"]).ci_bucket == "examplebucket-1250000000"


def test_secrets_never_show(caplog, capsys):
    s = load_settings(dict(BASE, TENCENTCLOUD_SESSION_TOKEN="sts-token-value"))
    text = repr(s) + str(s)
    for secret in ("xoxb-1-abc", "signing-secret-value", "tencent-secret-key", "sts-token-value"):
        assert secret not in text
    assert isinstance(s.tencentcloud_secret_key, Secret)
    with pytest.raises(ConfigError) as err:
        load_settings(dict(BASE, SLACK_BOT_TOKEN="not-a-bot-token-secret"))
    assert "not-a-bot-token-secret" not in str(err.value)


def test_redactor_removes_secrets_and_secret_shapes():
    import io

    stream = io.StringIO()
    logs.configure("INFO", "json", ["tencent-secret-key"], stream=stream)
    log = logging.getLogger("t")
    logs.event(
        log,
        "x",
        auth="q-sign-algorithm=sha1&q-ak=AKID1&q-signature=abcdef0123",
        key="tencent-secret-key",
        token="xoxb-123-456-abc",
        url="postgresql://user:hunter2@db/x",
        slack_sig="v0=" + "ab12" * 16,
    )
    out = stream.getvalue()
    for secret in ("abcdef0123", "tencent-secret-key", "xoxb-123-456-abc", "hunter2", "AKID1", "ab12" * 16):
        assert secret not in out
    assert '"event": "x"' in out


def test_socket_mode_needs_an_app_token():
    env = dict(BASE)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is required in Socket Mode"):
        load_settings(env, http_mode=False)
    assert load_settings(dict(env, SLACK_APP_TOKEN="xapp-1-a"), http_mode=False).socket_mode


# -- the usual newcomer mistakes --------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def example_env() -> dict:
    return {k: v for k, v in dotenv_values(ROOT / ".env.example").items() if v}


def problems(env, **kw) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_settings(env, **kw)
    return err.value.problems


def test_env_example_copied_unchanged_is_refused_placeholder_by_placeholder():
    found = "\n".join(problems(example_env()))
    for name in ("SLACK_BOT_TOKEN", "APPROVER_USERS", "APPROVAL_CHANNEL", "AUDIT_CHANNEL", "TENCENTCLOUD_SECRET_ID", "CI_BUCKET"):
        assert f"{name}" in found and "placeholder from .env.example" in found.split(name, 1)[1].split("\n")[0], name


def test_every_value_in_env_example_is_a_placeholder_or_the_default():
    defaults = load_settings({}, require=[])
    for name, value in example_env().items():
        if value in PLACEHOLDERS or value.endswith("..."):
            continue
        assert getattr(load_settings({name: value}, require=[]), name.lower()) == getattr(defaults, name.lower()), name


def test_missing_settings_say_where_settings_come_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as err:
        load_settings({})
    assert "copy .env.example to .env" in str(err.value) and str(tmp_path / ".env") in str(err.value)
    (tmp_path / ".env").write_text("LOG_LEVEL=info\n")
    with pytest.raises(ConfigError) as err:
        load_settings({})
    assert f"from {tmp_path / '.env'}" in str(err.value)


def test_a_token_in_the_wrong_variable_names_the_right_one():
    found = problems(dict(BASE, SLACK_BOT_TOKEN="xapp-1-A1-secretpart", SLACK_APP_TOKEN="xoxb-1-secretpart"))
    assert any(p.startswith("SLACK_BOT_TOKEN holds a xapp-… token, which belongs in SLACK_APP_TOKEN") for p in found), found
    assert any(p.startswith("SLACK_APP_TOKEN holds a xoxb-… token, which belongs in SLACK_BOT_TOKEN") for p in found), found
    assert "secretpart" not in "\n".join(found)
    [user_token] = problems(dict(BASE, SLACK_BOT_TOKEN="xoxp-1-secretpart"))
    assert "a user token" in user_token and "Bot User OAuth Token" in user_token and "secretpart" not in user_token


def test_a_channel_name_is_shown_what_a_channel_id_looks_like_and_where_to_copy_it():
    [found] = problems(dict(BASE, APPROVAL_CHANNEL="#approvals"))
    assert found.startswith("APPROVAL_CHANNEL='#approvals' is a channel name, not a channel ID")
    assert "C0123ABCD" in found and "copy the Channel ID" in found
    [found] = problems(dict(BASE, ALLOWED_CHANNELS="C0OK, general"))
    assert "general" in found and "C0123ABCD" in found


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("CI_RATE_LIMIT", "5000", "is out of range: use 1 to 1000 (requests per second"),
        ("CI_RATE_LIMIT", "fast", "is not a whole number: use 1 to 1000 (requests per second"),
        ("APPROVAL_TTL_SECONDS", "5", "use 10 to 604800 (seconds"),
        ("PORT", "80000", "use 1 to 65535 (TCP port)"),
        ("CI_READ_TIMEOUT", "0", "use 0.01 to 120 (seconds)"),
        ("CI_CONNECT_TIMEOUT", "soon", "is not a number: use 0.01 to 60 (seconds)"),
        ("CI_MAX_ATTEMPTS", "11", "use 1 to 10 (attempts per call)"),
        ("WORKER_THREADS", "0", "use 1 to 256 (threads)"),
        ("SHUTDOWN_GRACE_SECONDS", "30s", "is not a number: use 5 to 600 (seconds from SIGTERM"),
        ("SHUTDOWN_GRACE_SECONDS", "2", "is out of range: use 5 to 600 (seconds from SIGTERM"),
    ],
)
def test_range_errors_state_the_range_and_the_unit(name, value, expected):
    [found] = problems(dict(BASE, **{name: value}))
    assert found.startswith(f"{name}={value!r}") and expected in found, found


def test_the_command_line_ignores_slack_and_policy_settings():
    env = dict(example_env(), **{k: v for k, v in BASE.items() if k.startswith(("TENCENT", "CI_"))})
    env["SLACK_APP_TOKEN"] = "xoxb-in-the-wrong-place"
    assert load_settings(env, require=["tencent"]).ci_region == "ap-beijing"
    assert any("SLACK_APP_TOKEN" in p for p in problems(env))


@pytest.mark.parametrize("shape", ["form", "dict", "json", "payload"])
def test_slack_payload_fields_never_reach_a_log_line(shape):
    """Libraries print request bodies (Bolt on a failed verification, for one): what grants access is removed."""
    import io
    import json
    import urllib.parse

    fields = {
        "token": "legacy-verification-abc",
        "team_id": "T1",
        "trigger_id": "1337.42.trigger9",
        "response_url": "https://hooks.slack.com/commands/T1/42/hook-secret-xyz",
    }
    body = {
        "form": urllib.parse.urlencode(fields),
        "dict": repr(fields),
        "json": json.dumps(fields),
        "payload": urllib.parse.urlencode({"payload": json.dumps({"type": "block_actions", **fields})}),
    }[shape]
    stream = io.StringIO()
    logs.configure("INFO", "json", [], stream=stream)
    logging.getLogger("slack_bolt.RequestVerification").info(f"Invalid request signature detected (signature: v0=abc, timestamp: 1, body: {body})")
    out = stream.getvalue()
    for value in ("legacy-verification-abc", "1337.42.trigger9", "hook-secret-xyz", "hooks.slack.com"):
        assert value not in out and urllib.parse.quote(value, safe="") not in out, (value, out)
    assert "T1" in out


def test_approval_reminder_defaults_to_half_the_ttl_and_zero_turns_it_off():
    assert load_settings(dict(BASE, APPROVAL_TTL_SECONDS="600")).reminder_seconds == 300
    assert load_settings(dict(BASE, APPROVAL_REMINDER_SECONDS="0")).reminder_seconds == 0
    assert load_settings(dict(BASE, APPROVAL_REMINDER_SECONDS="90")).reminder_seconds == 90


def test_a_reminder_after_the_expiry_is_refused_with_a_clear_message():
    with pytest.raises(ConfigError) as caught:
        load_settings(dict(BASE, APPROVAL_TTL_SECONDS="60", APPROVAL_REMINDER_SECONDS="60"))
    assert "APPROVAL_REMINDER_SECONDS=60 must be less than APPROVAL_TTL_SECONDS=60" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        load_settings(dict(BASE, APPROVAL_REMINDER_SECONDS="soon"))
    assert "APPROVAL_REMINDER_SECONDS='soon' is not a whole number" in str(caught.value)


def test_moderation_callback_settings_default_and_parse():
    s = load_settings(BASE)
    assert not s.callback_token and s.propose_results == {1} and s.proposal_cooldown_seconds == 600
    s = load_settings(dict(BASE, CALLBACK_TOKEN="cb-Token_0123.456~789", PROPOSE_RESULTS="1, 2", PROPOSAL_COOLDOWN_SECONDS="30"))
    assert s.callback_token.reveal() == "cb-Token_0123.456~789" and s.propose_results == {1, 2} and s.proposal_cooldown_seconds == 30
    assert load_settings(dict(BASE, PROPOSE_RESULTS="2")).propose_results == {2}
    assert "cb-Token_0123.456~789" not in repr(s) + str(s)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("CALLBACK_TOKEN", "short-token", "CALLBACK_TOKEN must be 16 to 256 characters"),
        ("CALLBACK_TOKEN", "has spaces in it 0123456789", "CALLBACK_TOKEN must be 16 to 256 characters"),
        ("CALLBACK_TOKEN", "a&b=c#d/0123456789abcdef", "CALLBACK_TOKEN must be 16 to 256 characters"),
        ("PROPOSE_RESULTS", "0", "PROPOSE_RESULTS='0' must list verdicts 1 (violation) and/or 2 (suspected)"),
        ("PROPOSE_RESULTS", "1,3", "PROPOSE_RESULTS='1,3' must list verdicts"),
        ("PROPOSE_RESULTS", "violation", "PROPOSE_RESULTS='violation' must list verdicts"),
        ("PROPOSE_RESULTS", ",", "PROPOSE_RESULTS=',' must list verdicts"),
        ("PROPOSAL_COOLDOWN_SECONDS", "0", "PROPOSAL_COOLDOWN_SECONDS='0' is out of range: use 1 to 604800 (seconds"),
        ("PROPOSAL_COOLDOWN_SECONDS", "ten", "PROPOSAL_COOLDOWN_SECONDS='ten' is not a whole number"),
    ],
)
def test_a_bad_callback_setting_stops_the_start_naming_it(name, value, expected):
    with pytest.raises(ConfigError) as caught:
        load_settings(dict(BASE, **{name: value}))
    [problem] = caught.value.problems
    assert expected in problem
    if name == "CALLBACK_TOKEN":
        assert value not in str(caught.value)  # a secret is never echoed
