"""Pruning (RETENTION_DAYS): finished tasks and stale Home views go; audit entries never do,
and neither does unfinished work. Deletes run in small batches, so pruning a large backlog
never holds a long write lock over the decisions made meanwhile."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import tasks_table

BATCH = 500


class Retention:
    """Pruning of finished tasks (stale Home views: HomeViews.prune)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def prune_finished_tasks(self, done_before: float, batch: int = BATCH, keep_kinds: Collection[str] = (), keep_keyed: Collection[str] = ()) -> int:
        """Delete tasks finished before `done_before` (an unfinished task has no done_at), except
        those of `keep_kinds` or whose key holds one of `keep_keyed` (finished, but read again
        later); return how many."""
        finished = sa.select(tasks_table.c.seq).where(tasks_table.c.done_at < done_before)
        if keep_kinds:
            finished = finished.where(tasks_table.c.kind.not_in(list(keep_kinds)))
        for part in keep_keyed:
            finished = finished.where(sa.not_(tasks_table.c.key.contains(part, autoescape=True)))
        old = finished.limit(batch).scalar_subquery()
        pruned = 0
        while True:
            with self.db.transaction() as conn:
                deleted = conn.execute(tasks_table.delete().where(tasks_table.c.seq.in_(old))).rowcount
            pruned += deleted
            if deleted < batch:
                return pruned
