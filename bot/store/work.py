"""Durable work: live workers (heartbeats), tasks they own, and named singleton leases.

A worker is one running Runtime (or CLI run). It owns the tasks it is running; another
worker takes them over only when the owner is presumed dead: its heartbeat is older than the
timeout by the database's clock. Nothing else decides death: host names and PIDs are shared
or reused across containers, and hosts' clocks differ. Writes that matter (a job's outcome,
finishing a request) re-check ownership in the same transaction, so a worker that lost its
tasks cannot record over the new owner.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.database import Database
from bot.store.fencing import Fences
from bot.store.schema import leases_table, tasks_table, workers_table
from bot.work import NewTask, Priority, Task


def _row_to_task(row: Any) -> Task:
    m = row._mapping
    return Task(m["seq"], m["key"], m["kind"], m["lane"], m["stream"], json.loads(m["payload"]), m["owner"], m["attempts"])


def _class_of(kind: sa.Column[Any], classes: Mapping[str, int]) -> sa.ColumnElement[Any]:
    """The class of a task, from its kind, as an SQL expression (for ordering claims)."""
    by_class: dict[int, list[str]] = {}
    for name, cls in classes.items():
        by_class.setdefault(cls, []).append(name)
    whens = [(kind.in_(sorted(names)), int(cls)) for cls, names in sorted(by_class.items())]
    background = int(Priority.BACKGROUND)
    return sa.case(*whens, else_=background) if whens else sa.literal(background)


def _first_in_stream() -> sa.ColumnElement[bool]:
    """No earlier task of the task's stream is unfinished (or it has no stream)."""
    earlier = tasks_table.alias("earlier")
    blocked = sa.exists().where(earlier.c.stream == tasks_table.c.stream, earlier.c.seq < tasks_table.c.seq, earlier.c.done_at.is_(None))
    return sa.or_(tasks_table.c.stream.is_(None), ~blocked)


def _alive(me: str) -> sa.ColumnElement[bool]:
    """`me` is a registered worker: one reaped (presumed dead, not yet told) is not."""
    return sa.exists().where(workers_table.c.id == me)


def unowned(owner: sa.Column[Any]) -> sa.ColumnElement[bool]:
    """No live worker owns it: nobody, or a worker that is gone (reaped, retired)."""
    return sa.or_(owner.is_(None), ~owner.in_(sa.select(workers_table.c.id)))


def holds_lease(name: str, me: str) -> sa.ColumnElement[bool]:
    """`me` holds the named lease (a condition for a write fenced by it)."""
    return sa.exists().where(leases_table.c.name == name, leases_table.c.holder == me)


