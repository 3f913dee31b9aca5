"""Settings: every contract name, defaults, one message naming every problem, no secret shown."""

from __future__ import annotations

import logging

import pytest

from bot import logs
from bot.config import ConfigError, Secret, load_settings

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
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "APPROVAL_CHANNEL", "AUDIT_CHANNEL",
                 "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "CI_BUCKET", "CI_REGION",
                 "CI_RATE_LIMIT", "FOUR_EYES", "APPROVER_USERS"):
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
    logs.event(log, "x", auth="q-sign-algorithm=sha1&q-ak=AKID1&q-signature=abcdef0123", key="tencent-secret-key",
               token="xoxb-123-456-abc", url="postgresql://user:hunter2@db/x",
               slack_sig="v0=" + "ab12" * 16)
    out = stream.getvalue()
    for secret in ("abcdef0123", "tencent-secret-key", "xoxb-123-456-abc", "hunter2", "AKID1", "ab12" * 16):
        assert secret not in out
    assert '"event": "x"' in out


def test_socket_mode_needs_an_app_token():
    env = dict(BASE)
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN is required in Socket Mode"):
        load_settings(env, http_mode=False)
    assert load_settings(dict(env, SLACK_APP_TOKEN="xapp-1-a"), http_mode=False).socket_mode


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
    assert "APPROVAL_REMINDER_SECONDS='soon' is not a number" in str(caught.value)
