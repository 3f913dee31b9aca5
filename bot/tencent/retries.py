"""Retries: what a call's attempts so far imply, whether a failed attempt ends the call, and how long
to wait before the next one. The client's loop (client.py) follows them, as botocore's endpoint
follows its retry handler; which requests may be sent twice is the rate limit's (ratelimit.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.tencent.ratelimit import may_resend
from bot.tencent.results import CIError

RETRY_AFTER_CAP = 30.0  # seconds; a longer Retry-After fails the call rather than stall a worker


@dataclass
class Progress:
    """What one call's attempts so far imply about the server's state."""

    ambiguous: bool = False  # some finished attempt may have taken effect
    in_flight: bool = False  # an attempt is under way: it may have been sent


def gives_up(exc: CIError, attempt: int, max_attempts: int, method: str) -> bool:
    """A failed attempt ends the call: not retryable, the last attempt, or one that must not be sent again."""
    return not exc.retryable or attempt >= max_attempts or not may_resend(method, exc.maybe_applied)


def backoff(attempt: int, retry_after: float | None, base: float, cap: float, jitter: Callable[[], float]) -> float:
    if retry_after is not None:
        return min(max(retry_after, 0.0), RETRY_AFTER_CAP)
    # "Full jitter": spreads retries from many callers instead of synchronising them.
    return jitter() * min(cap, base * 2 ** (attempt - 1))
