"""Keep CI calls under the API's limit: never more than `limit` in any window.

Callers reserve a send time under a lock and sleep outside it, so waiting callers do not
hold each other up and are served in arrival order. A small margin on the window absorbs
the jitter between leaving here and arriving at the server.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol


class Limiter(Protocol):
    def acquire(self) -> None:
        """Block until one more request may be sent."""


class SlidingWindowLimiter:
    """In-process limiter: the k-th send is at least `window` after the (k-limit)-th."""

    def __init__(
        self,
        limit: int,
        window: float = 1.0,
        margin: float = 0.15,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.span = window + margin
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._sends: deque[float] = deque(maxlen=limit)

    def reserve(self) -> float:
        """Reserve the earliest allowed send time (on `clock`) and return it."""
        with self._lock:
            at = self._clock()
            if len(self._sends) == self.limit:
                at = max(at, self._sends[0] + self.span)
            self._sends.append(at)
            return at

    def acquire(self) -> None:
        delay = self.reserve() - self._clock()
        if delay > 0:
            self._sleep(delay)


class Unlimited:
    """For tests that are not about rate: sends at once."""

    def acquire(self) -> None:
        return None
