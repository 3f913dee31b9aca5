"""Fencing: a post to Slack cannot be taken back, so right before each one the poster proves,
in one transaction, that it still holds what entitles it to post (the audit lease, or the task
it runs) and records the attempt. A worker that stalled past its heartbeat (a long GC, a
frozen container) and was presumed dead fails the check and posts nothing it no longer holds.

`fresh` (seconds) also asks that the worker's own heartbeat be that recent, on the database's
clock: since others presume a worker dead only once its heartbeat is `dead_after` old, a post
fenced with `fresh = dead_after - margin` has `margin` seconds to reach Slack before anyone
may take over and look for it.

The worker's row is locked first, then the lease or task: the order reaping uses, so the two
never deadlock, and a reaper waits for a fenced attempt to be recorded (and so looks for it).
A post that only makes sense while its request is pending (a reminder) also share-locks the
request's row in between, so it is checked in the same transaction as the fence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.domain.states import State
from bot.store.database import Database
from bot.store.schema import audit_table, leases_table, requests_table, tasks_table, workers_table


class Fences:
    """The fences of the task repository (WorkItems in work.py exposes them)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.db.transaction() as conn:
            yield conn

    def now_sql(self) -> sa.ColumnElement[Any]:
        return self.db.now_sql()

    def db_now(self, conn: Connection) -> float:
        return self.db.db_now(conn)

    def _alive(self, conn: Connection, me: str, fresh: float | None) -> bool:
        """`me` is a registered worker (not reaped) whose heartbeat is at most `fresh` old."""
        beat = conn.execute(sa.select(workers_table.c.heartbeat_at).where(workers_table.c.id == me).with_for_update(read=True)).scalar()
        return beat is not None and (fresh is None or beat >= self.db_now(conn) - fresh)

    def fence_audit_post(self, lease: str, entry_id: int, me: str, fresh: float | None = None) -> bool:
        """Right before posting audit entry `entry_id` (or one of its replies): if `me` still
        holds `lease` and the entry is not marked posted, record the attempt (the entry is in
        doubt from now until its post is confirmed or refused) and return True."""
        with self._tx() as conn:
            if not self._alive(conn, me, fresh):
                return False
            holder = conn.execute(sa.select(leases_table.c.holder).where(leases_table.c.name == lease).with_for_update(read=True)).scalar()
            if holder != me:
                return False
            return (
                conn.execute(
                    audit_table.update()
                    .where(audit_table.c.id == entry_id)
                    .where(audit_table.c.posted_at.is_(None))
                    .values(post_attempts=audit_table.c.post_attempts + 1, claimed_until=self.now_sql())
                ).rowcount
                == 1
            )

    def audit_in_doubt(self, entry_id: int) -> bool:
        """An earlier attempt was made and neither landed for sure nor was refused for sure."""
        with self.db.reading() as conn:
            return conn.execute(sa.select(audit_table.c.claimed_until).where(audit_table.c.id == entry_id)).scalar() is not None

    def task_attempts(self, key: str) -> int:
        """Attempts recorded for task `key`, by any worker, including one that died mid-attempt."""
        with self.db.reading() as conn:
            return int(conn.execute(sa.select(tasks_table.c.attempts).where(tasks_table.c.key == key)).scalar() or 0)

    def fence_task_attempt(self, key: str, me: str, fresh: float | None = None, pending_request: str | None = None) -> bool:
        """Right before a post made by task `key`: if `me` (a live worker) still owns the
        unfinished task, count the attempt and return True; False: the task is no longer ours,
        or request `pending_request` (if named) is no longer pending, so the post is moot."""
        with self._tx() as conn:
            if not self._alive(conn, me, fresh):
                return False
            if pending_request is not None and not self._still_pending(conn, pending_request):
                return False
            return (
                conn.execute(
                    tasks_table.update()
                    .where(tasks_table.c.key == key)
                    .where(tasks_table.c.owner == me)
                    .where(tasks_table.c.done_at.is_(None))
                    .values(attempts=tasks_table.c.attempts + 1)
                ).rowcount
                == 1
            )

    def _still_pending(self, conn: Connection, request_id: str) -> bool:
        """The request is pending and unexpired; its row is share-locked, so a decision waits
        until this fence is recorded (and is not made between the check and the count)."""
        row = conn.execute(
            sa.select(requests_table.c.state, requests_table.c.expires_at).where(requests_table.c.id == request_id).with_for_update(read=True)
        ).first()
        return row is not None and row.state == State.PENDING and row.expires_at > self.db_now(conn)

    def audit_post_refused(self, lease: str, entry_id: int, me: str) -> None:
        """Slack answered no: the attempt is certainly not in the channel. Only the lease's
        holder may say so; a poster that lost it must not clear the doubt of the one that took over."""
        holder = leases_table.c.holder
        with self._tx() as conn:
            conn.execute(
                audit_table.update()
                .where(audit_table.c.id == entry_id)
                .where(sa.exists().where(leases_table.c.name == lease).where(holder == me))
                .values(claimed_until=None)
            )
