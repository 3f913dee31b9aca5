"""One typed settings object, read from the environment and `.env`.

Every name and default here is part of the public contract (see docs/settings.md and `.env.example`).
Parsing collects every problem before failing, so an operator fixes them all in one go.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,20}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}-[0-9]{4,12}$")
REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,3}$")

TARGET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
DEFAULT_TARGET = "default"  # the one target CI_BUCKET@CI_REGION, when CI_TARGETS is not set
MAX_TARGETS = 20  # each job is looked up in every target: keep that bounded
#: The per-target settings, CI_TARGET_<NAME>_<SUFFIX>.
TARGET_SETTINGS = ("ENDPOINT", "SECRET_ID", "SECRET_KEY", "SESSION_TOKEN", "APPROVER_USERGROUPS", "APPROVER_USERS")

DEFAULT_DATABASE_URL = "sqlite:///cancel-moderation.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"

#: Sections a command can require; `run` needs all, `cancel` from the CLI needs no Slack.
#: Problems are reported only for the sections a command needs, plus "runtime" (database, logs).
ALL_SECTIONS = frozenset({"slack", "tencent", "policy"})

#: The example values of `.env.example`: copied unchanged they look valid, but are nobody's.
PLACEHOLDERS = frozenset({"xoxb-your-bot-token", "U0123ONCALL", "C0123APPROVALS", "C0123AUDIT", "AKID...", "your-bucket-1250000000"})

#: What each kind of Slack ID looks like, and where an operator copies one from.
ID_HELP = {
    "user ID": "a user ID (like U0123ABCD: in Slack open the person's profile, click ⋮ (More) and choose Copy member ID)",
    "user-group ID": "a user-group ID (like S0123ABCD: the last part of the group's URL in Slack, under People → User groups)",
    "channel ID": "a channel ID (like C0123ABCD: in Slack open the channel, click its name at the top, "
    "and copy the Channel ID at the bottom of the About tab)",
}

#: Where each Slack token is found, and its prefix, so a token in the wrong variable is named.
TOKENS = {
    "SLACK_BOT_TOKEN": ("xoxb-", "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions"),
    "SLACK_APP_TOKEN": ("xapp-", "an app-level token (xapp-…) with connections:write under Basic Information → App-Level Tokens"),
}
OTHER_TOKEN_KINDS = {"xoxp-": "a user token (xoxp-…)", "xoxe-": "a refresh token (xoxe-…)"}


class Secret:
    """A string that never shows itself in repr(), str(), logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


class ConfigError(Exception):
    """Raised with every problem found; str() is the message shown to the operator.

    `note` follows the list: where settings come from, when one is missing.
    """

    def __init__(self, problems: list[str], note: str = "") -> None:
        self.problems = problems
        self.note = note
        lines = "\n".join(f"  - {p}" for p in problems)
        text = f"Cannot start: {len(problems)} setting(s) need attention:\n{lines}"
        super().__init__(f"{text}\n{note}" if note else text)


@dataclass(frozen=True)
class Target:
    """One bucket in one region that the bot acts on, with the keys and on-call it uses there."""

    name: str
    bucket: str
    region: str
    endpoint: str
    secret_id: str
    secret_key: Secret
    session_token: Secret
    approver_users: frozenset[str] = frozenset()
    approver_usergroups: frozenset[str] = frozenset()

    @property
    def appid(self) -> str:
        """The account: buckets of one APPID share its rate limit."""
        return self.bucket.rsplit("-", 1)[-1]

    @property
    def own_oncall(self) -> bool:
        return bool(self.approver_users or self.approver_usergroups)

    @property
    def label(self) -> str:
        """How every message names it: name, bucket and region."""
        return f"{self.name} ({self.bucket} @ {self.region})"


