"""Cancellation requests: created, decided exactly once, expired, executed, finished."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from .database import Database
from .schema import requests_table


@dataclass(frozen=True)
class Request:
    id: str
    kind: str
    state: str
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
    outcome: list | None = None


def _row_to_request(row) -> Request:
    m = row._mapping
    return Request(
        id=m["id"], kind=m["kind"], state=m["state"], requester=m["requester"],
        origin_channel=m["origin_channel"], reason=m["reason"], job_ids=tuple(json.loads(m["job_ids"])),
        created_at=m["created_at"], expires_at=m["expires_at"], decided_by=m["decided_by"],
        decided_at=m["decided_at"], decision_note=m["decision_note"], message_channel=m["message_channel"],
        message_ts=m["message_ts"], outcome=json.loads(m["outcome"]) if m["outcome"] else None,
    )


class RequestsMixin(Database):
    def create_request(
        self,
        *,
        kind: str,
        state: str,
        requester: str,
        origin_channel: str,
        reason: str,
        job_ids: Sequence[str],
        ttl: float,
        decided_by: str | None = None,
        audit: tuple[str, dict] | None = None,
    ) -> Request:
        now = self.clock()
        values = dict(
            id=uuid.uuid4().hex, kind=kind, state=state, requester=requester, origin_channel=origin_channel,
            reason=reason, job_ids=json.dumps(list(job_ids)), created_at=now, expires_at=now + ttl,
            decided_by=decided_by, decided_at=now if decided_by else None,
            lease_until=now + 300 if state == "approved" else None,
        )
        with self._tx() as conn:
            conn.execute(requests_table.insert().values(**values))
            if audit:
                self._audit(conn, audit[0], decided_by or requester, values["id"], audit[1], now)
        return self.get_request(values["id"])

    def get_request(self, request_id: str) -> Request | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(requests_table).where(requests_table.c.id == request_id)).first()
        return _row_to_request(row) if row else None

    def decide(self, request_id: str, state: str, by: str, note: str | None = None, detail: dict | None = None) -> bool:
        """Move a pending, unexpired request to `state` (approved/denied). True for the one winner."""
        now = self.clock()
        values = dict(state=state, decided_by=by, decided_at=now, decision_note=note)
        if state == "approved":
            values["lease_until"] = now + 300
        with self._tx() as conn:
            won = conn.execute(
                requests_table.update()
                .where(requests_table.c.id == request_id)
                .where(requests_table.c.state == "pending")
                .where(requests_table.c.expires_at > now)
                .values(**values)
            ).rowcount == 1
            if won:
                self._audit(conn, state, by, request_id, {"note": note or "", **(detail or {})}, now)
        return won

    def expire_due(self) -> list[Request]:
        """Mark every pending request past its expiry as expired; return those this call expired."""
        now = self.clock()
        won = self._transition_each(
            requests_table,
            sa.and_(requests_table.c.state == "pending", requests_table.c.expires_at <= now),
            dict(state="expired", decided_by="system", decided_at=now),
            on_win=lambda conn, request_id: self._audit(conn, "expired", "system", request_id, {}, now),
        )
        return [self.get_request(request_id) for request_id in won]

    def finish(self, request_id: str, outcome: list[dict], event: str, actor: str, detail: dict) -> bool:
        """Record the CI outcome of an approved request once; audit it in the same transaction."""
        now = self.clock()
        with self._tx() as conn:
            won = conn.execute(
                requests_table.update()
                .where(requests_table.c.id == request_id)
                .where(requests_table.c.state == "approved")
                .values(state="done", outcome=json.dumps(outcome), lease_until=None)
            ).rowcount == 1
            if won:
                self._audit(conn, event, actor, request_id, detail, now)
        return won

    def set_message(self, request_id: str, channel: str, ts: str) -> None:
        with self._tx() as conn:
            conn.execute(
                requests_table.update().where(requests_table.c.id == request_id)
                .values(message_channel=channel, message_ts=ts)
            )

    def claim_unfinished(self, lease: float = 300) -> list[Request]:
        """Approved requests whose executor vanished (crash): lease them to this process."""
        now = self.clock()
        lapsed = sa.or_(requests_table.c.lease_until.is_(None), requests_table.c.lease_until < now)
        won = self._transition_each(requests_table, sa.and_(requests_table.c.state == "approved", lapsed),
                                    dict(lease_until=now + lease))
        return [self.get_request(request_id) for request_id in won]

    def pending_summary(self, now: float) -> tuple[int, float | None]:
        """Open (pending, unexpired) requests, and seconds until the first of them expires."""
        open_ = sa.and_(requests_table.c.state == "pending", requests_table.c.expires_at > now)
        query = sa.select(sa.func.count(), sa.func.min(requests_table.c.expires_at)).where(open_)
        with self.engine.connect() as conn:
            count, first_expiry = conn.execute(query).one()
        return count, (None if first_expiry is None else first_expiry - now)
