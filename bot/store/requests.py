"""Cancellation requests: created, decided exactly once, expired, executed, finished."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.domain.states import AuditEvent, JobOutcome, JobTarget, RequestKind, State
from bot.store.audit import AuditLog
from bot.store.database import Database
from bot.store.dialect import PENDING_LOCK
from bot.store.jobs import Journal, owned
from bot.store.schema import job_results_table, requests_table, tasks_table
from bot.store.task_writer import TaskWriter
from bot.store.work import NewTask, Task


@dataclass(frozen=True)
class Request:
    id: str
    kind: RequestKind
    state: State
    requester: str
    origin_channel: str
    reason: str
    job_ids: tuple[str, ...]
    created_at: float
    expires_at: float
    decided_by: str | None = None
    decided_at: float | None = None
    decision_note: str | None = None
    message_channel: str | None = None
    message_ts: str | None = None
    outcome: list[JobOutcome] | None = None
    retries: int = 0  # "Retry failed" rounds so far
    target: str | None = None  # the CI target named with --target; None: each job's is found (or the one target)
    expired: bool = False  # past expires_at when read, by the database's clock (not this host's)
    escalated_at: float | None = None  # when it was escalated to the next level (None: never)
    escalated_to: str | None = None  # whom (their mentions)
    #: Where each job was found (or named) when the request was made, with several targets; a
    #: job without an entry is found when it is sent (one target, or not found at request time).
    found_in: Mapping[str, JobTarget] = field(default_factory=dict)

    def target_of(self, job_id: str) -> str | None:
        """The target the request acts in for this job: where it was found, else the one named;
        None: found when it is sent (or the one target)."""
        place = self.found_in.get(job_id)
        return place.name if place else self.target

    def targets_of(self, job_ids: Sequence[str]) -> tuple[str | None, ...]:
        """The distinct targets of these jobs, in job order (None as in target_of)."""
        return tuple(dict.fromkeys(self.target_of(j) for j in job_ids))

    @property
    def job_targets(self) -> tuple[str | None, ...]:
        """The distinct targets of all its jobs (see target_of)."""
        return self.targets_of(self.job_ids)

    @property
    def is_open(self) -> bool:
        """Pending and not expired: it may still be decided, withdrawn or reminded of."""
        return self.state == State.PENDING and not self.expired

    @property
    def open_jobs(self) -> list[str]:
        """Jobs whose outcome is failed or unknown: what "Retry failed" sends again."""
        return [o["job_id"] for o in self.outcome or [] if not o["ok"]]


def _row_to_request(row) -> Request:
    m = row._mapping
    return Request(
        id=m["id"],
        kind=RequestKind(m["kind"]),
        state=State(m["state"]),
        requester=m["requester"],
        origin_channel=m["origin_channel"],
        reason=m["reason"],
        job_ids=tuple(json.loads(m["job_ids"])),
        created_at=m["created_at"],
        expires_at=m["expires_at"],
        decided_by=m["decided_by"],
        decided_at=m["decided_at"],
        decision_note=m["decision_note"],
        message_channel=m["message_channel"],
        message_ts=m["message_ts"],
        outcome=json.loads(m["outcome"]) if m["outcome"] else None,
        retries=m["retries"] or 0,
        target=m.get("target"),
        expired=bool(m.get("expired")),
        found_in=_found_in(m.get("job_targets")),
        escalated_at=m.get("escalated_at"),
        escalated_to=m.get("escalated_to"),
    )


def _found_in(stored: str | None) -> dict[str, JobTarget]:
    return {job_id: JobTarget.from_dict(place) for job_id, place in json.loads(stored).items()} if stored else {}


class PendingLimit(Exception):
    """The requester already holds the most pending requests allowed."""


class Requests:
    """Requests, decided exactly once: every decision is a conditional UPDATE, so one click wins
    however many processes share the database. A decision's audit entry, journal and follow-up
    tasks are written in its transaction, through the repositories given here."""

    def __init__(self, db: Database, audit: AuditLog, journal: Journal, work: TaskWriter) -> None:
        self.db = db
        self.audit = audit
        self.journal = journal
        self.work = work

    def create(
        self,
        *,
        request_id: str,
        kind: RequestKind,
        state: State,
        requester: str,
        origin_channel: str,
        reason: str,
        job_ids: Sequence[str],
        ttl: float,
        decided_by: str | None = None,
        audit: tuple[str, dict] | None = None,
        tasks: Sequence[NewTask] = (),
        task_owner: str | None = None,
        max_pending: int | None = None,
        finishes: Task | None = None,
        target: str | None = None,
        found_in: Mapping[str, JobTarget] | None = None,
        guard: Callable[[Connection, float], None] | None = None,
    ) -> tuple[Request, bool]:
        """Store a request once (its id comes from the task that creates it); return it and
        whether this call created it. With `max_pending`, refuse (PendingLimit) a requester who
        already holds that many pending requests. `finishes`: the task preparing this request is
        done in the same transaction, so no moment counts the request both as pending and as
        still being prepared (admit). `found_in`: where each job was found (several targets).
        `guard(conn, now)` may raise to store nothing (a proposal's cooldown, proposals.py),
        checked in this transaction before the insert."""
        values: dict[str, object] = dict(
            id=request_id,
            kind=kind,
            state=state,
            requester=requester,
            origin_channel=origin_channel,
            reason=reason,
            job_ids=json.dumps(list(job_ids)),
            decided_by=decided_by,
            **({"target": target} if target else {}),
            **({"job_targets": json.dumps({j: p.to_dict() for j, p in found_in.items()})} if found_in else {}),
        )
        with self.db.transaction() as conn:
            now = self.db.db_now(conn)
            values.update(created_at=now, expires_at=now + ttl, decided_at=now if decided_by else None)
            existing = conn.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).first()
            if existing:
                return _row_to_request(existing), False
            if guard is not None:
                guard(conn, now)
            if max_pending is not None:  # count-then-insert, one requester at a time
                self.db.dialect.serialise(conn, PENDING_LOCK, requester)
            if max_pending is not None and self._pending_of(conn, requester, now) >= max_pending:
                raise PendingLimit(requester)
            conn.execute(requests_table.insert().values(**values))
            self.journal.open_in(conn, request_id, job_ids)
            if audit:
                self.audit.append_in(conn, audit[0], decided_by or requester, request_id, audit[1], now)
            self.work.enqueue_in(conn, tasks, owner=task_owner)
            if finishes:
                done = tasks_table.update().where(tasks_table.c.key == finishes.key, tasks_table.c.owner == finishes.owner)
                conn.execute(done.values(done_at=self.db.now_sql(), owner=None))
        return self._stored(request_id), True

    def admit(self, requester: str, max_pending: int, task: NewTask) -> bool:
        """Store `task` (the look-ups and posting of a new request, on a stream of its
        requester's own) unless the requester's pending requests and those still being prepared
        reach `max_pending`; False, storing nothing, if they do. Checked before any look-up is
        sent, one requester at a time (create checks again). A re-run finds its task."""
        with self.db.transaction() as conn:
            self.db.dialect.serialise(conn, PENDING_LOCK, requester)
            if conn.execute(sa.select(tasks_table.c.seq).where(tasks_table.c.key == task.key)).first():
                return True
            preparing = conn.execute(
                sa.select(sa.func.count()).select_from(tasks_table).where(tasks_table.c.stream == task.stream, tasks_table.c.done_at.is_(None))
            ).scalar_one()
            if self._pending_of(conn, requester, self.db.db_now(conn)) + preparing >= max_pending:
                return False
            self.work.enqueue_in(conn, [task])
        return True

    def _pending_of(self, conn: Connection, requester: str, now: float) -> int:
        return conn.execute(
            sa.select(sa.func.count())
            .select_from(requests_table)
            .where(requests_table.c.requester == requester, requests_table.c.state == State.PENDING, requests_table.c.expires_at > now)
        ).scalar_one()

    def _select_requests(self) -> sa.Select:
        """Requests with `expired` worked out by the database, so no host's clock decides it."""
        return sa.select(requests_table, (requests_table.c.expires_at <= self.db.now_sql()).label("expired"))

    def get(self, request_id: str) -> Request | None:
        with self.db.reading() as conn:
            row = conn.execute(self._select_requests().where(requests_table.c.id == request_id)).first()
        return _row_to_request(row) if row else None

    def _stored(self, request_id: str) -> Request:
        """A request this repository has just written (never deleted: requests are kept)."""
        request = self.get(request_id)
        if request is None:
            raise LookupError(f"request {request_id} vanished after it was written")
        return request

    def decide(
        self,
        request_id: str,
        state: State,
        by: str,
        note: str | None = None,
        detail: dict | None = None,
        tasks: Sequence[NewTask] = (),
        owner: str | None = None,
        event: str | None = None,
    ) -> bool:
        """Move a pending, unexpired request to `state`. True for the one winner, whose audit entry
        (`event`, else the state's name) and follow-up tasks (execution, announcements) are stored
        in the same transaction; owned by `owner` (the deciding worker, which runs them at once)
        when given, else free."""
        return self._move(
            request_id,
            lambda now: [requests_table.c.state == State.PENDING, requests_table.c.expires_at > now],
            lambda now: dict(state=state, decided_by=by, decided_at=now, decision_note=note),
            (event or state, by, {"note": note or "", **(detail or {})}),
            tasks,
            owner,
        )

    def escalate(self, request_id: str, to: str, detail: dict, tasks: Sequence[NewTask] = ()) -> bool:
        """Mark a pending, unexpired, not yet escalated request escalated to `to`. True for the one
        winner (however many processes run the escalation), whose `escalated` audit entry and
        announcements are stored in the same transaction; a request decided first is left alone."""
        return self._move(
            request_id,
            lambda now: [requests_table.c.state == State.PENDING, requests_table.c.expires_at > now, requests_table.c.escalated_at.is_(None)],
            lambda now: dict(escalated_at=now, escalated_to=to),
            (AuditEvent.ESCALATED, "system", detail),
            tasks,
        )

    def pending(self, requester: str | None = None) -> list[Request]:
        """Pending, unexpired requests, oldest first (one requester's, or everyone's)."""
        query = self._select_requests().where(requests_table.c.state == State.PENDING, requests_table.c.expires_at > self.db.now_sql())
        if requester:
            query = query.where(requests_table.c.requester == requester)
        with self.db.reading() as conn:
            return [_row_to_request(r) for r in conn.execute(query.order_by(requests_table.c.created_at))]

    def recent_decisions(self, limit: int = 10) -> list[Request]:
        """The last `limit` requests that were decided (by anyone, or by expiry), newest first."""
        query = (
            self._select_requests()
            .where(requests_table.c.state != State.PENDING)
            .where(requests_table.c.decided_at.is_not(None))
            .order_by(requests_table.c.decided_at.desc(), requests_table.c.id)
            .limit(limit)
        )
        with self.db.reading() as conn:
            return [_row_to_request(r) for r in conn.execute(query)]

    def retry_failed(
        self, request_id: str, round_seen: int, by: str, detail: dict, tasks: Sequence[NewTask] = (), unsent: Sequence[str] = ()
    ) -> bool:
        """Re-open a finished request's failed and unknown jobs for one more execution. True for
        the one click that wins round `round_seen` (the button names its round), whose audit entry
        and execution are stored in the same transaction. `unsent`: jobs of that round that no
        send of ours can have cancelled, re-opened as never sent."""
        with self.db.transaction() as conn:
            now = self.db.db_now(conn)
            row = conn.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).first()
            request = _row_to_request(row) if row else None
            open_jobs = request.open_jobs if request is not None else []
            if request is None or request.state != State.DONE or request.retries != round_seen or not open_jobs:
                return False
            won = (
                conn.execute(
                    requests_table.update()
                    .where(requests_table.c.id == request_id)
                    .where(requests_table.c.state == State.DONE)
                    .where(sa.func.coalesce(requests_table.c.retries, 0) == round_seen)
                    .values(state=State.APPROVED, retries=round_seen + 1, decided_by=by)  # the round runs under who clicked
                ).rowcount
                == 1
            )
            if won:
                # A job whose earlier cancel may have applied keeps its `sends`: it is sent again and
                # confirmed with the query API if the answer is unclear. One no send of ours can have
                # ended is as if never sent: a reading that shows it ended since means nothing is sent.
                jobs = job_results_table.update().where(job_results_table.c.request_id == request_id)
                conn.execute(jobs.where(job_results_table.c.job_id.in_(open_jobs)).values(outcome=None, updated_at=now))
                if never := [job_id for job_id in unsent if job_id in open_jobs]:
                    conn.execute(jobs.where(job_results_table.c.job_id.in_(never)).values(sends=0))
                self.audit.append_in(conn, AuditEvent.APPROVED, by, request_id, {**detail, "retry": round_seen + 1, "retried_jobs": open_jobs}, now)
                self.work.enqueue_in(conn, tasks)
        return won

    def expire_due(
        self, tasks_for: Callable[[Request], Sequence[NewTask]] = lambda _r: (), audit_for: Callable[[Request], dict] = lambda _r: {}
    ) -> list[Request]:
        """Mark every pending request past its expiry as expired, with its audit entry and
        announcements in the same transaction; return those this call expired. Expiry is by the
        database's clock, checked again by each request's own UPDATE."""

        def on_win(conn: Connection, request_id: str) -> None:
            request = _row_to_request(conn.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).one())
            decided_at = cast(float, request.decided_at)  # set by the UPDATE that expired it
            self.audit.append_in(conn, AuditEvent.EXPIRED, "system", request_id, audit_for(request), decided_at)
            self.work.enqueue_in(conn, tasks_for(request))

        won = self.db.transition_each(
            requests_table,
            sa.and_(requests_table.c.state == State.PENDING, requests_table.c.expires_at <= self.db.now_sql()),
            dict(state=State.EXPIRED, decided_by="system", decided_at=self.db.now_sql()),
            on_win=on_win,
        )
        return [self._stored(request_id) for request_id in won]

    def mark_started(self, request_id: str, actor: str, detail: dict) -> bool:
        """Write the `started` audit entry once, before the first request to Tencent."""
        with self.db.transaction() as conn:
            now = self.db.db_now(conn)
            won = (
                conn.execute(
                    requests_table.update()
                    .where(requests_table.c.id == request_id)
                    .where(requests_table.c.started_at.is_(None))
                    .values(started_at=now)
                ).rowcount
                == 1
            )
            if won:
                self.audit.append_in(conn, AuditEvent.STARTED, actor, request_id, detail, now)
        return won

    def finish(
        self,
        request_id: str,
        outcome: list[JobOutcome],
        event: str,
        actor: str,
        detail: dict,
        *,
        task_key: str,
        me: str,
        tasks: Sequence[NewTask] = (),
    ) -> bool:
        """Record the outcome of an approved request once, only by the holder of its execution;
        audit it and store its announcements in the same transaction."""
        return self._move(
            request_id,
            lambda _now: [requests_table.c.state == State.APPROVED, owned(task_key, me)],
            lambda _now: dict(state=State.DONE, outcome=json.dumps(outcome)),
            (event, actor, detail),
            tasks,
        )

    def _move(
        self,
        request_id: str,
        conditions: Callable[[float], list],
        values: Callable[[float], dict],
        audit: tuple[str, str, dict],
        tasks: Sequence[NewTask],
        owner: str | None = None,
    ) -> bool:
        """One conditional UPDATE of a request: True for the one winner, whose audit entry
        (event, actor, detail) and tasks are stored in the same transaction. `conditions` and
        `values` are given the database's "now", read in that transaction."""
        with self.db.transaction() as conn:
            now = self.db.db_now(conn)
            update = requests_table.update().where(requests_table.c.id == request_id, *conditions(now)).values(**values(now))
            won = conn.execute(update).rowcount == 1
            if won:
                self.audit.append_in(conn, audit[0], audit[1], request_id, audit[2], now)
                self.work.enqueue_in(conn, tasks, owner)
        return won

    def set_message(self, request_id: str, channel: str, ts: str) -> None:
        """Remember the approval message (the first one known wins: a click may report it first)."""
        with self.db.transaction() as conn:
            conn.execute(
                requests_table.update()
                .where(requests_table.c.id == request_id)
                .where(requests_table.c.message_ts.is_(None))
                .values(message_channel=channel, message_ts=ts)
            )

    def pending_summary(self) -> tuple[int, float | None]:
        """Open (pending, unexpired) requests, and seconds until the first of them expires, by the database's clock."""
        with self.db.reading() as conn:
            now = self.db.db_now(conn)
            open_ = sa.and_(requests_table.c.state == State.PENDING, requests_table.c.expires_at > now)
            count, first_expiry = conn.execute(sa.select(sa.func.count(), sa.func.min(requests_table.c.expires_at)).where(open_)).one()
        return count, (None if first_expiry is None else first_expiry - now)
