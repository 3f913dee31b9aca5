"""A lane: a pool of threads that runs the most urgent queued task first.

Tasks have classes (tasks.py's Priority: DECIDE, POST, REPORT, BACKGROUND). A queued task of
a higher class starts before any of a lower one, and a lower class may never occupy the
last threads of the lane: class c runs only while fewer than cap(c) threads run tasks of
class c or lower, so a decision always finds a thread free however many Home refreshes or
look-ups are queued or running. Threads are kept back only for classes that run in the lane.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Iterable

from bot.work.tasks import CLASSES, Priority


def caps_for(threads: int, classes: Iterable[int] = CLASSES) -> dict[int, int]:
    """Threads each class may fill (with the classes below it), for a lane that runs `classes`:
    one kept back per class above that runs here (never for one that does not), and the
    background class at most half a lane it shares. Caps rise strictly with the class, so a
    higher class always finds a thread when the lower ones have filled theirs."""
    served = sorted(set(classes))
    if threads < len(served):
        raise ValueError(f"a lane running {len(served)} classes needs at least {len(served)} threads, not {threads}")
    caps: dict[int, int] = {cls: max(1, threads - sum(1 for above in served if above < cls)) for cls in CLASSES}
    if any(above < Priority.BACKGROUND for above in served):
        caps[Priority.BACKGROUND] = max(1, min(caps[Priority.BACKGROUND], threads // 2))
    return caps


class Lane:
    def __init__(self, name: str, threads: int) -> None:
        self.name = name
        self.threads = threads
        self.caps = caps_for(threads, ())  # none kept back until serve() says which classes run here
        self._cond = threading.Condition()
        self._queue: list[tuple[int, int, Callable[[], None], str | None]] = []  # (class, order, run, tag), sorted
        self._order = itertools.count()
        self._running: dict[int, int] = dict.fromkeys(CLASSES, 0)
        self._stopped = False
        self._workers = [threading.Thread(target=self._work, name=f"work-{name}-{i}", daemon=True) for i in range(threads)]
        for worker in self._workers:
            worker.start()

    def serve(self, classes: Iterable[int]) -> None:
        """The classes of the task kinds that run in this lane: only they are kept threads for."""
        caps = caps_for(self.threads, classes)
        with self._cond:
            self.caps = caps
            self._cond.notify_all()

    # -- what the work queue asks ------------------------------------------------------------
    def submit(self, cls: int, run: Callable[[], None], tag: str | None = None) -> bool:
        """Queue `run` in class `cls`; False once the lane is stopped."""
        with self._cond:
            if self._stopped:
                return False
            bisect.insort(self._queue, (cls, next(self._order), run, tag), key=lambda item: item[:2])
            self._cond.notify_all()
        return True

    def last_below(self, cls: int) -> tuple[int, int] | None:
        """(class, order) of the queued task that would run last, if its class is below `cls`."""
        with self._cond:
            return self._queue[-1][:2] if self._queue and self._queue[-1][0] > cls else None

    def evict(self, position: tuple[int, int]) -> str | None:
        """Take the queued task at `position` (from last_below) out of the queue; its tag."""
        with self._cond:
            for index, item in enumerate(self._queue):
                if item[:2] == position:
                    return self._queue.pop(index)[3]
        return None

    @property
    def queued(self) -> int:
        with self._cond:
            return len(self._queue)

    def admission(self) -> Callable[[int], bool]:
        """A check for tasks about to be queued here, one at a time: True (and counted) if a
        task of that class would start once the tasks that go before it have: those running in
        its class or below it, and those queued in its class or above it. Queued tasks of a
        lower class never keep a higher one out."""
        with self._cond:
            running = dict(self._running)
            queued: dict[int, int] = dict.fromkeys(CLASSES, 0)
            for cls, *_ in self._queue:
                queued[cls] += 1

        def admit(cls: int) -> bool:
            ahead = self.busy_from(cls, running) + sum(n for c, n in queued.items() if c <= cls)
            if ahead >= self.caps[cls]:
                return False
            queued[cls] += 1
            return True

        return admit

    def stop(self) -> None:
        """Run nothing more that is queued (it stays stored for another worker)."""
        with self._cond:
            self._stopped = True
            self._queue.clear()
            self._cond.notify_all()

    # -- the threads ------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            with self._cond:
                index = self._runnable()
                while not self._stopped and index is None:
                    self._cond.wait()
                    index = self._runnable()
                if self._stopped or index is None:
                    return
                cls, _, run, _ = self._queue.pop(index)
                self._running[cls] += 1
            try:
                run()
            finally:
                with self._cond:
                    self._running[cls] -= 1
                    self._cond.notify_all()

    def _runnable(self) -> int | None:
        """The first queued task (most urgent class, then oldest) whose class has room."""
        for index, (cls, *_) in enumerate(self._queue):
            if self.busy_from(cls, self._running) < self.caps[cls]:
                return index
        return None

    @staticmethod
    def busy_from(cls: int, counts: dict[int, int]) -> int:
        """Threads taken by class `cls` and the classes below it."""
        return sum(n for c, n in counts.items() if c >= cls)
