"""Keep CI calls under the API's limit: never more than `limit` in any window at the server.

Each send is recorded when it actually goes (not when it was planned), in the same step that
checks the window, so a thread that wakes late, or a slow reservation, can never squeeze an
extra request into a window: the log holds at most `limit` sends per window by construction.

What remains uncertain is how much later than the fastest one a request reaches the server
(a new connection, a busy interpreter). That margin is measured, not guessed: the spread of
recent round trips (slowest minus fastest, timed from the moment the send was recorded),
since a request cannot have spent longer on its way out than its whole trip took beyond the
fastest one. Each send is recorded as "now + margin", the latest it can have left, and the
next send waits until the `limit`-th latest of those is one window old. Until a few answers
have been seen, the margin is a conservative 150 ms.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

#: Longest sleep between checks: answers arriving meanwhile may narrow the margin.
RECHECK = 0.1


class Limiter(Protocol):
    def acquire(self) -> None:
        """Block until one more request may be sent, and count it as sent now."""

    def answered(self, seconds: float) -> None:
        """A request sent after acquire() was answered `seconds` later."""


class RoundTrips:
    """Recent CI round trips; their spread is the margin each send keeps for network jitter."""

    def __init__(self, keep: int = 50, floor: float = 0.005, cap: float = 0.5, unmeasured: float = 0.15,
                 min_samples: int = 5) -> None:
        self.floor, self.cap, self.unmeasured, self.min_samples = floor, cap, unmeasured, min_samples
        self._seconds: deque[float] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def observe(self, seconds: float) -> None:
        with self._lock:
            self._seconds.append(seconds)

    def margin(self) -> float:
        """Slowest minus fastest recent round trip, plus `floor` for what the spread cannot
        separate (the way back varies too), at most `cap`; before enough answers have been
        seen, the conservative `unmeasured` value."""
        with self._lock:
            if len(self._seconds) < self.min_samples:
                return self.unmeasured
            spread = max(self._seconds) - min(self._seconds)
        return min(self.cap, spread + self.floor)


class MeasuredTrips:
    """Times each round trip from the moment its send was recorded (same thread: the client
    calls acquire() then answered() on the thread that sends)."""

    def __init__(self, round_trips: RoundTrips | None) -> None:
        self.round_trips = round_trips or RoundTrips()
        self._sent = threading.local()

    def _recorded(self, at: float) -> None:
        self._sent.at = at

    def answered(self, seconds: float) -> None:
        at = getattr(self._sent, "at", None)
        self.round_trips.observe(seconds if at is None else time.monotonic() - at)


class SlidingWindowLimiter(MeasuredTrips):
    """In-process limiter over the actual send times of this process's requests."""

    def __init__(
        self,
        limit: int,
        window: float = 1.0,
        round_trips: RoundTrips | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        super().__init__(round_trips)
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        # Held while a caller waits for its turn: the next send cannot go before this one anyway.
        self._gate = threading.Lock()
        #: The `limit` latest moments a recorded send can have left, ascending.
        self._latest: list[float] = []

    def try_send(self) -> float:
        """Record a send now and return 0 if the window allows it; else the seconds to wait."""
        now = self._clock()
        if len(self._latest) == self.limit:
            wait = self._latest[0] + self.window - now
            if wait > 0:
                return wait
        bisect.insort(self._latest, now + self.round_trips.margin())
        del self._latest[: -self.limit]
        return 0.0

    def acquire(self) -> None:
        with self._gate:
            while (wait := self.try_send()) > 0:
                self._sleep(min(wait, RECHECK))
            self._recorded(time.monotonic())


class Unlimited:
    """For tests that are not about rate: sends at once."""

    def acquire(self) -> None:
        return None

    def answered(self, seconds: float) -> None:
        return None
