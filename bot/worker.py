"""Background work off Bolt's listener threads, so acknowledgements never wait on CI calls."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .logs import event

log = logging.getLogger(__name__)


class BackgroundWork:
    def __init__(self, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="work")
        self._idle = threading.Condition()
        self._inflight = 0
        self.accepting = True

    def submit(self, name: str, fn: Callable[..., object], *args: object) -> bool:
        """Run fn(*args) in the background; False if shutting down (nothing was started)."""
        with self._idle:
            if not self.accepting:
                return False
            self._inflight += 1
        self._pool.submit(self._run, name, fn, args)
        return True

    def _run(self, name: str, fn: Callable[..., object], args: tuple) -> None:
        try:
            fn(*args)
        except Exception:
            log.exception("work.failed", extra={"fields": {"task": name}})
        finally:
            with self._idle:
                self._inflight -= 1
                self._idle.notify_all()

    @property
    def inflight(self) -> int:
        with self._idle:
            return self._inflight

    def drain(self, timeout: float) -> bool:
        """Stop accepting work and wait for what is running; True if everything finished."""
        with self._idle:
            self.accepting = False
            finished = self._idle.wait_for(lambda: self._inflight == 0, timeout)
        event(log, "work.drained", finished=finished, left=self.inflight)
        self._pool.shutdown(wait=False, cancel_futures=True)
        return finished
