"""The SIGTERM budget: SHUTDOWN_GRACE_SECONDS from the signal until every process has exited.

One deadline, fixed when the signal arrives, bounds every phase of the drain: each phase ends
where the time the later ones need begins, and what a phase leaves unused goes to the next.
What is not finished by then is handed back in the database for the next process; then the
process exits at once (os._exit): threads still waiting on Tencent hold nothing that is not
stored (their tasks are no longer ours), and Python's own exit would wait for them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable

from bot.observe.logs import event

log = logging.getLogger("bot.stop_budget")  # its name before the move: operators filter JSON lines on `logger`

EXIT_RESERVE = 1.0  # after the drain: this process's exit, and gunicorn's master seeing it and exiting
RETIRE_RESERVE = 1.0  # handing the unfinished tasks back (one transaction), closing clients
AUDIT_RESERVE = 1.5  # the last audit pass (a few posts)
BURY_WAIT_SECONDS = 0.5  # gunicorn's master waits this long to free an exited worker's work (runtime.py)
# The overrun guard fires this long before the budget ends: its own exit, then the master's
# wait for the burial (with the database away it waits all of it) and the master's own exit.
GUARD_MARGIN = BURY_WAIT_SECONDS + 0.3


class StopBudget:
    def __init__(self, grace_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.grace_seconds = grace_seconds
        self._clock = clock
        self.deadline: float | None = None  # monotonic; when the drain must be over
        self.done = threading.Event()

    def start(self, seconds: float | None = None) -> float:
        """Fix the deadline now, unless it is fixed already (a second SIGTERM changes nothing).
        Safe in a signal handler: no lock, no I/O."""
        if self.deadline is None:
            self.deadline = self._clock() + (self.grace_seconds if seconds is None else seconds) - EXIT_RESERVE
        return self.deadline

    @property
    def drain_until(self) -> float:
        """Running tasks, and the deliveries of what they announced, until here."""
        return self.start() - AUDIT_RESERVE - RETIRE_RESERVE

    @property
    def audit_until(self) -> float:
        return self.start() - RETIRE_RESERVE

    def left(self, until: float) -> float:
        return max(0.0, until - self._clock())

    def guard(self) -> None:
        """In the real process only: if the drain is stuck (a database that stopped answering),
        exit anyway before the budget ends. Whatever was not handed back is taken over once
        this process's heartbeat is stale."""
        threading.Thread(target=self._guard, name="stop-guard", daemon=True).start()

    def _guard(self) -> None:
        if not self.done.wait(self.left(self.start() + EXIT_RESERVE - GUARD_MARGIN)):
            event(log, "bot.stop_overrun", logging.ERROR, grace_seconds=self.grace_seconds)
            exit_now(1)


def exit_now(code: int) -> None:
    """End the process without waiting for threads (see the module's docstring); logs first."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe must not keep the process alive
            stream.flush()
    os._exit(code)
