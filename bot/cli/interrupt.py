"""Ctrl-C (and SIGTERM) for the operator's CLI, as a flag no timing can lose.

A Python-level signal handler runs only when the main thread next executes bytecode; when the
signal lands on another thread (the kernel picks any) while the main thread sleeps in a lock,
a job could be sent after Ctrl-C. And a process started with SIGINT ignored (a background job
of a non-interactive shell) never gets the default KeyboardInterrupt at all. So the CLI
installs its own handler and a wakeup pipe: CPython's C-level handler writes the signal's
byte to the pipe at once, in whichever thread the signal landed. The pipe is the flag (it is
never drained): `is_set()` asks whether it holds a byte, `wait()` sleeps until it does.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupt:
    """Set once by a signal (or `set()`), then for good; usable from any thread."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def set(self) -> None:
        with contextlib.suppress(BlockingIOError):  # a full pipe is set already
            os.write(self._write, b"\0")

    def is_set(self) -> bool:
        return self.wait(0)

    def wait(self, timeout: float | None = None) -> bool:
        """Sleep until set or `timeout` passes; True if set."""
        readable, _, _ = select.select([self._read], [], [], timeout)
        return bool(readable)

    @contextlib.contextmanager
    def installed(self, signals: tuple[int, ...] = SIGNALS) -> Iterator[Interrupt]:
        """Route `signals` here for the duration (main thread only); restore what was there."""
        previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        previous = {sig: signal.signal(sig, _noted) for sig in signals}  # replaces SIG_IGN too
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous_fd)


def _noted(_signum, _frame) -> None:
    """The Python-level handler has nothing to do: the C-level one already wrote the pipe."""
