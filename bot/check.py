"""`python -m bot check`: prove every setting and connection works; one table of what to fix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from .config import ConfigError, Settings, load_settings
from .store import Store
from .tencent import CIClient, CIError
from .tencent.ratelimit import SlidingWindowLimiter

#: A syntactically valid job ID that no job has: a describe of it proves the signature only.
PROBE_JOB_ID = "av" + "0" * 32
SIGNATURE_ACCEPTED = {"InvalidArgument", "NoSuchJob", "NotExist", "ResourceNotFound"}


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


def run_checks(env: Mapping[str, str] | None = None) -> list[Result]:
    try:
        settings = load_settings(env)
    except ConfigError as exc:
        return [Result("settings", False, p) for p in exc.problems]
    results = [Result("settings", True, f"all valid ({'Socket Mode' if settings.socket_mode else 'HTTP mode'})")]
    for check in (check_database, check_slack, check_tencent):
        results.extend(_guard(check, settings))
    return results


def _guard(check: Callable[[Settings], list[Result]], settings: Settings) -> list[Result]:
    try:
        return check(settings)
    except Exception as exc:  # a check must report, never crash the table
        return [Result(check.__name__.removeprefix("check_"), False, f"{type(exc).__name__}: {exc}")]


def check_database(settings: Settings) -> list[Result]:
    store = Store(settings.database_url)
    try:
        store.migrate()
        store.ping()
        return [Result("database", True, f"{store.engine.dialect.name} reachable, schema up to date, "
                                         f"{store.unposted_count()} audit post(s) waiting")]
    finally:
        store.close()


def check_slack(settings: Settings) -> list[Result]:
    client = WebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url, timeout=10)
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        return [Result("slack auth", False, f"auth.test: {exc.response.get('error')}: check SLACK_BOT_TOKEN")]
    results = [Result("slack auth", True, f"bot {auth.get('user_id')} in workspace {auth.get('team')}")]
    for label, channel in (("approval channel", settings.approval_channel), ("audit channel", settings.audit_channel)):
        try:
            info = client.conversations_info(channel=channel)["channel"]
        except SlackApiError as exc:
            error = exc.response.get("error")
            hint = "reinstall the app to grant channels:read/groups:read" if error == "missing_scope" else \
                "check the channel ID, and invite the bot (/invite @cancel-moderation)"
            results.append(Result(label, False, f"{channel}: {error}: {hint}"))
            continue
        if info.get("is_member") or info.get("is_im"):
            results.append(Result(label, True, f"{channel}: the bot can post"))
        else:
            results.append(Result(label, False, f"{channel}: the bot is not a member: /invite @cancel-moderation"))
    return results


def check_tencent(settings: Settings) -> list[Result]:
    client = CIClient.from_settings(settings, SlidingWindowLimiter(settings.ci_rate_limit))
    client.max_attempts = 2
    try:
        client.describe(PROBE_JOB_ID)
        return [Result("tencent", True, f"{settings.ci_endpoint}: signed request accepted")]
    except CIError as exc:
        if exc.code in SIGNATURE_ACCEPTED:
            return [Result("tencent", True, f"{settings.ci_endpoint}: signed request accepted ({exc.code} for a "
                                            "probe job, as expected)")]
        return [Result("tencent", False, f"{exc.describe()}: {exc.hint}")]
    finally:
        client.close()


def render(results: list[Result]) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"{'CHECK':<{width}}  STATUS  DETAIL / WHAT TO FIX"]
    lines += [f"{r.name:<{width}}  {'ok' if r.ok else 'FIX':<6}  {r.detail}" for r in results]
    failed = sum(1 for r in results if not r.ok)
    lines.append("all good" if not failed else f"{failed} problem(s) to fix")
    return "\n".join(lines)