class WorkItems:
    """The task repository (bot.work's TaskStore, Leases and TaskFencing) over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.fences = Fences(db)

    def _tx(self, urgent: bool = False) -> AbstractContextManager[Connection]:
        return self.db.transaction(urgent)

    def now_sql(self) -> sa.ColumnElement[Any]:
        return self.db.now_sql()

    @property
    def engine(self) -> sa.Engine:
        return self.db.engine

    def time_limit(self, seconds: float) -> AbstractContextManager[None]:
        limit: AbstractContextManager[None] = self.db.time_limit(seconds)
        return limit

    # -- workers ----------------------------------------------------------------------
    def register_worker(self, worker_id: str, host: str, pid: int, boot: str) -> None:
        """`host`, `pid` and `boot` are for operators reading the table; they never decide liveness."""
        now = self.now_sql()
        with self._tx() as conn:
            conn.execute(
                workers_table.insert().values(id=worker_id, name=f"{host}:{pid}", host=host, pid=pid, boot=boot, started_at=now, heartbeat_at=now)
            )

    def heartbeat(self, worker_id: str) -> bool:
        """Prove we are alive; False if another worker declared us dead (our work is gone)."""
        with self._tx() as conn:
            return conn.execute(workers_table.update().where(workers_table.c.id == worker_id).values(heartbeat_at=self.now_sql())).rowcount == 1

    def reap_workers(self, me: str, timeout: float) -> list[str]:
        """Delete workers whose heartbeat is older than `timeout` by the database's clock; return
        their ids. Their tasks and leases become free to claim in the same transaction. The age
        is checked by the DELETE itself, so a worker that beats meanwhile is never reaped."""
        return self._bury(sa.and_(workers_table.c.id != me, workers_table.c.heartbeat_at < self.now_sql() - timeout))

    def bury_process(self, boot: str) -> list[str]:
        """Delete the workers of one OS process that is certainly gone (its parent saw it exit),
        found by its boot token, which no other process shares; free their tasks and leases."""
        return self._bury(workers_table.c.boot == boot)

    def _bury(self, which: sa.ColumnElement[bool]) -> list[str]:
        with self._tx() as conn:
            dead = list(conn.execute(workers_table.delete().where(which).returning(workers_table.c.id)).scalars())
            if dead:
                conn.execute(tasks_table.update().where(tasks_table.c.owner.in_(dead)).values(owner=None))
                conn.execute(leases_table.update().where(leases_table.c.holder.in_(dead)).values(holder=None))
        return dead

    def retire_worker(self, worker_id: str) -> int:
        """A clean stop: free this worker's unfinished tasks for others at once; return how many."""
        with self._tx() as conn:
            freed = conn.execute(
                tasks_table.update().where(tasks_table.c.owner == worker_id).where(tasks_table.c.done_at.is_(None)).values(owner=None)
            ).rowcount
            conn.execute(leases_table.update().where(leases_table.c.holder == worker_id).values(holder=None))
            conn.execute(workers_table.delete().where(workers_table.c.id == worker_id))
        return freed

    # -- tasks -----------------------------------------------------------------------
    def enqueue(self, tasks: Iterable[NewTask], owner: str | None = None, urgent: bool = False) -> None:
        """Store tasks; `urgent`: a Slack request waits for this (its acknowledgement) and goes first."""
        with self._tx(urgent) as conn:
            self.enqueue_in(conn, tasks, owner)

    def enqueue_in(self, conn: Connection, tasks: Iterable[NewTask], owner: str | None = None) -> int:
        """Store tasks not stored yet, in the caller's transaction (a decision and its follow-up
        tasks are one write); return how many were new."""
        now, added = self.now_sql(), 0
        for task in tasks:
            values = dict(
                key=task.key,
                kind=task.kind,
                lane=task.lane,
                stream=task.stream,
                payload=json.dumps(task.payload, default=str),
                owner=owner,
                created_at=now,
                next_at=now + task.delay if task.delay > 0 else now,
                done_at=now if task.done else None,
            )
            added += conn.execute(self.db.dialect.insert_ignore(tasks_table, ["key"]).values(**values)).rowcount
        return added

    def tasks_keyed(self, prefix: str) -> list[Task]:
        """Tasks whose key starts with `prefix` (a literal: no wildcards), in the order stored."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = sa.select(tasks_table).where(tasks_table.c.key.like(escaped + "%", escape="\\")).order_by(tasks_table.c.seq)
        with self.db.reading() as conn:
            return [_row_to_task(row) for row in conn.execute(query)]

    def get_task(self, key: str) -> Task | None:
        with self.db.reading() as conn:
            row = conn.execute(sa.select(tasks_table).where(tasks_table.c.key == key)).first()
        return _row_to_task(row) if row else None

    def task_done(self, key: str) -> bool:
        """Whether the task ran to its end (a stored task that is still open, or none: False)."""
        with self.db.reading() as conn:
            done_at = conn.execute(sa.select(tasks_table.c.done_at).where(tasks_table.c.key == key)).scalar()
        return done_at is not None

    def claim_tasks(
        self,
        me: str,
        lanes: Sequence[str],
        running: Iterable[str],
        limit: int = 20,
        classes: Mapping[str, int] | None = None,
        admit: Callable[[str, str], bool] | None = None,
        kinds: Collection[str] | None = None,
    ) -> list[Task]:
        """Claim due, unfinished tasks that are free (or ours but not running here): the most
        urgent class first (`classes`: kind -> class; unlisted kinds are background), then
        oldest, in one transaction. `admit(kind, lane)` may pass over a candidate (no room here).
        Only `kinds` are claimed, when given: a kind a newer process stored (a rolling upgrade) is
        left for one that can run it, not failed here until given up.

        A task with a stream waits while an earlier task of its stream is unfinished.
        """
        running = set(running)
        free = sa.or_(unowned(tasks_table.c.owner), tasks_table.c.owner == me)
        due = sa.and_(tasks_table.c.done_at.is_(None), tasks_table.c.next_at <= self.now_sql(), tasks_table.c.lane.in_(list(lanes)))
        if kinds is not None:
            due = sa.and_(due, tasks_table.c.kind.in_(list(kinds)))
        query = (
            sa.select(tasks_table.c.seq, tasks_table.c.key, tasks_table.c.kind, tasks_table.c.lane)
            .where(due, free, _first_in_stream())
            .order_by(_class_of(tasks_table.c.kind, classes or {}), tasks_table.c.seq)
            .limit(limit + len(running))
        )
        with self.db.reading() as conn:
            rows = [r for r in conn.execute(query) if r.key not in running]
        candidates: list[int] = []
        for row in rows:
            if len(candidates) >= limit:
                break
            if admit is None or admit(row.kind, row.lane):
                candidates.append(row.seq)
        if not candidates:
            return []
        take = (
            tasks_table.update()
            .where(tasks_table.c.seq.in_(candidates), tasks_table.c.done_at.is_(None))
            .where(sa.or_(tasks_table.c.owner == me, unowned(tasks_table.c.owner)))  # still free: no one took it meanwhile
            .where(tasks_table.c.next_at <= self.now_sql())  # still due: one run and given back meanwhile waits its delay
            .where(_alive(me))  # a worker presumed dead (reaped, not yet told) claims nothing
            .values(owner=me)
            .returning(*tasks_table.c)
        )
        with self._tx() as conn:
            won = {row.seq: _row_to_task(row) for row in conn.execute(take)}
        return [won[seq] for seq in candidates if seq in won]  # in the order they should start

    def ready_tasks(self, keys: Sequence[str], me: str) -> list[Task]:
        """Of these tasks, those `me` owns that may run now: unfinished, due, and first in their
        stream (a read: they are ours already, stored so by the transaction that created them)."""
        query = (
            sa.select(tasks_table)
            .where(tasks_table.c.key.in_(list(keys)), tasks_table.c.owner == me, tasks_table.c.done_at.is_(None))
            .where(_alive(me))  # not presumed dead: ours alone
            .where(tasks_table.c.next_at <= self.now_sql(), _first_in_stream())
            .order_by(tasks_table.c.seq)
        )
        with self.db.reading() as conn:
            return [_row_to_task(row) for row in conn.execute(query)]

    def release_tasks(self, keys: Sequence[str], me: str) -> int:
        """Give these unfinished tasks of ours back to every worker (claimable at once); return how many."""
        if not keys:
            return 0
        with self._tx() as conn:
            mine = sa.and_(tasks_table.c.key.in_(list(keys)), tasks_table.c.owner == me, tasks_table.c.done_at.is_(None))
            return int(conn.execute(tasks_table.update().where(mine).values(owner=None)).rowcount)

    def complete_task(self, key: str, me: str, error: str | None = None) -> bool:
        with self._tx() as conn:
            return (
                conn.execute(
                    tasks_table.update()
                    .where(tasks_table.c.key == key)
                    .where(tasks_table.c.owner == me)
                    .values(done_at=self.now_sql(), owner=None, error=error)
                ).rowcount
                == 1
            )

    def retry_task(self, key: str, me: str, delay: float, error: str) -> None:
        """Give the task back to run again after `delay` seconds (by any worker)."""
        with self._tx() as conn:
            conn.execute(
                tasks_table.update()
                .where(tasks_table.c.key == key)
                .where(tasks_table.c.owner == me)
                .values(owner=None, next_at=self.now_sql() + delay, attempts=tasks_table.c.attempts + 1, error=error[:500])
            )

    def open_task_count(self) -> int:
        with self.db.reading() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(tasks_table).where(tasks_table.c.done_at.is_(None))).scalar_one()

    # -- singleton leases --------------------------------------------------------------
    def hold_lease(self, name: str, me: str) -> bool:
        """Take or keep the named lease; True while we hold it. A holder that is no live worker
        (reaped, or retired after a clean stop) holds nothing."""
        with self._tx() as conn:
            conn.execute(self.db.dialect.insert_ignore(leases_table, ["name"]).values(name=name, holder=None))
            conn.execute(leases_table.update().where(leases_table.c.name == name).where(unowned(leases_table.c.holder)).values(holder=me))
            holder = conn.execute(sa.select(leases_table.c.holder).where(leases_table.c.name == name)).scalar()
        return holder == me

    # -- fencing (fencing.py): checked right before each irrevocable post ------------------
    def fence_audit_post(self, lease: str, entry_id: int, me: str, fresh: float | None = None) -> bool:
        return self.fences.fence_audit_post(lease, entry_id, me, fresh)

    def audit_in_doubt(self, entry_id: int) -> bool:
        return self.fences.audit_in_doubt(entry_id)

    def audit_post_refused(self, lease: str, entry_id: int, me: str) -> None:
        self.fences.audit_post_refused(lease, entry_id, me)

    def task_attempts(self, key: str) -> int:
        return self.fences.task_attempts(key)

    def fence_task_attempt(self, key: str, me: str, fresh: float | None = None, pending_request: str | None = None) -> bool:
        return self.fences.fence_task_attempt(key, me, fresh, pending_request)
