"""The audit log, which doubles as the outbox of posts to the audit channel."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .database import Database
from .schema import audit_table
from .work import NewTask, WorkMixin

EVENTS = ("requested", "approved", "denied", "withdrawn", "expired", "started", "cancelled", "failed", "refused")


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


class AuditMixin(WorkMixin, Database):
    def audit(self, event: str, actor: str, request_id: str | None = None, detail: dict | None = None) -> int:
        with self._tx() as conn:
            return self._audit(conn, event, actor, request_id, detail or {}, self.clock())

    def audit_once(self, marker: NewTask, event: str, actor: str, request_id: str | None, detail: dict) -> bool:
        """Write an audit entry once per `marker` task key (a re-run task writes nothing twice);
        the marker (e.g. the message telling the caller) is stored in the same transaction."""
        with self._tx() as conn:
            if not self._enqueue(conn, [marker]):
                return False
            self._audit(conn, event, actor, request_id, detail, self.clock())
        return True

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

    def unposted_audit(self, limit: int = 20) -> list[AuditEntry]:
        """The oldest entries not yet posted, in order (read by the one poster holding the lease)."""
        query = sa.select(audit_table).where(audit_table.c.posted_at.is_(None)).order_by(audit_table.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [_row_to_audit(r) for r in conn.execute(query)]

    def begin_post(self, entry_id: int) -> bool:
        """Record that a post is about to be made; True if an earlier attempt is in doubt (it was
        made, and neither landed for sure nor was refused for sure: it may be in the channel)."""
        with self._tx() as conn:
            in_doubt = conn.execute(sa.select(audit_table.c.claimed_until).where(audit_table.c.id == entry_id)).scalar()
            conn.execute(audit_table.update().where(audit_table.c.id == entry_id).values(
                post_attempts=audit_table.c.post_attempts + 1, claimed_until=self.clock()))
        return in_doubt is not None

    def post_refused(self, entry_id: int) -> None:
        """Slack answered no: the attempt is certainly not in the channel."""
        with self._tx() as conn:
            conn.execute(audit_table.update().where(audit_table.c.id == entry_id).values(claimed_until=None))

    def mark_posted(self, entry_id: int) -> None:
        with self._tx() as conn:
            conn.execute(audit_table.update().where(audit_table.c.id == entry_id).values(posted_at=self.clock()))

    def unposted_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count()).select_from(audit_table).where(audit_table.c.posted_at.is_(None))
            ).scalar_one()