@dataclass(frozen=True)
class Settings:
    # Slack and runtime
    slack_bot_token: Secret = field(default_factory=lambda: Secret(""))
    slack_signing_secret: Secret = field(default_factory=lambda: Secret(""))
    slack_app_token: Secret = field(default_factory=lambda: Secret(""))
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    database_url: str = DEFAULT_DATABASE_URL
    metrics_token: Secret = field(default_factory=lambda: Secret(""))
    metrics_port: int = 9090
    # Moderation callbacks: proposals (CALLBACK_TOKEN unset: no endpoint)
    callback_token: Secret = field(default_factory=lambda: Secret(""))
    propose_results: frozenset[int] = frozenset({1})
    proposal_cooldown_seconds: int = 600
    # Roles and policy
    requester_users: frozenset[str] = frozenset()
    requester_usergroups: frozenset[str] = frozenset()
    approver_users: frozenset[str] = frozenset()
    approver_usergroups: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()
    approval_channel: str = ""
    audit_channel: str = ""
    approval_ttl_seconds: int = 1800
    four_eyes: bool = False
    max_pending_per_user: int = 5
    approval_reminder_seconds: int | None = None  # None: half the TTL; 0: no reminder
    escalate_after_seconds: int = 0  # undecided this long: escalated to the next level (0: never)
    escalation_users: frozenset[str] = frozenset()
    escalation_usergroups: frozenset[str] = frozenset()
    # Tencent Cloud Infinite
    tencentcloud_secret_id: str = ""
    tencentcloud_secret_key: Secret = field(default_factory=lambda: Secret(""))
    tencentcloud_session_token: Secret = field(default_factory=lambda: Secret(""))
    ci_bucket: str = ""
    ci_region: str = ""
    ci_endpoint: str = ""
    ci_rate_limit: int = 20
    ci_targets: tuple[Target, ...] = ()  # from CI_TARGETS; empty: the one target `default`
    # Operational knobs (documented in docs/settings.md; sensible defaults)
    ci_connect_timeout: float = 3.05
    ci_read_timeout: float = 10.0
    ci_max_attempts: int = 4
    worker_threads: int = 16
    heartbeat_seconds: float = 5.0  # how often a process proves, in the database, that it is alive
    presumed_dead_seconds: float = 60.0  # a heartbeat this old (by the database's clock): the process is dead
    shutdown_grace_seconds: float = 20.0
    retention_days: int = 30
    work_queue_limit: int = 1000
    log_format: str = "auto"
    log_level: str = "INFO"

    @property
    def reminder_seconds(self) -> int:
        """When the one reminder is posted after a request (0: never)."""
        if self.approval_reminder_seconds is None:
            return self.approval_ttl_seconds // 2
        return self.approval_reminder_seconds

    @property
    def ci_attempt_deadline(self) -> float:
        """The longest one CI attempt can take (the client's hard deadline), plus a second of
        network slack: how long an unanswered request may still be arriving at Tencent."""
        return self.ci_connect_timeout + self.ci_read_timeout + 1.0

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def targets(self) -> tuple[Target, ...]:
        """Every target, in the order CI_TARGETS lists them; without it, CI_BUCKET@CI_REGION as `default`."""
        if self.ci_targets:
            return self.ci_targets
        default = Target(
            name=DEFAULT_TARGET,
            bucket=self.ci_bucket,
            region=self.ci_region,
            endpoint=self.ci_endpoint,
            secret_id=self.tencentcloud_secret_id,
            secret_key=self.tencentcloud_secret_key,
            session_token=self.tencentcloud_session_token,
        )
        return (default,)

    def target(self, name: str) -> Target | None:
        return next((t for t in self.targets if t.name == name), None)

    def secrets(self) -> list[str]:
        """Every secret value, for the log redactor."""
        values = [f.reveal() for f in self._secret_fields()]
        return [v for v in values if v]

    def _secret_fields(self) -> Iterable[Secret]:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                yield value
        for target in self.ci_targets:
            yield from (target.secret_key, target.session_token)


