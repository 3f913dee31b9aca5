"""One typed settings object, read from the environment and `.env`.

Every name and default here is part of the public contract (see README and `.env.example`).
Parsing collects every problem before failing, so an operator fixes them all in one go.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,20}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")
BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}-[0-9]{4,12}$")
REGION = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,3}$")

DEFAULT_DATABASE_URL = "sqlite:///cancel-moderation.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"

#: Sections a command can require; `run` needs all, `cancel` from the CLI needs no Slack.
ALL_SECTIONS = frozenset({"slack", "tencent", "policy"})


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
    """Raised with every problem found; str() is the message shown to the operator."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Cannot start: {len(problems)} setting(s) need attention:\n{lines}")


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
    # Tencent Cloud Infinite
    tencentcloud_secret_id: str = ""
    tencentcloud_secret_key: Secret = field(default_factory=lambda: Secret(""))
    tencentcloud_session_token: Secret = field(default_factory=lambda: Secret(""))
    ci_bucket: str = ""
    ci_region: str = ""
    ci_endpoint: str = ""
    ci_rate_limit: int = 20
    # Operational knobs (documented in README; sensible defaults)
    ci_connect_timeout: float = 3.05
    ci_read_timeout: float = 10.0
    ci_max_attempts: int = 4
    worker_threads: int = 16
    log_format: str = "auto"
    log_level: str = "INFO"

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def secrets(self) -> list[str]:
        """Every secret value, for the log redactor."""
        values = [f.reveal() for f in self._secret_fields()]
        return [v for v in values if v]

    def _secret_fields(self) -> Iterable[Secret]:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                yield value


def load_dotenv_file(path: str | os.PathLike[str] = ".env") -> None:
    """Read `.env` into os.environ without overriding real environment variables."""
    from dotenv import load_dotenv

    if Path(path).is_file():
        load_dotenv(path, override=False)


