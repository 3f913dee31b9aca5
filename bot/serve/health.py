"""GET /healthz: is the database reachable, and is every background loop making progress?

The answer never waits long on the database: the probe runs in its own thread with a short
limit per call, and a request waits for it at most PROBE_WAIT_SECONDS. A probe still hung
from an earlier request is waited on, never doubled, so a dead database cannot pile up threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.work.heartbeat import Heartbeat

PROBE_LIMIT_SECONDS = 2.0  # one database call of the probe
PROBE_WAIT_SECONDS = 3.0  # how long a /healthz request waits for the probe
STALE_AFTER_SECONDS = 60.0  # a loop silent this long is reported stalled


class DatabaseProbe:
    def __init__(self, ping: Callable[[float], None]) -> None:
        self._ping = ping  # ping(limit): raises if the database does not answer
        self._lock = threading.Lock()
        self._running: threading.Event | None = None
        self._result = "unknown"

    def check(self, wait: float = PROBE_WAIT_SECONDS) -> str:
        """'ok', the error's name, or 'timeout' when no answer came within `wait` seconds."""
        with self._lock:
            done = self._running
            if done is None:
                done = self._running = threading.Event()
                threading.Thread(target=self._probe, args=(done,), name="health-probe", daemon=True).start()
        if not done.wait(wait):
            return "timeout"
        return self._result

    def _probe(self, done: threading.Event) -> None:
        try:
            self._ping(PROBE_LIMIT_SECONDS)
            result = "ok"
        except Exception as exc:
            result = type(exc).__name__
        with self._lock:
            self._result = result
            self._running = None
        done.set()


def report(database: str, loops: dict[str, Heartbeat], stale_after: float) -> tuple[bool, dict]:
    """(healthy, body): the body names each failing part."""
    stalled = {name: round(beat.age()) for name, beat in loops.items() if beat.age() > stale_after}
    failing = (["database"] if database != "ok" else []) + sorted(stalled)
    body = {
        "ok": not failing,
        "database": database,
        "loops": {name: (f"stalled {stalled[name]}s" if name in stalled else "ok") for name in loops},
    }
    if failing:
        body["failing"] = failing
    return not failing, body
