"""The Tencent section: CI_TARGETS (several buckets and regions, each with its own keys and on-call),
or the one target CI_BUCKET@CI_REGION; the keys and the CI client's knobs."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bot.config import Secret, Target
from bot.config_reader import USER_ID, USERGROUP_ID, Reader

BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}-[0-9]{4,12}$")
REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,3}$")

TARGET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_TARGETS = 20  # each job is looked up in every target: keep that bounded
#: The per-target settings, CI_TARGET_<NAME>_<SUFFIX>.
TARGET_SETTINGS = ("ENDPOINT", "SECRET_ID", "SECRET_KEY", "SESSION_TOKEN", "APPROVER_USERGROUPS", "APPROVER_USERS")


def tencent_settings(r: Reader, required: bool) -> dict:
    listed = r.env.get("CI_TARGETS", "").strip()
    entries = _target_entries(r, listed) if listed else []
    _unknown_target_settings(r, [name for name, _, _ in entries], bool(listed))
    # The TENCENTCLOUD_* keys are needed unless every target names its own.
    shared_keys = not entries or any(not r.env.get(_target_var(name, "SECRET_ID"), "").strip() for name, _, _ in entries)
    bucket, region, endpoint = _targets_replace_single(r) if listed else _single_target(r, required)
    secret_id = r.text("TENCENTCLOUD_SECRET_ID", required=required and shared_keys, help="the API key's SecretId (AKID…, CAM → API keys)")
    secret_key = r.secret("TENCENTCLOUD_SECRET_KEY", required=required and shared_keys, help="the API key's SecretKey")
    session_token = r.secret("TENCENTCLOUD_SESSION_TOKEN")
    shared = (secret_id, secret_key, session_token)
    return dict(
        tencentcloud_secret_id=secret_id,
        tencentcloud_secret_key=secret_key,
        tencentcloud_session_token=session_token,
        ci_bucket=bucket,
        ci_region=region,
        ci_endpoint=endpoint,
        ci_targets=tuple(_target(r, name, b, reg, shared) for name, b, reg in entries),
        ci_rate_limit=int(r.number("CI_RATE_LIMIT", 20, int, 1, 1000, "requests per second per account (APPID), all bot processes together")),
        ci_connect_timeout=r.number("CI_CONNECT_TIMEOUT", 3.05, float, 0.01, 60, "seconds"),
        ci_read_timeout=r.number("CI_READ_TIMEOUT", 10.0, float, 0.01, 120, "seconds"),
        ci_max_attempts=int(r.number("CI_MAX_ATTEMPTS", 4, int, 1, 10, "attempts per call")),
    )


def _single_target(r: Reader, required: bool) -> tuple[str, str, str]:
    """CI_BUCKET, CI_REGION and CI_ENDPOINT: the one target `default`."""
    bucket = r.pattern("CI_BUCKET", BUCKET, "bucket (BucketName-APPID, e.g. mybucket-1250000000)", required=required)
    region = r.pattern("CI_REGION", REGION, "region (e.g. ap-beijing)", required=required)
    return bucket, region, _base_url(r, "CI_ENDPOINT", _ci_host(bucket, region))


def _targets_replace_single(r: Reader) -> tuple[str, str, str]:
    """With CI_TARGETS set, the single-target settings would be silently ignored: say so instead."""
    for name in ("CI_BUCKET", "CI_REGION", "CI_ENDPOINT"):
        if r.env.get(name, "").strip():
            r.problem(
                f"{name} is not used when CI_TARGETS is set: list that bucket in CI_TARGETS "
                f"(CI_TARGET_<NAME>_ENDPOINT for its endpoint) and remove {name}"
            )
    return "", "", ""


def _ci_host(bucket: str, region: str) -> str:
    return f"https://{bucket}.ci.{region}.myqcloud.com" if bucket and region else ""


def _base_url(r: Reader, name: str, default: str) -> str:
    endpoint = r.text(name, default)
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
            r.problem(f"{name}={endpoint!r} must be an http(s) base URL with no path")
        endpoint = endpoint.rstrip("/")
    return endpoint


def _target_var(name: str, suffix: str) -> str:
    return f"CI_TARGET_{name.upper()}_{suffix}"


TARGETS_FORM = "write name=BucketName-APPID@region, comma-separated (e.g. bj=live-1250000000@ap-beijing)"


def _target_entries(r: Reader, listed: str) -> list[tuple[str, str, str]]:
    """CI_TARGETS as (name, bucket, region), each malformed entry named once."""
    entries: list[tuple[str, str, str]] = []
    places: dict[str, str] = {}  # bucket@region -> the name that listed it first
    items = [part.strip() for part in listed.split(",")]
    if not any(items) or "" in items[:-1]:  # "," or "a,,b": an empty entry is a typo, never "no target"
        r.problem(f"CI_TARGETS has an empty entry: {TARGETS_FORM}")
    for item in items:
        entry = _target_entry(r, item) if item else None
        if entry is None:
            continue
        name, bucket, region = entry
        if any(name == seen for seen, _, _ in entries):
            r.problem(f"CI_TARGETS names the target {name!r} twice: target names must be unique")
            continue
        if (first := places.setdefault(f"{bucket}@{region}", name)) != name:
            r.problem(f"CI_TARGETS lists {bucket}@{region} twice ({first} and {name}): every job would be found in both; list it once")
            continue
        entries.append(entry)
    if len(entries) > MAX_TARGETS:
        r.problem(f"CI_TARGETS lists {len(entries)} targets: at most {MAX_TARGETS}")
    return entries


def _target_entry(r: Reader, item: str) -> tuple[str, str, str] | None:
    name, sep, spec = (part.strip() for part in item.partition("="))
    if not sep or not name:
        r.problem(f"CI_TARGETS: {item!r} is not a target: {TARGETS_FORM}")
        return None
    if not TARGET_NAME.match(name):
        r.problem(f"CI_TARGETS: {name!r} is not a target name: use lower-case letters, digits and _, starting with a letter (at most 32)")
        return None
    bucket, at, region = (part.strip() for part in spec.rpartition("@"))
    if not at:
        bucket, region = spec, ""
    if not bucket or not region:
        r.problem(f"CI_TARGETS: target {name!r} has no {'bucket' if not bucket else 'region'}: {TARGETS_FORM}")
        return None
    if not BUCKET.match(bucket):
        r.problem(f"CI_TARGETS: target {name!r} has {bucket!r}, which is not a bucket: use BucketName-APPID (e.g. mybucket-1250000000)")
        return None
    if not REGION.match(region):
        r.problem(f"CI_TARGETS: target {name!r} has {region!r}, which is not a region (e.g. ap-beijing)")
        return None
    return name, bucket, region


def _unknown_target_settings(r: Reader, names: list[str], listed: bool) -> None:
    """A CI_TARGET_<NAME>_* setting for a target CI_TARGETS does not list (a typo, a removed target)
    would be silently ignored: name it. Only the variable's name is shown, never its value."""
    for var in sorted(k for k, v in r.env.items() if k.startswith("CI_TARGET_") and v.strip()):
        suffix = next((s for s in TARGET_SETTINGS if var.endswith("_" + s)), None)
        raw = var[len("CI_TARGET_") : -len(suffix) - 1] if suffix else ""
        name = raw.lower()
        if suffix is None or not name:
            r.problem(f"{var} is not a setting: per-target settings are CI_TARGET_<NAME>_" + ", _".join(TARGET_SETTINGS))
        elif raw != raw.upper():  # read as CI_TARGET_<NAME upper-cased>_*: any other spelling would be ignored
            r.problem(f"{var} is not read: spell the target's name upper-case, CI_TARGET_{raw.upper()}_{suffix}")
        elif not listed:
            r.problem(f"{var} is for the target {name!r}, but CI_TARGETS is not set: list it there, or remove {var}")
        elif name not in names:
            r.problem(f"{var} is for the target {name!r}, which CI_TARGETS does not list ({', '.join(names) or 'none valid'})")


