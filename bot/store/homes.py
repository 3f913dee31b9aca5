"""Who has opened the bot's Home tab, and which change their Home last showed.

Every change to a request refreshes the Home of each user here. Refreshes are keyed by the
latest change (the newest audit entry), and one that finds its user's Home already showing
that change or a newer one does nothing: a burst of decisions costs each user one publish.
"""

from __future__ import annotations

import sqlalchemy as sa

from .database import Database
from .schema import audit_table, home_views_table


class HomesMixin(Database):
    def home_opened(self, user_id: str) -> None:
        with self._tx() as conn:
            conn.execute(self._insert_ignore(home_views_table, ["user_id"]).values(user_id=user_id, opened_at=self.now_sql(), shown_version=0))

    def home_viewers(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(home_views_table.c.user_id).order_by(home_views_table.c.user_id)).scalars())

    def latest_change(self) -> int:
        """The newest audit entry's number: every state change writes one."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(audit_table.c.id), 0))).scalar_one()

    def home_shown(self, user_id: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(home_views_table.c.shown_version).where(home_views_table.c.user_id == user_id)).scalar() or 0

    def mark_home_shown(self, user_id: str, version: int) -> None:
        with self._tx() as conn:
            conn.execute(
                home_views_table.update()
                .where(home_views_table.c.user_id == user_id)
                .where(home_views_table.c.shown_version < version)
                .values(shown_version=version)
            )
