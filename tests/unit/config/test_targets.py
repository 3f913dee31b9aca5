"""CI_TARGETS: typed targets, the single-target settings as `default`, and one clear message per
malformed case, naming the setting."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from bot.config_load import load_settings

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1-abc",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "APPROVER_USERS": "U01ONCALL",
    "APPROVAL_CHANNEL": "C0APPROVE",
    "AUDIT_CHANNEL": "C0AUDIT",
    "TENCENTCLOUD_SECRET_ID": "AKIDshared",
    "TENCENTCLOUD_SECRET_KEY": "shared-secret-key",
}
SINGLE = dict(BASE, CI_BUCKET="examplebucket-1250000000", CI_REGION="ap-beijing")
TWO = dict(BASE, CI_TARGETS="bj=live-1250000000@ap-beijing, sg=archive-1250000000@ap-singapore")


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    return err.value.problems


def test_without_ci_targets_the_bucket_and_region_are_the_one_target_default():
    s = load_settings(SINGLE)
    [default] = s.targets
    assert (default.name, default.bucket, default.region, default.appid) == ("default", "examplebucket-1250000000", "ap-beijing", "1250000000")
    assert default.endpoint == s.ci_endpoint == "https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com"
    assert default.secret_id == "AKIDshared" and default.secret_key.reveal() == "shared-secret-key"
    assert not default.own_oncall and s.ci_targets == ()
    assert default.label == "default (examplebucket-1250000000 @ ap-beijing)"


def test_settings_built_in_code_still_have_their_one_target():
    s = Settings(ci_bucket="b-1250000000", ci_region="ap-beijing", ci_endpoint="http://127.0.0.1:1")
    assert [(t.name, t.endpoint) for t in s.targets] == [("default", "http://127.0.0.1:1")]
    assert s.target("default") is s.targets[0] or s.target("default") == s.targets[0]
    assert s.target("bj") is None


def test_ci_targets_replace_the_single_bucket_in_their_order():
    s = load_settings(TWO)
    assert [(t.name, t.bucket, t.region, t.appid) for t in s.targets] == [
        ("bj", "live-1250000000", "ap-beijing", "1250000000"),
        ("sg", "archive-1250000000", "ap-singapore", "1250000000"),
    ]
    assert s.target("sg").endpoint == "https://archive-1250000000.ci.ap-singapore.myqcloud.com"
    assert all(t.secret_id == "AKIDshared" for t in s.targets)
    assert s.ci_bucket == "" and s.ci_region == ""


def test_a_target_of_another_account_uses_only_its_own_keys():
    env = dict(
        TWO,
        TENCENTCLOUD_SESSION_TOKEN="shared-token",
        CI_TARGET_SG_SECRET_ID="AKIDpartner",
        CI_TARGET_SG_SECRET_KEY="partner-secret-key",
        CI_TARGET_SG_ENDPOINT="http://127.0.0.1:8081/",
    )
    s = load_settings(env)
    bj, sg = s.targets
    assert (bj.secret_id, bj.session_token.reveal()) == ("AKIDshared", "shared-token")
    assert (sg.secret_id, sg.secret_key.reveal()) == ("AKIDpartner", "partner-secret-key")
    assert sg.session_token.reveal() == ""  # never the TENCENTCLOUD_* token
    assert sg.endpoint == "http://127.0.0.1:8081"
    assert "partner-secret-key" in s.secrets() and "partner-secret-key" not in repr(s)


def test_shared_keys_are_not_needed_when_every_target_has_its_own():
    env = {k: v for k, v in TWO.items() if not k.startswith("TENCENTCLOUD_")}
    env.update(CI_TARGET_BJ_SECRET_ID="AKIDa", CI_TARGET_BJ_SECRET_KEY="ka", CI_TARGET_SG_SECRET_ID="AKIDb", CI_TARGET_SG_SECRET_KEY="kb")
    assert [t.secret_id for t in load_settings(env).targets] == ["AKIDa", "AKIDb"]
    env.pop("CI_TARGET_SG_SECRET_ID")
    env.pop("CI_TARGET_SG_SECRET_KEY")
    found = problems(env)
    assert any(p.startswith("TENCENTCLOUD_SECRET_ID is required") for p in found), found


def test_per_target_on_call():
    env = dict(TWO, CI_TARGET_SG_APPROVER_USERGROUPS="S0SGONCALL", CI_TARGET_SG_APPROVER_USERS="U0SGLEAD")
    bj, sg = load_settings(env).targets
    assert not bj.own_oncall
    assert sg.own_oncall and sg.approver_usergroups == {"S0SGONCALL"} and sg.approver_users == {"U0SGLEAD"}


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        ("bj", "CI_TARGETS: 'bj' is not a target: write name=BucketName-APPID@region"),
        ("=live-1250000000@ap-beijing", "CI_TARGETS: '=live-1250000000@ap-beijing' is not a target"),
        ("bj=@ap-beijing", "CI_TARGETS: target 'bj' has no bucket"),
        ("bj=live-1250000000", "CI_TARGETS: target 'bj' has no region"),
        ("bj=live-1250000000@", "CI_TARGETS: target 'bj' has no region"),
        ("BJ=live-1250000000@ap-beijing", "CI_TARGETS: 'BJ' is not a target name"),
        ("1bj=live-1250000000@ap-beijing", "CI_TARGETS: '1bj' is not a target name"),
        ("b-j=live-1250000000@ap-beijing", "CI_TARGETS: 'b-j' is not a target name"),
        ("bj=live@ap-beijing", "CI_TARGETS: target 'bj' has 'live', which is not a bucket"),
        ("bj=live-1250000000@Beijing", "CI_TARGETS: target 'bj' has 'Beijing', which is not a region"),
        ("bj=a-1250000000@ap-beijing,bj=b-1250000000@ap-beijing", "CI_TARGETS names the target 'bj' twice"),
        ("bj=a-1250000000@ap-beijing,bj2=a-1250000000@ap-beijing", "CI_TARGETS lists a-1250000000@ap-beijing twice (bj and bj2)"),
    ],
)
def test_a_malformed_ci_targets_stops_the_start_naming_it(targets, expected):
    found = problems(dict(BASE, CI_TARGETS=targets))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_too_many_targets():
    many = ",".join(f"t{i}=b{i}-1250000000@ap-beijing" for i in range(21))
    assert problems(dict(BASE, CI_TARGETS=many)) == ["CI_TARGETS lists 21 targets: at most 20"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CI_TARGET_HK_ENDPOINT", "CI_TARGET_HK_ENDPOINT is for the target 'hk', which CI_TARGETS does not list (bj, sg)"),
        ("CI_TARGET_BJ_APPROVER_USERZ", "CI_TARGET_BJ_APPROVER_USERZ is not a setting: per-target settings are CI_TARGET_<NAME>_ENDPOINT"),
        ("CI_TARGET_ENDPOINT", "CI_TARGET_ENDPOINT is not a setting"),
    ],
)
def test_a_setting_for_an_unknown_target_stops_the_start(name, expected):
    found = problems(dict(TWO, **{name: "value-that-is-never-shown"}))
    assert len(found) == 1 and found[0].startswith(expected), found
    assert "value-that-is-never-shown" not in found[0]


def test_a_per_target_setting_without_ci_targets_is_named():
    found = problems(dict(SINGLE, CI_TARGET_DEFAULT_ENDPOINT="http://127.0.0.1:1"))
    assert found == [
        "CI_TARGET_DEFAULT_ENDPOINT is for the target 'default', but CI_TARGETS is not set: list it there, or remove CI_TARGET_DEFAULT_ENDPOINT"
    ]


def test_the_single_target_settings_are_not_mixed_with_ci_targets():
    found = problems(dict(TWO, CI_BUCKET="examplebucket-1250000000", CI_REGION="ap-beijing"))
    assert [p.split(" ")[0] for p in found] == ["CI_BUCKET", "CI_REGION"]
    assert "is not used when CI_TARGETS is set" in found[0]


def test_half_of_another_accounts_keys_is_named():
    found = problems(dict(TWO, CI_TARGET_SG_SECRET_ID="AKIDpartner"))
    assert len(found) == 1 and found[0].startswith("CI_TARGET_SG_SECRET_KEY is required: CI_TARGET_SG_SECRET_ID is set"), found
    found = problems(dict(TWO, CI_TARGET_SG_SECRET_KEY="partner-secret-key"))
    assert found == [
        "CI_TARGET_SG_SECRET_KEY is set but CI_TARGET_SG_SECRET_ID is not: set the other account's SecretId too, or remove CI_TARGET_SG_SECRET_KEY"
    ]


def test_bad_per_target_endpoint_and_on_call_name_the_setting():
    found = problems(dict(TWO, CI_TARGET_BJ_ENDPOINT="ftp://x/y", CI_TARGET_SG_APPROVER_USERS="bob"))
    assert [p.split("=")[0].split(" ")[0] for p in found] == ["CI_TARGET_BJ_ENDPOINT", "CI_TARGET_SG_APPROVER_USERS"], found


def test_every_problem_is_reported_together():
    env = dict(BASE, CI_TARGETS="bj=live-1250000000@ap-beijing,x=nobucket", CI_TARGET_HK_ENDPOINT="http://h")
    found = problems(env)
    assert len(found) == 2 and any("'x' has no region" in p for p in found) and any("CI_TARGET_HK_ENDPOINT" in p for p in found)
