"""Who has opened the bot's Home tab, and which change their Home last showed.

A change to a request refreshes the Home of the users it concerns who have opened the tab
(the workflow says who). Refreshes are coalesced twice: one is stored for a user only if none
is already waiting to start (that one will show this change too), and one that finds its
user's Home already showing the latest change (the newest audit entry) does nothing. So a
burst of decisions costs each user one publish, or two when the first had already started.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from bot.store.database import Database
from bot.store.schema import audit_table, home_views_table, tasks_table
from bot.store.task_writer import TaskWriter
from bot.store.work import NewTask


class HomeViews:
    def __init__(self, db: Database, work: TaskWriter) -> None:
        self.db = db
        self.work = work

    def opened(self, user_id: str) -> None:
        """Remember (again) that `user_id` looks at the tab: views not opened for RETENTION_DAYS are pruned."""
        now = self.db.now_sql()
        insert = self.db.dialect.insert(home_views_table).values(user_id=user_id, opened_at=now, shown_version=0)
        with self.db.transaction() as conn:
            conn.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_={"opened_at": now}))

    def viewers(self) -> list[str]:
        with self.db.reading() as conn:
            return list(conn.execute(sa.select(home_views_table.c.user_id).order_by(home_views_table.c.user_id)).scalars())

    def latest_change(self) -> int:
        """The newest audit entry's number: every state change writes one."""
        with self.db.reading() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_table.c.id), 0))).scalar_one()

    def shown(self, user_id: str) -> int:
        with self.db.reading() as conn:
            return conn.execute(sa.select(home_views_table.c.shown_version).where(home_views_table.c.user_id == user_id)).scalar() or 0

    def mark_shown(self, user_id: str, version: int) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                home_views_table.update()
                .where(home_views_table.c.user_id == user_id)
                .where(home_views_table.c.shown_version < version)
                .values(shown_version=version)
            )

    def queue_refreshes(self, refreshes: Sequence[NewTask]) -> int:
        """Store each refresh unless its stream (one user's Home) already has one waiting to
        start, which will read the state after this change anyway; return how many were stored."""
        if not refreshes:
            return 0
        with self.db.transaction() as conn:
            waiting = set(
                conn.execute(
                    sa.select(tasks_table.c.stream)
                    .where(tasks_table.c.stream.in_([r.stream for r in refreshes]))
                    .where(tasks_table.c.kind.in_({r.kind for r in refreshes}))
                    .where(tasks_table.c.done_at.is_(None))
                    .where(tasks_table.c.owner.is_(None))
                ).scalars()
            )
            return self.work.enqueue_in(conn, [r for r in refreshes if r.stream not in waiting])

    def prune(self, opened_before: float) -> int:
        """Forget users who have not opened the tab since `opened_before`: no more refreshes for them."""
        with self.db.transaction() as conn:
            return conn.execute(home_views_table.delete().where(home_views_table.c.opened_at < opened_before)).rowcount
