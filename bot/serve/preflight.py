"""Start-up checks: the database opens and Slack accepts the tokens, or one message says what to fix.

They run before anything starts (before gunicorn forks a worker, before the Socket Mode
connection), so a newcomer's mistake ends the process with one message and a non-zero exit
instead of a worker traceback. `python -m bot check` reuses them for its table.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import ConfigError, Settings
from bot.config_reader import TOKENS
from bot.observe.logs import event
from bot.store.database import MIGRATION_LIMIT_SECONDS

log = logging.getLogger("bot.preflight")  # its name before the move: operators filter JSON lines on `logger`

#: Every start-up check together gives up after this long, so the process exits well within 15 s
#: when a service does not answer.
PREFLIGHT_SECONDS = 10.0
#: How far a check got; an upgrade of a database that answered gets its own, long limit.
REACHING, UPGRADING, WAITING = "reaching", "upgrading", "waiting"
STAGE_LIMITS = {REACHING: PREFLIGHT_SECONDS, UPGRADING: MIGRATION_LIMIT_SECONDS, WAITING: MIGRATION_LIMIT_SECONDS}
STAGE_POLL_SECONDS = 0.5  # how soon a check's move to a longer stage is seen
SLACK_TIMEOUT = 5

#: Slack's answers that mean "this token will never work", and what the operator does about each.
SLACK_AUTH_HINTS = {
    "invalid_auth": "Slack does not know this token: copy it again",
    "not_authed": "no token reached Slack: set it",
    "token_revoked": "the token was revoked or the app uninstalled: reinstall the app and copy the new token",
    "token_expired": "the token expired (token rotation is on): turn rotation off in the app settings and reinstall",
    "account_inactive": "the app was uninstalled or its workspace deactivated: reinstall the app and copy the new token",
    "not_allowed_token_type": "this is not the right kind of token for this variable",
}


#: What to do when an upgrade stops (README "Upgrading"): the failed upgrade rolled back as one transaction.
UPGRADE_HINT = "nothing was changed; fix the cause and start again, or run the release you had before (see Upgrading in the README)"


class StartupProblem(Exception):
    """One thing that stops the start; str() names the setting and what to do."""


def describe_database(url: str) -> str:
    """DATABASE_URL as shown to an operator: password hidden, a SQLite path made absolute."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"sqlite:///{Path(parsed.database).resolve()}"
    return parsed.render_as_string(hide_password=True)


def open_database(url: str, stage: Callable[[str], None] = lambda _stage: None):
    """Open the store and bring its schema up to date, or raise StartupProblem saying why and what to do.

    `stage` hears how far it got ("upgrading" once the database answered, "waiting" while
    another process upgrades it first): an upgrade may take long, reaching the database may not."""
    from bot.store import MigrationFailed, Store

    shown = describe_database(url)
    try:
        store = Store(url)
    except Exception as exc:
        raise StartupProblem(f"DATABASE_URL={shown} cannot be used ({_first_line(exc)}): check the URL") from None
    try:
        store.ping()
        stage(UPGRADING)
        store.migrate(on_wait=lambda: stage(WAITING))
    except MigrationFailed as exc:
        store.close()
        # The database was reached: the folder and the server are fine, the upgrade itself is not.
        raise StartupProblem(f"DATABASE_URL: the database could not be upgraded to this release: {exc}; {UPGRADE_HINT}") from None
    except Exception as exc:
        store.close()
        raise StartupProblem(f"DATABASE_URL={shown} cannot be opened ({_first_line(exc)}): {_database_hint(url)}") from None
    return store


def _database_hint(url: str) -> str:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        folder = Path(parsed.database or ".").resolve().parent
        return f"check that the folder {folder} exists and this user may write there"
    return "check that the server is running and answers, and the URL's host, port, database, user and password"


def _first_line(exc: BaseException) -> str:
    """The driver's own reason, without SQLAlchemy's SQL echo and links (and never a password)."""
    reason = getattr(exc, "orig", None) or exc
    text = str(reason).strip().splitlines()
    return text[0] if text else type(reason).__name__


