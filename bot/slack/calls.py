"""One way to call Slack: what a failure means is decided here, once.

    with slack_call("chat.update", failed="slack.update_failed", request_id=request.id) as call:
        client.chat_update(...)
    if call.failed:
        ...  # a fallback route, where there is one

A passing failure (429 with Retry-After, 5xx, a transient error, the network) raises RetryLater
and the task runs again. A final one (Slack answered no: not_in_channel, invalid_blocks, …) is
logged as the `failed` event with Slack's `error` and swallowed: the code after the block reads
`call.failed` to try another route. With `retry=False` (a call whose moment passes, such as
views.open or a permalink) every failure is final, the network's included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError

from bot.observe.logs import event
from bot.work import RetryLater
from bot.work.outbox import LeaseLost

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}

# Already a verdict on what to do next (retry later, post nothing more): passed through untouched.
_VERDICTS = (RetryLater, LeaseLost)


class Call:
    """What one Slack call came to, for the code after its with-block."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.failed = False  # it failed for good (a passing failure raised RetryLater instead)
        self.error: str | None = None  # then Slack's error code, or the exception's type


@contextmanager
def slack_call(
    method: str, failed: str | None = None, level: int = logging.WARNING, *, retry: bool = True, logger: logging.Logger = log, **fields: object
) -> Iterator[Call]:
    """Run the Slack call(s) in the with-block; see the module's docstring. `fields` go on the
    `failed` log event (none is logged without one: the caller then says what failed), logged by
    `logger`: the caller's, so each line names the module whose call failed."""
    call = Call(method)
    try:
        yield call
    except _VERDICTS:
        raise
    except Exception as exc:
        if retry:
            retry_or_raise(exc)
        call.failed, call.error = True, error_of(exc)
        if failed:
            event(logger, failed, level, **fields, error=call.error)


def retry_or_raise(exc: Exception) -> None:
    """Turn a passing Slack failure into RetryLater; return on a final one (Slack said no for good)."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        if status == 429:
            raise RetryLater(float(exc.response.headers.get("Retry-After", 1) or 1), "rate limited", refused=True) from None
        if status >= 500 or exc.response.get("error") in TRANSIENT_ERRORS:
            raise RetryLater(5.0, str(exc.response.get("error")), refused=status < 500) from None
        return
    raise RetryLater(5.0, type(exc).__name__) from None  # network trouble


def error_of(exc: Exception) -> str | None:
    """Slack's error code for a refusal, the exception's type for anything else (never its text:
    a library's message may hold a request body)."""
    if isinstance(exc, SlackApiError):
        error = exc.response.get("error")
        return None if error is None else str(error)
    return type(exc).__name__
