"""One typed settings object, read from the environment and `.env`.

Every name and default here is part of the public contract (see docs/settings.md and `.env.example`).
Reading them (config_load.py, with config_reader.py and config_targets.py) collects every problem
before failing, so an operator fixes them all in one go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

DEFAULT_TARGET = "default"  # the one target CI_BUCKET@CI_REGION, when CI_TARGETS is not set

DEFAULT_DATABASE_URL = "sqlite:///cancel-moderation.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


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