def verify_bot_token(settings: Settings) -> dict:
    """auth.test with SLACK_BOT_TOKEN: the answer, or StartupProblem if Slack refuses the token."""
    client = WebClient(token=settings.slack_bot_token.reveal(), base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT, retry_handlers=[])
    try:
        return cast(dict, client.auth_test().data)  # auth.test answers JSON, never bytes
    except SlackApiError as exc:
        raise _token_problem("SLACK_BOT_TOKEN", "auth.test", exc) from None


def verify_app_token(settings: Settings) -> None:
    """apps.connections.open with SLACK_APP_TOKEN (Socket Mode): StartupProblem if Slack refuses it."""
    client = WebClient(base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT, retry_handlers=[])
    try:
        client.apps_connections_open(app_token=settings.slack_app_token.reveal())
    except SlackApiError as exc:
        raise _token_problem("SLACK_APP_TOKEN", "apps.connections.open", exc) from None


def _token_problem(name: str, method: str, exc: SlackApiError) -> Exception:
    error = exc.response.get("error") if exc.response is not None else None
    if error in SLACK_AUTH_HINTS:
        return StartupProblem(f"{name} was refused by Slack ({method}: {error}): {SLACK_AUTH_HINTS[error]}; {name} is {TOKENS[name][1]}")
    return exc  # not about the token (rate limit, Slack down): the caller decides


def preflight(settings: Settings, mode: str) -> None:
    """Everything `run` needs before it starts, checked at once; ConfigError lists what stops the start."""
    checks: dict[str, Callable[[Callable[[str], None]], object]] = {
        "DATABASE_URL": lambda stage: open_database(settings.database_url, stage).close(),
        "SLACK_BOT_TOKEN": lambda _stage: verify_bot_token(settings),
    }
    if mode == "socket":
        checks["SLACK_APP_TOKEN"] = lambda _stage: verify_app_token(settings)
    problems = _run_within(checks)
    if problems:
        raise ConfigError(problems)


def _overran(name: str, stage: str) -> str:
    """What to say about a check still running when its stage's limit is up."""
    if stage == UPGRADING:
        return f"{name}: the database answers, but upgrading it to this release did not finish within {STAGE_LIMITS[stage]:g} s; {UPGRADE_HINT}"
    if stage == WAITING:
        return (
            f"{name}: another process is upgrading the database and had not finished within {STAGE_LIMITS[stage]:g} s: "
            "let it finish (its log says store.migrated) and start again"
        )
    return f"{name}: no answer within {STAGE_LIMITS[stage]:g} s: check that the service it points at is reachable from this host"


def _run_within(checks: dict[str, Callable[[Callable[[str], None]], object]]) -> list[str]:
    """Run the checks side by side; a check still running when its stage's limit is up (counted
    from the start) is a problem of its own."""
    outcomes: dict[str, BaseException | None] = {}
    stages = dict.fromkeys(checks, REACHING)

    def attempt(name: str, check: Callable[[Callable[[str], None]], object]) -> None:
        try:
            check(lambda stage: stages.__setitem__(name, stage))
            outcomes[name] = None
        except BaseException as exc:
            outcomes[name] = exc

    threads = {name: threading.Thread(target=attempt, args=(name, check), daemon=True) for name, check in checks.items()}
    started = time.monotonic()
    for thread in threads.values():
        thread.start()
    problems = []
    for name, thread in threads.items():
        overran = _join_within(thread, started, functools.partial(stages.__getitem__, name))
        if overran:
            problems.append(_overran(name, overran))
        elif isinstance(outcomes[name], StartupProblem):
            problems.append(str(outcomes[name]))
        elif outcomes[name] is not None:
            # Slack unreachable or failing is not a setting to fix: start, and let retries and the outbox cope.
            event(log, "bot.start_unverified", logging.WARNING, check=name, error=type(outcomes[name]).__name__)
    return problems


def _join_within(thread: threading.Thread, started: float, stage_of: Callable[[], str]) -> str | None:
    """Wait for `thread` until the limit of the stage it is in (it may move on meanwhile); the stage it overran, or None."""
    while thread.is_alive():
        remaining = started + STAGE_LIMITS[stage_of()] - time.monotonic()
        if remaining <= 0:
            return stage_of()
        thread.join(min(remaining, STAGE_POLL_SECONDS))
    return None
