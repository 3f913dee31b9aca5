"""The audit log, which doubles as the outbox of posts to the audit channel."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .database import Database
from .schema import audit_table

EVENTS = ("requested", "approved", "denied", "expired", "cancelled", "failed", "refused")


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    event: str
    actor: str
    request_id: str | None
    detail: dict
    posted_at: float | None = None


def _row_to_audit(row) -> AuditEntry:
    m = row._mapping
    return AuditEntry(m["id"], m["at"], m["event"], m["actor"], m["request_id"], json.loads(m["detail"]),
                      m["posted_at"])


class AuditMixin(Database):
    def audit(self, event: str, actor: str, request_id: str | None = None, detail: dict | None = None) -> int:
        with self._tx() as conn:
            return self._audit(conn, event, actor, request_id, detail or {}, self.clock())

    def _audit(self, conn: Connection, event: str, actor: str, request_id: str | None, detail: dict, now: float) -> int:
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}")
        result = conn.execute(
            audit_table.insert().values(
                at=now, event=event, actor=actor, request_id=request_id, detail=json.dumps(detail, default=str),
            )
        )
        return int(result.inserted_primary_key[0])

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        query = sa.select(audit_table).order_by(audit_table.c.id)
        if since is not None:
            query = query.where(audit_table.c.at >= since)
        with self.engine.connect() as conn:
            return [_row_to_audit(r) for r in conn.execute(query)]

    def claim_audit(self, limit: int = 10, lease: float = 20) -> list[AuditEntry]:
        """Claim unposted entries in order. A claim expires, so a crashed poster's work returns."""
        now = self.clock()
        due = sa.and_(
            audit_table.c.posted_at.is_(None),
            sa.or_(audit_table.c.claimed_until.is_(None), audit_table.c.claimed_until < now),
        )
        won = self._transition_each(audit_table, due, dict(claimed_until=now + lease), limit=limit)
        if not won:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(audit_table).where(audit_table.c.id.in_(won)).order_by(audit_table.c.id))
            return [_row_to_audit(r) for r in rows]

    def mark_posted(self, entry_id: int) -> None:
        with self._tx() as conn:
            conn.execute(
                audit_table.update().where(audit_table.c.id == entry_id)
                .values(posted_at=self.clock(), claimed_until=None)
            )

    def release_audit(self, entry_ids: Sequence[int]) -> None:
        """Give claimed entries back unposted (Slack failed); they keep their place in the queue."""
        with self._tx() as conn:
            conn.execute(
                audit_table.update().where(audit_table.c.id.in_(list(entry_ids))).values(
                    claimed_until=None, post_attempts=audit_table.c.post_attempts + 1)
            )

    def unposted_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(audit_table).where(audit_table.c.posted_at.is_(None))
            ).scalar_one()