class _Reader:
    """Reads raw strings from a mapping, recording problems instead of raising."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def text(self, name: str, default: str = "", required: bool = False) -> str:
        value = self.env.get(name, "").strip()
        if not value:
            if required:
                self.problems.append(f"{name} is required")
            return default
        return value

    def secret(self, name: str, required: bool = False, prefix: str = "") -> Secret:
        value = self.text(name, required=required)
        if value and prefix and not value.startswith(prefix):
            self.problems.append(f"{name} must start with {prefix!r}")
        return Secret(value)

    def pattern(self, name: str, regex: re.Pattern[str], what: str, required: bool = False) -> str:
        value = self.text(name, required=required)
        if value and not regex.match(value):
            self.problems.append(f"{name}={value!r} is not a valid {what}")
        return value

    def id_set(self, name: str, regex: re.Pattern[str], what: str) -> frozenset[str]:
        items = [p for p in re.split(r"[\s,]+", self.env.get(name, "").strip()) if p]
        bad = [p for p in items if not regex.match(p)]
        if bad:
            self.problems.append(f"{name} has invalid {what}(s): {', '.join(bad)}")
        return frozenset(p for p in items if regex.match(p))

    def number(self, name: str, default: float, cast: Callable[[str], float], low: float, high: float) -> float:
        raw = self.env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = cast(raw)
        except ValueError:
            self.problems.append(f"{name}={raw!r} is not a number")
            return default
        if not low <= value <= high:
            self.problems.append(f"{name}={raw!r} must be between {low:g} and {high:g}")
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
        self.problems.append(f"{name}={raw!r} must be true or false")
        return default

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        allowed = sorted(choices)
        if raw not in allowed:
            self.problems.append(f"{name}={raw!r} must be one of {', '.join(allowed)}")
            return default
        return raw

    def url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            self.problems.append(f"{name}={value!r} must be an http(s) URL")
        return value


def load_settings(
    env: Mapping[str, str] | None = None,
    require: Iterable[str] = ALL_SECTIONS,
    http_mode: bool | None = None,
) -> Settings:
    """Build Settings from `env` (default: os.environ); raise ConfigError listing every problem.

    `require` names the sections this entry point needs, so an operator can cancel from the
    command line while Slack is down without Slack settings. `http_mode` forces the
    signing-secret requirement (None: HTTP mode unless SLACK_APP_TOKEN is set).
    """
    env = os.environ if env is None else env
    need = frozenset(require)
    r = _Reader(env)

    app_token = r.secret("SLACK_APP_TOKEN", prefix="xapp-")
    is_http = (not app_token) if http_mode is None else http_mode
    slack_api_url = r.url("SLACK_API_URL", DEFAULT_SLACK_API_URL)
    if not slack_api_url.endswith("/"):
        slack_api_url += "/"  # slack_sdk joins method names onto it
    bucket = r.pattern("CI_BUCKET", BUCKET, "bucket (BucketName-APPID)", required="tencent" in need)
    region = r.pattern("CI_REGION", REGION, "region (e.g. ap-beijing)", required="tencent" in need)
    default_endpoint = f"https://{bucket}.ci.{region}.myqcloud.com" if bucket and region else ""
    endpoint = r.text("CI_ENDPOINT", default_endpoint)
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
            r.problems.append(f"CI_ENDPOINT={endpoint!r} must be an http(s) base URL with no path")
        endpoint = endpoint.rstrip("/")

    settings = Settings(
        slack_bot_token=r.secret("SLACK_BOT_TOKEN", required="slack" in need, prefix="xoxb-"),
        slack_signing_secret=r.secret("SLACK_SIGNING_SECRET", required="slack" in need and is_http),
        slack_app_token=app_token,
        slack_api_url=slack_api_url,
        port=int(r.number("PORT", 3000, int, 1, 65535)),
        database_url=_database_url(r),
        metrics_token=r.secret("METRICS_TOKEN"),
        metrics_port=int(r.number("METRICS_PORT", 9090, int, 1, 65535)),
        requester_users=r.id_set("REQUESTER_USERS", USER_ID, "user ID"),
        requester_usergroups=r.id_set("REQUESTER_USERGROUPS", USERGROUP_ID, "user-group ID"),
        approver_users=r.id_set("APPROVER_USERS", USER_ID, "user ID"),
        approver_usergroups=r.id_set("APPROVER_USERGROUPS", USERGROUP_ID, "user-group ID"),
        allowed_channels=r.id_set("ALLOWED_CHANNELS", CHANNEL_ID, "channel ID"),
        approval_channel=r.pattern("APPROVAL_CHANNEL", CHANNEL_ID, "channel ID", required="policy" in need),
        audit_channel=r.pattern("AUDIT_CHANNEL", CHANNEL_ID, "channel ID", required="policy" in need),
        approval_ttl_seconds=int(r.number("APPROVAL_TTL_SECONDS", 1800, int, 10, 7 * 86400)),
        four_eyes=r.boolean("FOUR_EYES", False),
        tencentcloud_secret_id=r.text("TENCENTCLOUD_SECRET_ID", required="tencent" in need),
        tencentcloud_secret_key=r.secret("TENCENTCLOUD_SECRET_KEY", required="tencent" in need),
        tencentcloud_session_token=r.secret("TENCENTCLOUD_SESSION_TOKEN"),
        ci_bucket=bucket,
        ci_region=region,
        ci_endpoint=endpoint,
        ci_rate_limit=int(r.number("CI_RATE_LIMIT", 20, int, 1, 1000)),
        ci_connect_timeout=r.number("CI_CONNECT_TIMEOUT", 3.05, float, 0.01, 60),
        ci_read_timeout=r.number("CI_READ_TIMEOUT", 10.0, float, 0.01, 120),
        ci_max_attempts=int(r.number("CI_MAX_ATTEMPTS", 4, int, 1, 10)),
        worker_threads=int(r.number("WORKER_THREADS", 16, int, 1, 256)),
        log_format=r.choice("LOG_FORMAT", "auto", {"auto", "json", "text"}),
        log_level=r.choice("LOG_LEVEL", "info", {"debug", "info", "warning", "error"}).upper(),
    )
    if "slack" in need and http_mode is False and not app_token:
        r.problems.append("SLACK_APP_TOKEN is required in Socket Mode (an xapp- token with connections:write)")
    if "policy" in need and not (settings.approver_users or settings.approver_usergroups):
        r.problems.append("APPROVER_USERS or APPROVER_USERGROUPS is required (who is on call?)")
    if r.problems:
        raise ConfigError(r.problems)
    return settings


def _database_url(r: _Reader) -> str:
    url = r.text("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Heroku still hands out the deprecated postgres:// scheme.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if not (url.startswith("sqlite:///") or url.startswith("postgresql://") or url.startswith("postgresql+")):
        r.problems.append("DATABASE_URL must be sqlite:///path or postgresql://...")
    return url
