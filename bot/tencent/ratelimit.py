"""Keep CI calls under the API's limit: never more than `limit` in any window at the server.

The limiter keeps, for each recent request, the latest moment it can have reached the server,
and lets a request go once the `limit`-th latest of those is one window old. Each is recorded
when the request actually goes (in the same step as the check, so a thread that wakes late
or a slow reservation cannot squeeze an extra request into a window), and is then narrowed
by what the request's own answer shows:

- in flight: it may still be arriving, up to the client's hard deadline (`in_flight`);
- answered: it arrived by its send time plus a margin measured, not guessed: how much slower
  its own round trip was than the fastest recent one (a request cannot have spent longer on
  its way out than its trip took beyond the fastest trip), never later than the answer;
- failed without an answer: it cannot arrive after we gave up.

Requests sent before any round trip has been measured (the first burst after start, on new
connections) keep at least 150 ms.

Cancels go first. Each request has a priority, the class of the work it serves (0 first):
0 is a cancel, or a look-up made for one (confirming an outcome); higher ones are look-ups
(an approval request's evidence, then `status`). Priority 0 may fill the whole window;
look-ups only up to `lookup_cap(limit)` sends in it, counting every send, so part of every
window is left to cancels however many look-ups wait, in every process. Within a process a
waiting request takes the next slot before any waiting one of a lower priority.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

#: Longest sleep between checks: an answer arriving meanwhile may free the window sooner.
RECHECK = 0.1
#: A request with no answer yet may reach the server until the client gives up on it.
IN_FLIGHT = 30.0


URGENT, LOOKUP = 0, 3  # a cancel's priority; a look-up's unless told otherwise
_PRIORITY = contextvars.ContextVar("ci_priority", default=LOOKUP)


@contextlib.contextmanager
def calls_at(priority: int) -> Iterator[None]:
    """CI calls made in this block (on this thread) have `priority` (0: they serve a cancel)."""
    token = _PRIORITY.set(priority)
    try:
        yield
    finally:
        _PRIORITY.reset(token)


def priority_of(method: str) -> int:
    """A cancel (POST) is urgent; a look-up has the priority of the block it is made in."""
    return URGENT if method == "POST" else _PRIORITY.get()


def lookup_cap(limit: int) -> int:
    """Sends in one window that look-ups may fill: a quarter of the limit (at least one) is kept
    for cancels, unless the limit is 1."""
    return max(1, limit - max(1, limit // 4))


class Limiter(Protocol):
    def acquire(self, priority: int = URGENT) -> None:
        """Block until one more request may be sent, and count it as sent now; a look-up
        (priority above 0) waits while its share of the window is taken."""

    def done(self, answered: bool, written_at: float | None = None) -> None:
        """The request sent after this thread's acquire() got an answer, or was given up;
        `written_at`: time.monotonic() when its last byte was written, if it was."""


class RoundTrips:
    """Recent CI round trips, timed from the moment each send was recorded."""

    def __init__(self, keep: int = 50, floor: float = 0.005, unmeasured: float = 0.15, min_samples: int = 5) -> None:
        self.floor, self.unmeasured, self.min_samples = floor, unmeasured, min_samples
        self._seconds: deque[float] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def observe(self, seconds: float) -> None:
        with self._lock:
            self._seconds.append(seconds)

    def least_margin(self) -> float:
        """The least margin a request sent now keeps: none once round trips have been measured
        (its own answer tells), the conservative `unmeasured` before (the first requests after
        start, whose new connections may be slower than any trip seen later)."""
        with self._lock:
            return 0.0 if len(self._seconds) >= self.min_samples else self.unmeasured

    def excess(self, seconds: float) -> float:
        """How much slower a trip of `seconds` was than the fastest recent one, plus the typical
        jitter (median minus fastest, at least `floor`): a round trip cannot tell how its
        slowness split between the way out and the way back, nor how fast the next trip's way
        out will be."""
        with self._lock:
            trips = sorted(self._seconds) or [seconds]
        fastest, median = trips[0], trips[len(trips) // 2]
        return max(0.0, seconds - fastest) + max(self.floor, median - fastest)


class Settling:
    """What both limiters share: after each send, narrow its recorded arrival bound from the
    answer (the client calls acquire() and then done() on the same thread)."""

    def __init__(self, round_trips: RoundTrips | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.round_trips = round_trips or RoundTrips()
        self._trip_clock = clock
        self._sent = threading.local()

    def _remember(self, token: object, recorded: float, margin: float) -> None:
        """`recorded`: on the trip clock, when the send was recorded; `margin`: predicted then.
        Called as the request goes: the round trip is timed from now."""
        self._sent.token, self._sent.recorded, self._sent.margin = token, recorded, margin
        self._sent.sent = self._trip_clock()

    def done(self, answered: bool, written_at: float | None = None) -> None:
        token = getattr(self._sent, "token", None)
        if token is None:
            return
        self._sent.token = None
        now = self._trip_clock()
        elapsed = now - self._sent.recorded
        if answered:
            # The trip is timed from the send, not from the record: the time between (a shared
            # check's commit) is all on the way out, and counted in the fastest trip it would
            # pass for way back, letting the bound fall short of the arrival.
            # Timed from the last byte written where known: the client's own work before it
            # (building, signing; stalls on a busy host) is way out the answer cannot show.
            sent = max(self._sent.sent, written_at) if written_at is not None else self._sent.sent
            trip, lag = now - sent, sent - self._sent.recorded
            self.round_trips.observe(trip)
            bound = min(elapsed, max(self._sent.margin, lag + self.round_trips.excess(trip)))  # never after its answer
        else:
            bound = elapsed  # no answer: it cannot reach the server after we gave up
        self._settle(token, bound)

    def _settle(self, token: Any, seconds_after_send: float) -> None:  # Any: each limiter has its own token
        raise NotImplementedError


class _Send:
    __slots__ = ("at", "until")

    def __init__(self, at: float, until: float) -> None:
        self.at, self.until = at, until


class SlidingWindowLimiter(Settling):
    """In-process limiter (the CLI, tests, benches); the bot shares one through the database."""

    def __init__(
        self,
        limit: int,
        window: float = 1.0,
        round_trips: RoundTrips | None = None,
        in_flight: float = IN_FLIGHT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        super().__init__(round_trips, clock)
        self.limit = limit
        self.cap = lookup_cap(limit)
        self.window = window
        self.in_flight = in_flight
        self._clock = clock
        self._sleep = sleep
        # Held while a caller waits for its turn: the next send of its kind cannot go before
        # this one anyway. Look-ups have their own, so a waiting look-up never holds up a cancel.
        self._gates = {True: threading.Lock(), False: threading.Lock()}  # by urgent
        self._lock = threading.Lock()  # guards _sends (settled from other threads)
        self._sends: deque[_Send] = deque()

    def try_send(self, urgent: bool = True) -> float:
        """Record a send now and return 0 if the window allows it; else the seconds to wait."""
        now = self._clock()
        limit = self.limit if urgent else self.cap
        with self._lock:
            while self._sends and self._sends[0].at < now - self.in_flight - 10 * self.window:
                self._sends.popleft()
            latest = sorted((s.until for s in self._sends), reverse=True)
            if len(latest) >= limit and (wait := latest[limit - 1] + self.window - now) > 0:
                return wait
            send = _Send(now, now + self.in_flight)
            self._sends.append(send)
        self._remember(send, now, self.round_trips.least_margin())
        return 0.0

    def acquire(self, priority: int = URGENT) -> None:
        urgent = priority == URGENT
        with self._gates[urgent]:
            while (wait := self.try_send(urgent)) > 0:
                self._sleep(min(wait, RECHECK))

    def _settle(self, token: _Send, seconds_after_send: float) -> None:
        with self._lock:
            token.until = token.at + seconds_after_send


class Unlimited:
    """For tests that are not about rate: sends at once."""

    def acquire(self, priority: int = URGENT) -> None:
        return None

    def done(self, answered: bool, written_at: float | None = None) -> None:
        return None


_RESEND_CHECK: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar("ci_resend_check", default=None)


@contextlib.contextmanager
def resends_checked_by(check: Callable[[], bool]) -> Iterator[None]:
    """A cancel made in this block is sent again (after an answer that may not have come) only
    if `check()` says so, asked right before: it records the intent, and refuses once this
    process no longer holds the job (frozen meanwhile, another took it over)."""
    token = _RESEND_CHECK.set(check)
    try:
        yield
    finally:
        _RESEND_CHECK.reset(token)


def may_resend(method: str, maybe_applied: bool) -> bool:
    """Whether the client may send this call again after an attempt that may have landed."""
    check = _RESEND_CHECK.get()
    return method != "POST" or not maybe_applied or check is None or check()
