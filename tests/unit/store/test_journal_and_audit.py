"""The per-job journal (intent before a send, outcome once, only by the execution's holder) and
the audit log (hash chain, once-per-marker entries, the outbox's bookkeeping)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.store import AuditFilter
from bot.store.schema import audit_table
from tests.unit.store.conftest import hold_execution, new_request, task


def test_ensure_writes_a_missing_journal_once_in_order(store):
    assert store.journal.ensure("old", ["j2", "j1"]) == store.journal.ensure("old", ["j2", "j1"])
    assert [(r.job_id, r.sends, r.outcome) for r in store.journal.records("old")] == [("j2", 0, None), ("j1", 0, None)]


def test_intent_and_outcome_are_recorded_only_by_the_holder(store):
    new_request(store)
    key = hold_execution(store, "r1", worker="w1")
    assert not store.journal.mark_sending("r1", "j1", key, "w2")
    assert store.journal.mark_sending("r1", "j1", key, "w1")
    assert store.journal.mark_sending("r1", "j1", key, "w1")
    assert not store.journal.record_outcome("r1", "j1", {"ok": True}, key, "w2")
    assert store.journal.record_outcome("r1", "j1", {"ok": True}, key, "w1")
    assert store.journal.record_outcome("r1", "j1", {"ok": True}, key, "w1")  # a retried write whose commit landed
    assert not store.journal.record_outcome("r1", "j1", {"ok": False}, key, "w1")  # an outcome is never overwritten
    assert not store.journal.mark_sending("r1", "j1", key, "w1")  # nothing to send once the outcome is known
    assert [(r.job_id, r.sends, r.outcome) for r in store.journal.records("r1")] == [("j1", 2, {"ok": True}), ("j2", 0, None)]


def test_appends_form_a_chain_that_verifies(store):
    ids = [store.audit.append("refused", "U0X", None, {"n": n, "text": 'Zürich "q"'}) for n in range(3)]
    assert ids == sorted(ids)
    entries = store.audit.entries()
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    verdict = store.audit.verify()
    assert verdict.ok and verdict.checked == 3 and verdict.last == (ids[-1], entries[-1].hash)


def test_verify_names_an_edited_entry(store):
    ids = [store.audit.append("refused", "U0X", None, {"n": n}) for n in range(3)]
    with store.engine.begin() as conn:
        conn.execute(audit_table.update().where(audit_table.c.id == ids[1]).values(detail='{"n": 99}'))
    verdict = store.audit.verify()
    assert not verdict.ok and verdict.entry_id == ids[1] and verdict.checked == 1


def test_a_rolled_back_append_leaves_the_chain_whole(store):
    store.audit.append("refused", "U0X")
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.audit.append_in(conn, "refused", "U0X", None, {}, store.db.db_now(conn))
        raise RuntimeError("the decision's transaction fails")
    store.audit.append("refused", "U0X")
    verdict = store.audit.verify()
    assert verdict.ok and verdict.checked == 2


def test_an_unknown_event_is_refused(store):
    with pytest.raises(ValueError, match="unknown audit event"):
        store.audit.append("exploded", "U0X")
    assert store.audit.entries() == []


def test_append_once_writes_one_entry_per_marker(store):
    marker = task("tell:1")
    assert store.audit.append_once(marker, "refused", "U0X", None, {"why": "usage"})
    assert not store.audit.append_once(marker, "refused", "U0X", None, {"why": "usage"})
    assert [e.detail for e in store.audit.entries()] == [{"why": "usage"}]
    assert store.work.get_task("tell:1") is not None


def test_the_outbox_reads_unposted_entries_in_order(store):
    ids = [store.audit.append("refused", "U0X", None, {"n": n}) for n in range(3)]
    assert [e.id for e in store.audit.unposted(limit=2)] == ids[:2]
    store.audit.mark_posted(ids[0])
    assert [e.id for e in store.audit.unposted()] == ids[1:] and store.audit.unposted_count() == 2
    assert store.audit.verify().ok  # delivery bookkeeping is outside the hash


def test_entries_filter_by_request_prefix_job_and_window(store, clock):
    store.audit.append("requested", "U0MOD1", "abcdef01" + "0" * 24, {"job_ids": ["av1", "av2"]})
    clock.advance(10)
    store.audit.append("cancelled", "U0ON1", "ffff0000" + "0" * 24, {"results": [{"job_id": "av2"}]})
    store.audit.append("failed", "U0ON1", None, {"note": "mentions av1 in prose only"})
    assert [e.event for e in store.audit.entries(where=AuditFilter(request_id="abcdef01"))] == ["requested"]
    assert [e.event for e in store.audit.entries(where=AuditFilter(job_id="av2"))] == ["requested", "cancelled"]
    assert [e.event for e in store.audit.entries(where=AuditFilter(job_id="av1"))] == ["requested"]
    assert [e.event for e in store.audit.entries(since=clock.now)] == ["cancelled", "failed"]
    assert [e.event for e in store.audit.entries(where=AuditFilter(until=clock.now, actor="U0MOD1"))] == ["requested"]


def test_entry_times_come_from_the_database_clock(store, clock):
    store.audit.append("refused", "U0X")
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(audit_table.c.at)).scalar_one() == clock.now
