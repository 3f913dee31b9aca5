"""Group commit: callers that arrive while a write is under way are stored together in the
next one, so a burst of acknowledgements costs a few transactions instead of one each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class _Slot(Generic[T]):
    __slots__ = ("error", "item", "lead", "wake")

    def __init__(self, item: T) -> None:
        self.item = item
        self.lead = False
        self.error: BaseException | None = None
        self.wake = threading.Event()


class GroupCommit(Generic[T]):
    def __init__(self, commit: Callable[[Sequence[T]], None]) -> None:
        self._commit = commit
        self._lock = threading.Lock()
        self._pending: list[_Slot[T]] = []
        self._busy = False

    def submit(self, item: T) -> None:
        """Return once `item` is committed (raise what the commit raised)."""
        slot = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            if not self._busy:
                self._busy = slot.lead = True
        if not slot.lead:
            slot.wake.wait()  # woken when done, or when it is our turn to lead
        if slot.lead:
            self._lead(slot)
        if slot.error is not None:
            raise slot.error

    def _lead(self, me: _Slot[T]) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        try:
            self._commit([s.item for s in batch])
        except BaseException as exc:  # every caller of the batch hears of it
            for s in batch:
                s.error = exc
        with self._lock:
            following = self._pending[0] if self._pending else None
            if following is not None:
                following.lead = True  # the next batch is led by its first caller
            else:
                self._busy = False
        me.lead = False
        for s in batch:
            if s is not me:
                s.wake.set()
        if following is not None:
            following.wake.set()
