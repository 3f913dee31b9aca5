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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store.database import Database
from bot.store.schema import leases_table, tasks_table, workers_table

# Classes of work, most urgent first: a lower class never delays a higher one (in the lanes,
# in claiming, and for the CI rate limit). The kinds of each class are declared by whoever
# defines the kind (the workflow, the announcements) and given to the worker.
DECIDE = 0  # decisions, their cancels, and the message updates that announce them
POST = 1  # approval requests (their evidence look-ups included) and their posts
REPORT = 2  # results, answers to the caller, the requester's messages
BACKGROUND = 3  # look-ups (status, pending), Home tabs, reminders
CLASSES = (DECIDE, POST, REPORT, BACKGROUND)


@dataclass(frozen=True)
class NewTask:
    """A task to store: `key` makes storing it idempotent (a second insert is a no-op)."""

    key: str
    kind: str
    lane: str
    payload: dict
    stream: str | None = None
    done: bool = False  # a marker only (e.g. "this refusal was audited"), nothing to run
    delay: float = 0.0  # run no earlier than this many seconds from now, by the database's clock: a reminder, say


@dataclass(frozen=True)
class Task:
    seq: int
    key: str
    kind: str
    lane: str
    stream: str | None
    payload: dict
    owner: str | None
    attempts: int


def _row_to_task(row) -> Task:
    m = row._mapping
    return Task(m["seq"], m["key"], m["kind"], m["lane"], m["stream"], json.loads(m["payload"]), m["owner"], m["attempts"])


def _class_of(kind: sa.Column, classes: Mapping[str, int]):
    """The class of a task, from its kind, as an SQL expression (for ordering claims)."""
    by_class: dict[int, list[str]] = {}
    for name, cls in classes.items():
        by_class.setdefault(cls, []).append(name)
    whens = [(kind.in_(sorted(names)), cls) for cls, names in sorted(by_class.items())]
    return sa.case(*whens, else_=BACKGROUND) if whens else sa.literal(BACKGROUND)


def _free(owner: sa.Column):
    """No live worker owns it: nobody, or a worker that is gone (reaped, retired)."""
    return sa.or_(owner.is_(None), ~owner.in_(sa.select(workers_table.c.id)))


class WorkMixin(Database):
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

    def _bury(self, which) -> list[str]:
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
            self._enqueue(conn, tasks, owner)

    def _enqueue(self, conn: Connection, tasks: Iterable[NewTask], owner: str | None = None) -> int:
        """Store tasks not stored yet; return how many were new."""
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
            added += conn.execute(self._insert_ignore(tasks_table, ["key"]).values(**values)).rowcount
        return added

    def _insert_ignore(self, table: sa.Table, keys: list[str]):
        """INSERT … ON CONFLICT DO NOTHING, in the dialect at hand."""
        if self.is_postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing(index_elements=keys)

    def get_task(self, key: str) -> Task | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(tasks_table).where(tasks_table.c.key == key)).first()
        return _row_to_task(row) if row else None

    def claim_tasks(
        self,
        me: str,
        lanes: Sequence[str],
        running: Iterable[str],
        limit: int = 20,
        classes: Mapping[str, int] | None = None,
        admit: Callable[[str, str], bool] | None = None,
    ) -> list[Task]:
        """Claim due, unfinished tasks that are free (or ours but not running here): the most
        urgent class first (`classes`: kind -> class; unlisted kinds are background), then
        oldest, in one transaction. `admit(kind, lane)` may pass over a candidate (no room here).

        A task with a stream waits while an earlier task of its stream is unfinished.
        """
        running = set(running)
        earlier = tasks_table.alias("earlier")
        blocked = (
            sa.exists().where(earlier.c.stream == tasks_table.c.stream).where(earlier.c.seq < tasks_table.c.seq).where(earlier.c.done_at.is_(None))
        )
        free = sa.or_(_free(tasks_table.c.owner), tasks_table.c.owner == me)
        due = sa.and_(tasks_table.c.done_at.is_(None), tasks_table.c.next_at <= self.now_sql(), tasks_table.c.lane.in_(list(lanes)))
        query = (
            sa.select(tasks_table.c.seq, tasks_table.c.key, tasks_table.c.kind, tasks_table.c.lane)
            .where(due, free, sa.or_(tasks_table.c.stream.is_(None), ~blocked))
            .order_by(_class_of(tasks_table.c.kind, classes or {}), tasks_table.c.seq)
            .limit(limit + len(running))
        )
        with self.engine.connect() as conn:
            rows = [r for r in conn.execute(query) if r.key not in running]
        candidates = []
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
            .where(sa.or_(tasks_table.c.owner == me, _free(tasks_table.c.owner)))  # still free: no one took it meanwhile
            .values(owner=me)
            .returning(*tasks_table.c)
        )
        with self._tx() as conn:
            won = {row.seq: _row_to_task(row) for row in conn.execute(take)}
        return [won[seq] for seq in candidates if seq in won]  # in the order they should start

    def ready_tasks(self, keys: Sequence[str], me: str) -> list[Task]:
        """Of these tasks, those `me` owns that may run now: unfinished, due, and first in their
        stream (a read: they are ours already, stored so by the transaction that created them)."""
        earlier = tasks_table.alias("earlier")
        blocked = (
            sa.exists().where(earlier.c.stream == tasks_table.c.stream).where(earlier.c.seq < tasks_table.c.seq).where(earlier.c.done_at.is_(None))
        )
        query = (
            sa.select(tasks_table)
            .where(tasks_table.c.key.in_(list(keys)), tasks_table.c.owner == me, tasks_table.c.done_at.is_(None))
            .where(tasks_table.c.next_at <= self.now_sql(), sa.or_(tasks_table.c.stream.is_(None), ~blocked))
            .order_by(tasks_table.c.seq)
        )
        with self.engine.connect() as conn:
            return [_row_to_task(row) for row in conn.execute(query)]

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

    def note_attempt(self, key: str, me: str | None = None) -> int | None:
        """Count an attempt before making it (a post whose fate may stay unknown); return how many
        were counted before, by any worker, including one that died mid-attempt. With `me`: only
        while `me` owns the task, else None (it was taken over: make no attempt)."""
        task = tasks_table.c
        with self._tx() as conn:
            before = conn.execute(sa.select(task.attempts, task.owner).where(task.key == key)).first()
            if before is None or (me is not None and before.owner != me):
                return None if me is not None else 0
            conn.execute(tasks_table.update().where(task.key == key).values(attempts=task.attempts + 1))
        return int(before.attempts or 0)

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
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(tasks_table).where(tasks_table.c.done_at.is_(None))).scalar_one()

    # -- singleton leases --------------------------------------------------------------
    def hold_lease(self, name: str, me: str) -> bool:
        """Take or keep the named lease; True while we hold it. A holder that is no live worker
        (reaped, or retired after a clean stop) holds nothing."""
        with self._tx() as conn:
            conn.execute(self._insert_ignore(leases_table, ["name"]).values(name=name, holder=None))
            conn.execute(leases_table.update().where(leases_table.c.name == name).where(_free(leases_table.c.holder)).values(holder=me))
            holder = conn.execute(sa.select(leases_table.c.holder).where(leases_table.c.name == name)).scalar()
        return holder == me

    def _holds(self, name: str, me: str):
        """`me` holds the named lease (a condition for a write fenced by it)."""
        return sa.exists().where(leases_table.c.name == name, leases_table.c.holder == me)
