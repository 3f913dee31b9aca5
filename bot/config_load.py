"""Settings from the environment and `.env`: each section read, the checks across settings, one
ConfigError listing every problem."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.config import DEFAULT_DATABASE_URL, DEFAULT_SLACK_API_URL, ConfigError, Secret, Settings
from bot.config_reader import CHANNEL_ID, ID_HELP, TOKENS, USER_ID, USERGROUP_ID, Reader
from bot.config_targets import tencent_settings

#: Sections a command can require; `run` needs all, `cancel` from the CLI needs no Slack.
#: Problems are reported only for the sections a command needs, plus "runtime" (database, logs).
ALL_SECTIONS = frozenset({"slack", "tencent", "policy"})


def load_dotenv_file(path: str | os.PathLike[str] = ".env") -> None:
    """Read `.env` into os.environ without overriding real environment variables."""
    from dotenv import load_dotenv

    if Path(path).is_file():
        load_dotenv(path, override=False)


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
    r = Reader(env)

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
    tencent = tencent_settings(r, "tencent" in need)

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


def _liveness(r: Reader) -> dict:
    """How old a process's last heartbeat is when others take its work over, and how often it beats
    (by default 12 beats in that time, so a live process never looks dead for a late beat or two)."""
    dead = r.number("PRESUMED_DEAD_SECONDS", 60.0, float, 1, 3600, "seconds")
    beat = r.number("HEARTBEAT_SECONDS", dead / 12, float, 0.1, 20, "seconds")
    if dead < 3 * beat:
        r.problem(f"PRESUMED_DEAD_SECONDS={dead:g} must be at least 3 times HEARTBEAT_SECONDS={beat:g} (seconds)")
    return dict(heartbeat_seconds=beat, presumed_dead_seconds=dead)


CALLBACK_TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~-]{16,256}")
VERDICTS = {"1": 1, "2": 2}  # the query's Result: 1 violation, 2 suspected (0, normal, never proposes)


def _callback_settings(r: Reader) -> dict:
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


def _check_escalation(r: Reader, policy: dict[str, Any]) -> None:
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


def _reminder_seconds(r: Reader) -> int | None:
    if not r.env.get("APPROVAL_REMINDER_SECONDS", "").strip():
        return None  # the default depends on APPROVAL_TTL_SECONDS
    return int(r.number("APPROVAL_REMINDER_SECONDS", 0, int, 0, 7 * 86400, "seconds; 0: no reminder"))


def _database_url(r: Reader) -> str:
    url = r.text("DATABASE_URL", DEFAULT_DATABASE_URL)
    # Heroku still hands out the deprecated postgres:// scheme.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if not (url.startswith("sqlite:///") or url.startswith("postgresql://") or url.startswith("postgresql+")):
        r.problem("DATABASE_URL must be sqlite:///path or postgresql://...")
    return url
