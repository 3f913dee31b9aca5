"""Group commit: callers that arrive while a write is under way are stored together in the
next one, so a burst of acknowledgements costs a few transactions instead of one each.

One committer thread writes; callers wait for their batch, but only as long as they may (a
Slack acknowledgement cannot wait for a database that stopped answering). A caller that gives
up before its batch was sent is certainly not stored. Items whose callers were told "not
stored" but which may have been (the write succeeded after they gave up, or failed in a way
that leaves its fate unknown: the answer to COMMIT was lost) go to `on_disowned`, to undo
what nobody was told was accepted."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class NotCommitted(TimeoutError):
    """The caller's time ran out before its batch was written: it was not stored."""


class CommitUnknown(TimeoutError):
    """The caller's time ran out while its batch was being written."""


class _Slot(Generic[T]):
    __slots__ = ("abandoned", "done", "error", "item")

    def __init__(self, item: T) -> None:
        self.item = item
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.abandoned = False


class GroupCommit(Generic[T]):
    def __init__(self, commit: Callable[[Sequence[T]], None], on_disowned: Callable[[list[T]], None] = lambda items: None) -> None:
        self._commit = commit
        self._on_disowned = on_disowned
        self._cond = threading.Condition()
        self._pending: list[_Slot[T]] = []
        self._thread: threading.Thread | None = None

    def submit(self, item: T, timeout: float | None = None) -> None:
        """Return once `item` is committed; raise what the commit raised, or NotCommitted /
        CommitUnknown when `timeout` seconds passed first."""
        slot = _Slot(item)
        with self._cond:
            self._pending.append(slot)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
                self._thread.start()
            self._cond.notify()
        if not slot.done.wait(timeout):
            self._give_up(slot)
        if slot.error is not None:
            raise slot.error

    def _give_up(self, slot: _Slot[T]) -> None:
        with self._cond:  # the committer settles slots under this lock too: no answer is lost between
            if slot.done.is_set():
                return
            if slot in self._pending:
                self._pending.remove(slot)
                raise NotCommitted("not stored in time")
            slot.abandoned = True
        raise CommitUnknown("the store did not answer in time")

    IDLE_EXIT_SECONDS = 30.0  # an idle committer ends; the next submit starts another

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: self._pending, self.IDLE_EXIT_SECONDS):
                    self._thread = None
                    return
                batch, self._pending = self._pending, []
            error: BaseException | None = None
            try:
                self._commit([s.item for s in batch])
            except BaseException as exc:  # every caller of the batch hears of it
                error = exc
            with self._cond:
                disowned = [s.item for s in batch if s.abandoned or error is not None]
                for s in batch:
                    s.error = error
                    s.done.set()
            if disowned:
                self._on_disowned(disowned)
