"""`python -m bot check`: prove every setting and connection works, for the mode the bot will run in;
one table of what to fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings, Target
from bot.config_load import load_settings
from bot.serve.preflight import StartupProblem, describe_database, open_database, verify_app_token, verify_bot_token
from bot.tencent import CIClient, CIError
from bot.tencent.ratelimit import SlidingWindowLimiter

#: A syntactically valid job ID that no job has: a describe of it proves the signature only.
PROBE_JOB_ID = "av" + "0" * 32
SIGNATURE_ACCEPTED = {"InvalidArgument", "NoSuchJob", "NotExist", "ResourceNotFound"}

#: Regions with Cloud Infinite, to spot a misspelt CI_REGION behind a network error.
KNOWN_REGIONS = (
    "ap-beijing", "ap-shanghai", "ap-guangzhou", "ap-chengdu", "ap-chongqing", "ap-nanjing", "ap-hongkong",
    "ap-singapore", "ap-mumbai", "ap-seoul", "ap-bangkok", "ap-tokyo", "ap-jakarta", "na-siliconvalley",
    "na-ashburn", "na-toronto", "sa-saopaulo", "eu-frankfurt", "eu-moscow",
)  # fmt: skip

MODES = {
    "http": "HTTP mode (`python -m bot http`, the Procfile's web process)",
    "socket": "Socket Mode (`python -m bot socket`, the Procfile's worker process)",
}
COMMON_NEEDS = (
    "APPROVER_USERS or APPROVER_USERGROUPS, APPROVAL_CHANNEL, AUDIT_CHANNEL, TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, CI_BUCKET, CI_REGION"
)
NEEDS = {
    "http": f"SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, {COMMON_NEEDS}",
    "socket": f"SLACK_BOT_TOKEN, SLACK_APP_TOKEN, {COMMON_NEEDS}",
}


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str
    note: bool = False  # information, not a check: never counted as a problem


def mode_for(env: Mapping[str, str], mode: str | None) -> str:
    """The mode `python -m bot` (run) would start in, unless one is asked for."""
    return mode or ("socket" if env.get("SLACK_APP_TOKEN", "").strip() else "http")


def run_checks(env: Mapping[str, str] | None = None, mode: str | None = None) -> list[Result]:
    import os

    env = os.environ if env is None else env
    mode = mode_for(env, mode)
    results = [Result("mode", True, _mode_detail(env, mode)), Result("needs", True, NEEDS[mode])]
    try:
        settings = load_settings(env, http_mode=mode == "http")
    except ConfigError as exc:
        results += [Result("settings", False, p) for p in exc.problems]
        return results + ([Result("settings", True, exc.note, note=True)] if exc.note else [])
    results += [Result("settings", True, "all valid"), *ci_host_notes(settings)]
    for check in (check_database, check_slack, check_escalation, check_app_token if mode == "socket" else None, check_tencent):
        if check:
            results.extend(_guard(check, settings))
    return results


def _mode_detail(env: Mapping[str, str], mode: str) -> str:
    detail = MODES[mode]
    if mode == "socket" and env.get("SLACK_APP_TOKEN", "").strip():
        detail += ", as `python -m bot` starts with SLACK_APP_TOKEN set; the Procfile's web process runs HTTP mode: `check --mode http`"
    elif mode == "http":
        detail += "; for Socket Mode: `check --mode socket`"
    return detail


def ci_host_note(settings: Settings) -> str:
    """The CI API base URL and where it came from, so a misspelt bucket or region shows in the host."""
    if settings.ci_bucket and settings.ci_region and settings.ci_endpoint == f"https://{settings.ci_bucket}.ci.{settings.ci_region}.myqcloud.com":
        return f"{settings.ci_endpoint} (built from CI_BUCKET={settings.ci_bucket} and CI_REGION={settings.ci_region})"
    return f"{settings.ci_endpoint} (from CI_ENDPOINT)"


def ci_host_notes(settings: Settings) -> list[Result]:
    """One line per target with CI_TARGETS (its name, bucket and region, and its host)."""
    if not settings.ci_targets:
        return [Result("CI host", True, ci_host_note(settings))]
    return [Result(f"CI host {t.name}", True, f"{t.endpoint} (target {t.label})") for t in settings.targets]


def region_hint(settings: Settings, target: Target | None = None) -> str:
    """A misspelt region is only a network error to the client: say so when the region is not a known one."""
    target = target or settings.targets[0]
    if target.region in KNOWN_REGIONS or urlsplit(target.endpoint).hostname != f"{target.bucket}.ci.{target.region}.myqcloud.com":
        return ""
    close = difflib.get_close_matches(target.region, KNOWN_REGIONS, n=1)
    guess = f"; did you mean {close[0]}?" if close else f" ({', '.join(KNOWN_REGIONS[:4])}, …)"
    where = f"CI_TARGETS ({target.name}): {target.region}" if settings.ci_targets else f"CI_REGION={target.region}"
    return f" {where} is not a region with Cloud Infinite{guess}"


def _guard(check: Callable[[Settings], list[Result]], settings: Settings) -> list[Result]:
    try:
        return check(settings)
    except StartupProblem as exc:
        return [Result(check.__name__.removeprefix("check_"), False, str(exc))]
    except Exception as exc:  # a check must report, never crash the table
        return [Result(check.__name__.removeprefix("check_"), False, f"{type(exc).__name__}: {exc}")]


def check_database(settings: Settings) -> list[Result]:
    store = open_database(settings.database_url)
    try:
        return [
            Result(
                "database",
                True,
                f"{describe_database(settings.database_url)}: reachable, schema up to date, {store.audit.unposted_count()} audit post(s) waiting",
            )
        ]
    finally:
        store.close()


def check_slack(settings: Settings) -> list[Result]:
    try:
        auth = verify_bot_token(settings)
    except SlackApiError as exc:
        return [Result("slack auth", False, f"auth.test: {exc.response.get('error')}: check SLACK_BOT_TOKEN")]
    except StartupProblem as exc:
        return [Result("slack auth", False, str(exc))]
    client = WebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url, timeout=10)
    results = [Result("slack auth", True, f"bot {auth.get('user_id')} in workspace {auth.get('team')}")]
    for label, channel in (("approval channel", settings.approval_channel), ("audit channel", settings.audit_channel)):
        try:
            info = client.conversations_info(channel=channel)["channel"]
        except SlackApiError as exc:
            error = exc.response.get("error")
            hint = (
                "reinstall the app to grant channels:read/groups:read"
                if error == "missing_scope"
                else "check the channel ID, and invite the bot (/invite @cancel-moderation)"
            )
            results.append(Result(label, False, f"{channel}: {error}: {hint}"))
            continue
        if info.get("is_member") or info.get("is_im"):
            results.append(Result(label, True, f"{channel}: the bot can post"))
        else:
            results.append(Result(label, False, f"{channel}: the bot is not a member: /invite @cancel-moderation"))
    return results


def check_escalation(settings: Settings) -> list[Result]:
    """With ESCALATE_AFTER_SECONDS: each next-level group exists and has members, and the bot may
    send them direct messages (chat:write, as for the requester's). im:write and im:history only
    let a retried DM look for its earlier try; without them it is sent (a possible second copy)."""
    if not settings.escalate_after_seconds:
        return []
    client = WebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url, timeout=10)
    results, members = [], set(settings.escalation_users)
    for group in sorted(settings.escalation_usergroups):
        try:
            users = client.usergroups_users_list(usergroup=group).get("users") or []
        except SlackApiError as exc:
            error = exc.response.get("error")
            hint = "reinstall the app to grant usergroups:read" if error == "missing_scope" else "check the user-group ID (ESCALATION_USERGROUPS)"
            results.append(Result("escalation group", False, f"{group}: {error}: {hint}"))
            continue
        if users:
            results.append(Result("escalation group", True, f"{group}: {len(users)} member(s) would be told"))
        else:
            results.append(Result("escalation group", False, f"{group}: has no members: nobody would be told (ESCALATION_USERGROUPS)"))
        members |= set(users)
    return [*results, _dm_check(client, len(members))]


def _dm_check(client: WebClient, members: int) -> Result:
    """The token's granted scopes (Slack's X-OAuth-Scopes header) include chat:write: the direct
    messages go to each member's Messages tab of the app."""
    scopes = {k.lower(): v for k, v in (client.auth_test().headers or {}).items()}.get("x-oauth-scopes")
    if scopes is not None and "chat:write" not in {s.strip() for s in str(scopes).split(",")}:
        return Result("escalation DMs", False, "the bot token lacks chat:write: reinstall the app from manifest.yml")
    if not members:
        return Result("escalation DMs", False, "nobody to write to: the next level has no members (ESCALATION_USERGROUPS, ESCALATION_USERS)")
    return Result("escalation DMs", True, f"the bot can write to the {members} member(s) of the next level (chat:write)")


