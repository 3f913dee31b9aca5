"""`audit --target NAME`: the entries whose request named the target, or a job's result came from it."""

from __future__ import annotations

from bot.store import AuditFilter
from bot.store.audit import mentions_target


def test_an_entry_is_about_a_target_it_names_or_a_result_came_from():
    assert mentions_target({"target": "sg"}, "sg")
    assert mentions_target({"targets": ["bj", "sg"]}, "sg") and not mentions_target({"targets": ["bj", "sgx"]}, "sg")
    assert mentions_target({"results": [{"job_id": "a", "target": "sg (archive-1250000000 @ ap-singapore)"}]}, "sg")
    assert not mentions_target({"results": [{"job_id": "a", "target": "sgx (b-1250000000 @ ap-singapore)"}]}, "sg")
    assert not mentions_target({"reason": "sg stream"}, "sg") and not mentions_target({}, "sg")


def test_the_log_is_filtered_by_target(store):
    store.audit.append("requested", "U1", "r1", {"target": "sg", "job_ids": ["a"]})
    store.audit.append("started", "U1", "r2", {"job_ids": ["b"], "reason": "sg is mentioned only in words"})
    store.audit.append("cancelled", "U1", "r3", {"results": [{"job_id": "c", "target": "sg (archive-1250000000 @ ap-singapore)"}]})
    store.audit.append("approved", "U1", "r4", {"targets": ["bj", "sg"], "job_ids": ["d", "e"]})
    assert [e.request_id for e in store.audit.entries(where=AuditFilter(target="sg"))] == ["r1", "r3", "r4"]
    assert [e.request_id for e in store.audit.entries(where=AuditFilter(target="bj"))] == ["r4"]
