"""An in-memory heartbeat: a background loop beats it each time round, /healthz reads its age."""

from __future__ import annotations

import time


class Heartbeat:
    def __init__(self) -> None:
        self._at = time.monotonic()

    def beat(self) -> None:
        self._at = time.monotonic()

    def age(self) -> float:
        """Seconds since the loop last made progress."""
        return time.monotonic() - self._at