def check_app_token(settings: Settings) -> list[Result]:
    try:
        verify_app_token(settings)
    except StartupProblem as exc:
        return [Result("slack app token", False, str(exc))]
    except SlackApiError as exc:
        return [Result("slack app token", False, f"apps.connections.open: {exc.response.get('error')}: check SLACK_APP_TOKEN")]
    return [Result("slack app token", True, "apps.connections.open accepted SLACK_APP_TOKEN: Socket Mode can connect")]


def check_tencent(settings: Settings) -> list[Result]:
    """A signed probe to every target; each failure is named with its target."""
    if not settings.ci_targets:
        return [_probe(settings, settings.targets[0], "tencent", ci_host_note(settings))]
    return [_probe(settings, t, f"tencent {t.name}", f"{t.endpoint} (target {t.label})") for t in settings.targets]


def _probe(settings: Settings, target: Target, name: str, host_note: str) -> Result:
    client = CIClient.for_target(target, settings, SlidingWindowLimiter(settings.ci_rate_limit))
    client.max_attempts = 2
    try:
        client.describe(PROBE_JOB_ID)
        return Result(name, True, f"{target.endpoint}: signed request accepted")
    except CIError as exc:
        if exc.code in SIGNATURE_ACCEPTED:
            return Result(name, True, f"{target.endpoint}: signed request accepted ({exc.code} for a probe job, as expected)")
        if exc.code == "NetworkError":
            return Result(name, False, f"{exc.describe()}: no answer from {host_note}.{region_hint(settings, target)}")
        return Result(name, False, f"{exc.describe()}: {exc.hint}")
    finally:
        client.close()


def _status(result: Result) -> str:
    return "note" if result.note else "ok" if result.ok else "FIX"


def render(results: list[Result]) -> str:
    width = max(len(r.name) for r in results)
    lines = [f"{'CHECK':<{width}}  STATUS  DETAIL / WHAT TO FIX"]
    lines += [f"{r.name:<{width}}  {_status(r):<6}  {r.detail}" for r in results]
    failed = sum(1 for r in results if not r.ok)
    lines.append("all good" if not failed else f"{failed} problem(s) to fix")
    return "\n".join(lines)