def _target(r: Reader, name: str, bucket: str, region: str, shared: tuple[str, Secret, Secret]) -> Target:
    """One target with its endpoint, keys and on-call: its own settings, else the shared ones."""
    var = lambda suffix: _target_var(name, suffix)  # noqa: E731
    secret_id, secret_key, session_token = shared
    if own_id := r.text(var("SECRET_ID")):
        # Another account: its own key and token only; never mixed with TENCENTCLOUD_*.
        why = f"{var('SECRET_ID')} is set, so this target signs with its own SecretKey only"
        secret_id, secret_key, session_token = own_id, r.secret(var("SECRET_KEY"), required=True, help=why), r.secret(var("SESSION_TOKEN"))
    else:
        for stray in (var("SECRET_KEY"), var("SESSION_TOKEN")):
            if r.env.get(stray, "").strip():
                r.problem(f"{stray} is set but {var('SECRET_ID')} is not: set the other account's SecretId too, or remove {stray}")
    return Target(
        name=name,
        bucket=bucket,
        region=region,
        endpoint=_base_url(r, var("ENDPOINT"), _ci_host(bucket, region)),
        secret_id=secret_id,
        secret_key=secret_key,
        session_token=session_token,
        approver_users=r.id_set(var("APPROVER_USERS"), USER_ID, "user ID"),
        approver_usergroups=r.id_set(var("APPROVER_USERGROUPS"), USERGROUP_ID, "user-group ID"),
    )
