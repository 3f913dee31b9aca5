"""RETENTION_DAYS: every so often, forget what no one needs any more (finished work items,
Home views not opened for that long). Audit entries are never pruned; unfinished work neither,
nor the approval posts and Refresh answers whose payload an approval card is re-rendered from,
nor an escalation's direct messages (each is edited once its request is decided).
Every bot process prunes on its own: deleting what is already gone is harmless."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from typing import Protocol

from bot.domain import announce
from bot.observe.logs import event

log = logging.getLogger(__name__)

DAY = 86400.0
#: Finished, yet read again for as long as their request lives: the approval post's payload holds
#: the evidence (each job's state at request time) that every later re-render of the card shows,
#: and a card can be re-rendered at any time (a decision after days, "Retry failed" after weeks).
KEEP = (announce.APPROVAL_POST, announce.ESCALATION_DM)  # a DM is closed (found, edited) once its request is decided
#: And each Refresh's answers, stored with its card update: what the card showed since, which
#: the checked cancel reads when the request is approved (it may be pending for days).
KEEP_KEYED = (announce.EVIDENCE_KEY,)


class TaskPruning(Protocol):
    def prune_finished_tasks(self, done_before: float, /, *, keep_kinds: Collection[str] = (), keep_keyed: Collection[str] = ()) -> int: ...


class ViewPruning(Protocol):
    def prune(self, opened_before: float, /) -> int: ...


class PruningStore(Protocol):
    """What retention needs of the store (a port: the domain names it, the store provides it)."""

    @property
    def retention(self) -> TaskPruning: ...

    @property
    def homes(self) -> ViewPruning: ...


class Retention:
    def __init__(self, store: PruningStore, days: int, every: float = 3600.0, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.days = days
        self.every = every  # seconds between prunings (the first one comes at the first call)
        self.clock = clock
        self._next = 0.0

    def maybe_prune(self) -> None:
        """Prune if it is time (called from the sweeper's loop)."""
        now = self.clock()
        if now < self._next:
            return
        self._next = now + self.every
        self.prune(now)

    def prune(self, now: float) -> tuple[int, int]:
        cutoff = now - self.days * DAY
        tasks = self.store.retention.prune_finished_tasks(cutoff, keep_kinds=KEEP, keep_keyed=KEEP_KEYED)
        views = self.store.homes.prune(cutoff)
        if tasks or views:
            event(log, "retention.pruned", tasks=tasks, home_views=views, retention_days=self.days)
        return tasks, views