def load_dotenv_file(path: str | os.PathLike[str] = ".env") -> None:
    """Read `.env` into os.environ without overriding real environment variables."""
    from dotenv import load_dotenv

    if Path(path).is_file():
        load_dotenv(path, override=False)


class _Reader:
    """Reads raw strings from a mapping, recording problems (by section) instead of raising."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.section = "runtime"
        self.found: list[tuple[str, str]] = []  # (section, problem)
        self.missing = False

    def problem(self, text: str) -> None:
        self.found.append((self.section, text))

    def problems_for(self, need: Iterable[str]) -> list[str]:
        wanted = {*need, "runtime"}
        return [text for section, text in self.found if section in wanted]

    def text(self, name: str, default: str = "", required: bool = False, help: str = "") -> str:
        value = self.env.get(name, "").strip()
        if not value:
            if required:
                self.missing = True
                self.problem(f"{name} is required" + (f": {help}" if help else ""))
            return default
        if value in PLACEHOLDERS or "your-" in value or value.endswith("..."):
            shown = f"={value!r}" if value in PLACEHOLDERS else ""  # known examples only: never echo a secret
            self.problem(f"{name}{shown} is the placeholder from .env.example" + (f"; replace it with {help}" if help else ""))
            return default
        return value

    def token(self, name: str, required: bool = False) -> Secret:
        """A Slack token; one of another kind names the variable it belongs in. Never echoes the value."""
        prefix, where = TOKENS[name]
        value = self.text(name, required=required, help=where)
        if not value or value.startswith(prefix):
            return Secret(value)
        other = next((n for n, (p, _) in TOKENS.items() if value.startswith(p)), None)
        if other:
            kind = TOKENS[other][0]
            self.problem(f"{name} holds a {kind}… token, which belongs in {other}; {name} is {where}")
        else:
            kind = next((k for p, k in OTHER_TOKEN_KINDS.items() if value.startswith(p)), "a value")
            self.problem(f"{name} holds {kind} that does not start with {prefix!r}: {name} is {where}")
        return Secret("")

    def secret(self, name: str, required: bool = False, help: str = "") -> Secret:
        return Secret(self.text(name, required=required, help=help))

    def pattern(self, name: str, regex: re.Pattern[str], what: str, required: bool = False) -> str:
        help = ID_HELP.get(what, f"a {what}")
        value = self.text(name, required=required, help=help)
        if value and not regex.match(value):
            self.problem(f"{name}={value!r} {_not_a(value, what)}: use {help}")
            return ""
        return value

    def id_set(self, name: str, regex: re.Pattern[str], what: str) -> frozenset[str]:
        items = [p for p in re.split(r"[\s,]+", self.env.get(name, "").strip()) if p]
        placeholders = [p for p in items if p in PLACEHOLDERS]
        if placeholders:
            self.problem(f"{name}: {', '.join(placeholders)} is the placeholder from .env.example; replace it with {ID_HELP[what]}")
        bad = [p for p in items if not regex.match(p) and p not in PLACEHOLDERS]
        if bad:
            self.problem(f"{name} has values that are not {what}s: {', '.join(bad)}; use {ID_HELP[what]}")
        return frozenset(p for p in items if regex.match(p) and p not in PLACEHOLDERS)

    def number(self, name: str, default: float, cast: Callable[[str], float], low: float, high: float, unit: str) -> float:
        """A number within [low, high]; every error states the range and the unit."""
        raw = self.env.get(name, "").strip()
        if not raw:
            return default
        allowed = f"use {low:g} to {high:g} ({unit}); default {default:g}"
        try:
            value = cast(raw)
        except ValueError:
            kind = "a whole number" if cast is int else "a number"
            self.problem(f"{name}={raw!r} is not {kind}: {allowed}")
            return default
        if not low <= value <= high:
            self.problem(f"{name}={raw!r} is out of range: {allowed}")
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        self.problem(f"{name}={raw!r} must be true or false")
        return default

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        allowed = sorted(choices)
        if raw not in allowed:
            self.problem(f"{name}={raw!r} must be one of {', '.join(allowed)}")
            return default
        return raw

    def url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            self.problem(f"{name}={value!r} must be an http(s) URL")
        return value


def _not_a(value: str, what: str) -> str:
    if what == "channel ID" and (value.startswith("#") or value != value.upper()):
        return "is a channel name, not a channel ID"
    return f"is not a {what}"


def source_note(cwd: Path | None = None) -> str:
    """Where settings come from: said whenever one is missing, since a newcomer may have no `.env` yet."""
    env_file = (cwd or Path.cwd()) / ".env"
    if env_file.is_file():
        return f"Settings come from the environment and from {env_file} (real environment variables win): add them there."
    return (
        f"Settings come from the environment or from a .env file in the working directory, and there is no {env_file}: "
        "copy .env.example to .env, fill it in, and run `python3 -m bot check`."
    )


def load_settings(
    env: Mapping[str, str] | None = None,
    require: Iterable[str] = ALL_SECTIONS,
    http_mode: bool | None = None,
) -> Settings:
    """Build Settings from `env` (default: os.environ); raise ConfigError listing every problem.

    `require` names the sections this entry point needs, so an operator can cancel from the
    command line while Slack is down without Slack settings: problems in other sections are not
    reported (their values fall back to defaults). `http_mode` forces the signing-secret
    requirement (None: HTTP mode unless SLACK_APP_TOKEN is set).
    """
    env = os.environ if env is None else env
    need = frozenset(require)
    r = _Reader(env)

    r.section = "slack"
    app_token = r.token("SLACK_APP_TOKEN")
    is_http = (not app_token) if http_mode is None else http_mode
    slack_api_url = r.url("SLACK_API_URL", DEFAULT_SLACK_API_URL)
    if not slack_api_url.endswith("/"):
        slack_api_url += "/"  # slack_sdk joins method names onto it
    slack: dict[str, Any] = dict(
        slack_bot_token=r.token("SLACK_BOT_TOKEN", required="slack" in need),
        slack_signing_secret=r.secret("SLACK_SIGNING_SECRET", required="slack" in need and is_http, help=_signing_help(http_mode)),
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        port=int(r.number("PORT", 3000, int, 1, 65535, "TCP port")),
        metrics_token=r.secret("METRICS_TOKEN"),
        metrics_port=int(r.number("METRICS_PORT", 9090, int, 1, 65535, "TCP port")),
        **_callback_settings(r),
    )
    if "slack" in need and http_mode is False and not app_token:
        r.missing = True
        r.problem(f"SLACK_APP_TOKEN is required in Socket Mode: {TOKENS['SLACK_APP_TOKEN'][1]}")

    r.section = "policy"
    policy: dict[str, Any] = dict(
        requester_users=r.id_set("REQUESTER_USERS", USER_ID, "user ID"),
        requester_usergroups=r.id_set("REQUESTER_USERGROUPS", USERGROUP_ID, "user-group ID"),
        approver_users=r.id_set("APPROVER_USERS", USER_ID, "user ID"),
        approver_usergroups=r.id_set("APPROVER_USERGROUPS", USERGROUP_ID, "user-group ID"),
        allowed_channels=r.id_set("ALLOWED_CHANNELS", CHANNEL_ID, "channel ID"),
        approval_channel=r.pattern("APPROVAL_CHANNEL", CHANNEL_ID, "channel ID", required="policy" in need),
        audit_channel=r.pattern("AUDIT_CHANNEL", CHANNEL_ID, "channel ID", required="policy" in need),
        approval_ttl_seconds=int(r.number("APPROVAL_TTL_SECONDS", 1800, int, 10, 7 * 86400, "seconds; at most 7 days")),
        four_eyes=r.boolean("FOUR_EYES", False),
        max_pending_per_user=int(r.number("MAX_PENDING_PER_USER", 5, int, 1, 100, "open requests per requester")),
        approval_reminder_seconds=_reminder_seconds(r),
        escalate_after_seconds=int(r.number("ESCALATE_AFTER_SECONDS", 0, int, 0, 7 * 86400, "seconds; 0: no escalation")),
        escalation_users=r.id_set("ESCALATION_USERS", USER_ID, "user ID"),
        escalation_usergroups=r.id_set("ESCALATION_USERGROUPS", USERGROUP_ID, "user-group ID"),
    )
    _check_escalation(r, policy)
    reminder = policy["approval_reminder_seconds"]
    if reminder is not None and reminder and reminder >= policy["approval_ttl_seconds"]:
        r.problem(
            f"APPROVAL_REMINDER_SECONDS={reminder} must be less than APPROVAL_TTL_SECONDS="
            f"{policy['approval_ttl_seconds']} (seconds; or 0 for no reminder)"
        )
    if "policy" in need and not (policy["approver_users"] or policy["approver_usergroups"]):
        r.missing = True
        r.problem(f"APPROVER_USERS or APPROVER_USERGROUPS is required (who is on call?): {ID_HELP['user ID']}, or a user group's")

    r.section = "tencent"
    tencent = _tencent_settings(r, "tencent" in need)

    r.section = "runtime"
    settings = Settings(
        **slack,
        **policy,
        **tencent,
        database_url=_database_url(r),
        worker_threads=int(r.number("WORKER_THREADS", 16, int, 1, 256, "threads")),
        **_liveness(r),
        shutdown_grace_seconds=r.number("SHUTDOWN_GRACE_SECONDS", 20.0, float, 5, 600, "seconds from SIGTERM until every process has exited"),
        retention_days=int(r.number("RETENTION_DAYS", 30, int, 1, 3650, "days")),
        work_queue_limit=int(r.number("WORK_QUEUE_LIMIT", 1000, int, 1, 100000, "queued items per process")),
        log_format=r.choice("LOG_FORMAT", "auto", {"auto", "json", "text"}),
        log_level=r.choice("LOG_LEVEL", "info", {"debug", "info", "warning", "error"}).upper(),
    )
    problems = r.problems_for(need)
    if problems:
        raise ConfigError(problems, source_note() if r.missing else "")
    return settings


def _signing_help(http_mode: bool | None) -> str:
    where = "`python -m bot http`, the Procfile's web process" if http_mode else "the default without SLACK_APP_TOKEN"
    return (
        f"HTTP mode ({where}) verifies Slack's requests with it: copy Basic Information → App Credentials → "
        "Signing Secret; or run Socket Mode (`python -m bot socket`, needs SLACK_APP_TOKEN)"
    )


def _tencent_settings(r: _Reader, required: bool) -> dict:
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


def _single_target(r: _Reader, required: bool) -> tuple[str, str, str]:
    """CI_BUCKET, CI_REGION and CI_ENDPOINT: the one target `default`."""
    bucket = r.pattern("CI_BUCKET", BUCKET, "bucket (BucketName-APPID, e.g. mybucket-1250000000)", required=required)
    region = r.pattern("CI_REGION", REGION, "region (e.g. ap-beijing)", required=required)
    return bucket, region, _base_url(r, "CI_ENDPOINT", _ci_host(bucket, region))


def _targets_replace_single(r: _Reader) -> tuple[str, str, str]:
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


def _base_url(r: _Reader, name: str, default: str) -> str:
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


def _target_entries(r: _Reader, listed: str) -> list[tuple[str, str, str]]:
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


def _target_entry(r: _Reader, item: str) -> tuple[str, str, str] | None:
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


def _unknown_target_settings(r: _Reader, names: list[str], listed: bool) -> None:
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


def _target(r: _Reader, name: str, bucket: str, region: str, shared: tuple[str, Secret, Secret]) -> Target:
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


def _liveness(r: _Reader) -> dict:
    """How old a process's last heartbeat is when others take its work over, and how often it beats
    (by default 12 beats in that time, so a live process never looks dead for a late beat or two)."""
    dead = r.number("PRESUMED_DEAD_SECONDS", 60.0, float, 1, 3600, "seconds")
    beat = r.number("HEARTBEAT_SECONDS", dead / 12, float, 0.1, 20, "seconds")
    if dead < 3 * beat:
        r.problem(f"PRESUMED_DEAD_SECONDS={dead:g} must be at least 3 times HEARTBEAT_SECONDS={beat:g} (seconds)")
    return dict(heartbeat_seconds=beat, presumed_dead_seconds=dead)


CALLBACK_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~-]{16,256}")
VERDICTS = {"1": 1, "2": 2}  # the query's Result: 1 violation, 2 suspected (0, normal, never proposes)


def _callback_settings(r: _Reader) -> dict:
    """CALLBACK_TOKEN (enables POST /tencent/callback), PROPOSE_RESULTS, PROPOSAL_COOLDOWN_SECONDS."""
    token = r.secret("CALLBACK_TOKEN", help="a long random string (e.g. `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
    if token and not CALLBACK_TOKEN_CHARS.fullmatch(token.reveal()):  # it travels in a URL: never echoed
        r.problem("CALLBACK_TOKEN must be 16 to 256 characters of letters, digits, '-', '_', '.', '~' (it goes in the callback URL's query)")
        token = Secret("")
    raw = r.env.get("PROPOSE_RESULTS", "").strip()
    items = [p for p in re.split(r"[\s,]+", raw) if p]
    bad = [p for p in items if p not in VERDICTS]
    if bad or (raw and not items):
        r.problem(f"PROPOSE_RESULTS={raw!r} must list verdicts 1 (violation) and/or 2 (suspected), comma-separated, e.g. 1,2; default 1")
    verdicts = frozenset(VERDICTS[p] for p in items if p in VERDICTS) or frozenset({1})
    cooldown = int(r.number("PROPOSAL_COOLDOWN_SECONDS", 600, int, 1, 7 * 86400, "seconds; at most 7 days"))
    return dict(callback_token=token, propose_results=verdicts, proposal_cooldown_seconds=cooldown)


def _check_escalation(r: _Reader, policy: dict[str, Any]) -> None:
    """Escalation must come before the expiry, and must name someone to escalate to."""
    after, ttl = policy["escalate_after_seconds"], policy["approval_ttl_seconds"]
    if not after:
        return
    if after >= ttl:
        r.problem(f"ESCALATE_AFTER_SECONDS={after} must be less than APPROVAL_TTL_SECONDS={ttl} (seconds; or 0 for no escalation)")
    if not (policy["escalation_users"] or policy["escalation_usergroups"]):
        r.problem(
            f"ESCALATE_AFTER_SECONDS={after} needs the next level: ESCALATION_USERGROUPS or ESCALATION_USERS "
            "(whom to escalate to), or ESCALATE_AFTER_SECONDS=0 for no escalation"
        )


def _reminder_seconds(r: _Reader) -> int | None:
    if not r.env.get("APPROVAL_REMINDER_SECONDS", "").strip():
        return None  # the default depends on APPROVAL_TTL_SECONDS
    return int(r.number("APPROVAL_REMINDER_SECONDS", 0, int, 0, 7 * 86400, "seconds; 0: no reminder"))


def _database_url(r: _Reader) -> str:
    url = r.text("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Heroku still hands out the deprecated postgres:// scheme.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if not (url.startswith("sqlite:///") or url.startswith("postgresql://") or url.startswith("postgresql+")):
        r.problem("DATABASE_URL must be sqlite:///path or postgresql://...")
    return url
