"""Requests: stored once, decided exactly once, expired by the database's clock, finished only
by the holder of their execution; each decision commits with its audit entry and tasks."""

from __future__ import annotations

import threading

import pytest

from bot.domain.states import JobTarget
from bot.store import PendingLimit
from tests.unit.store.conftest import hold_execution, new_request, task


def events(store) -> list[str]:
    return [e.event for e in store.audit.entries()]


def test_create_stores_a_request_once(store):
    first = new_request(store, job_ids=["j1", "j2"])
    again, created = store.requests.create(
        request_id="r1", kind="approval", state="pending", requester="U0OTHER", origin_channel="C0", reason="other", job_ids=["j9"], ttl=1
    )
    assert not created and again == first
    assert store.requests.get("r1").job_ids == ("j1", "j2")
    assert [r.job_id for r in store.journal.records("r1")] == ["j1", "j2"]


def test_a_request_keeps_where_each_job_was_found(store):
    sg, bj = JobTarget("sg", "archive-1250000000", "ap-singapore"), JobTarget("bj", "live-1250000000", "ap-beijing")
    store.requests.create(
        request_id="r1",
        kind="approval",
        state="pending",
        requester="U0",
        origin_channel="C0",
        reason="r",
        job_ids=["j1", "j2", "j3"],
        ttl=60,
        found_in={"j1": sg, "j2": bj},
    )
    request = store.requests.get("r1")
    assert request.found_in == {"j1": sg, "j2": bj} and request.job_targets == ("sg", "bj", None)
    assert new_request(store, request_id="r2").found_in == {}  # none given (one target): none kept


def test_create_commits_its_audit_entry_and_tasks_with_it(store):
    new_request(store, audit=("requested", {"job_ids": ["j1"]}), tasks=[task("r1:post")])
    assert events(store) == ["requested"]
    assert store.audit.entries()[0].request_id == "r1"
    assert store.work.get_task("r1:post") is not None


def test_a_failed_create_leaves_nothing(store):
    with pytest.raises(ValueError, match="unknown audit event"):
        store.requests.create(
            request_id="r1",
            kind="approval",
            state="pending",
            requester="U0MOD1",
            origin_channel="C0",
            reason="spam",
            job_ids=["j1"],
            ttl=60,
            audit=("not-an-event", {}),
            tasks=[task("r1:post")],
        )
    assert store.requests.get("r1") is None
    assert store.work.get_task("r1:post") is None
    assert store.journal.records("r1") == []


def test_create_refuses_a_requester_at_the_pending_limit(store):
    new_request(store, "r1", max_pending=2)
    new_request(store, "r2", max_pending=2)
    with pytest.raises(PendingLimit):
        new_request(store, "r3", max_pending=2)
    new_request(store, "r4", requester="U0MOD2", max_pending=2)  # another requester's count is their own


def test_admit_counts_pending_and_preparing_requests(store):
    new_request(store, "r1")
    assert store.requests.admit("U0MOD1", 3, task("prep:1", stream="prep:U0MOD1"))
    assert not store.requests.admit("U0MOD1", 2, task("prep:2", stream="prep:U0MOD1"))
    assert store.work.get_task("prep:2") is None
    assert store.requests.admit("U0MOD1", 2, task("prep:1", stream="prep:U0MOD1"))  # a re-run finds its task


def test_two_deciders_one_winner(store):
    new_request(store)
    barrier, results = threading.Barrier(2), {}

    def decide(who: str, state: str) -> None:
        barrier.wait(timeout=5)
        results[who] = store.requests.decide("r1", state, who, tasks=[task(f"r1:{state}")])

    threads = [threading.Thread(target=decide, args=a) for a in (("U0ON1", "approved"), ("U0ON2", "denied"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(results.values()) == [False, True]
    winner = "U0ON1" if results["U0ON1"] else "U0ON2"
    request = store.requests.get("r1")
    assert request.decided_by == winner and request.state == {"U0ON1": "approved", "U0ON2": "denied"}[winner]
    assert events(store) == [request.state]  # the loser wrote no entry
    assert store.work.get_task(f"r1:{request.state}") is not None
    assert store.work.get_task("r1:" + ({"approved", "denied"} - {request.state}).pop()) is None


def test_an_expired_request_cannot_be_decided(store, clock):
    new_request(store, ttl=60)
    clock.advance(61)
    assert store.requests.get("r1").expired and not store.requests.get("r1").is_open
    assert not store.requests.decide("r1", "approved", "U0ON1")
    assert events(store) == []


def test_expire_due_expires_each_request_once_with_its_entry_and_tasks(store, clock):
    new_request(store, "r1", ttl=60)
    new_request(store, "r2", ttl=600)
    clock.advance(61)
    expired = store.requests.expire_due(tasks_for=lambda r: [task(f"{r.id}:expired")], audit_for=lambda r: {"reason": r.reason})
    assert [r.id for r in expired] == ["r1"] and expired[0].state == "expired" and expired[0].decided_by == "system"
    assert store.requests.expire_due() == []
    assert [(e.event, e.request_id, e.detail) for e in store.audit.entries()] == [("expired", "r1", {"reason": "spam"})]
    assert store.work.get_task("r1:expired") is not None


def test_pending_lists_open_requests_and_summarises_the_first_expiry(store, clock):
    new_request(store, "r1", ttl=100)
    clock.advance(10)
    new_request(store, "r2", requester="U0MOD2", ttl=300)
    assert [r.id for r in store.requests.pending()] == ["r1", "r2"]
    assert [r.id for r in store.requests.pending("U0MOD2")] == ["r2"]
    assert store.requests.pending_summary() == (2, pytest.approx(90))
    store.requests.decide("r1", "denied", "U0ON1")
    assert store.requests.pending_summary() == (1, pytest.approx(300))
    assert [r.id for r in store.requests.recent_decisions()] == ["r1"]


def test_only_the_holder_of_the_execution_finishes_a_request(store):
    new_request(store)
    key = hold_execution(store, "r1", worker="w1")
    assert store.requests.decide("r1", "approved", "U0ON1")
    outcome = [{"job_id": "j1", "ok": True}, {"job_id": "j2", "ok": False}]
    assert not store.requests.finish("r1", outcome, "failed", "U0ON1", {}, task_key=key, me="w2")
    assert store.requests.finish("r1", outcome, "failed", "U0ON1", {}, task_key=key, me="w1", tasks=[task("r1:result")])
    assert not store.requests.finish("r1", outcome, "failed", "U0ON1", {}, task_key=key, me="w1")  # once
    request = store.requests.get("r1")
    assert request.state == "done" and request.open_jobs == ["j2"]
    assert events(store) == ["approved", "failed"]


def test_retry_failed_reopens_the_failed_jobs_once_per_round(store):
    new_request(store)
    key = hold_execution(store, "r1")
    store.requests.decide("r1", "approved", "U0ON1")
    store.journal.record_outcome("r1", "j1", {"ok": True}, key, "w1")
    store.journal.record_outcome("r1", "j2", {"ok": False}, key, "w1")
    outcome = [{"job_id": "j1", "ok": True}, {"job_id": "j2", "ok": False}]
    store.requests.finish("r1", outcome, "failed", "U0ON1", {}, task_key=key, me="w1")
    assert not store.requests.retry_failed("r1", 1, "U0ON1", {})  # the button names a round that is not this one
    assert store.requests.retry_failed("r1", 0, "U0ON1", {}, tasks=[task("r1:retry1")])
    assert not store.requests.retry_failed("r1", 0, "U0ON2", {})  # the second click of round 0
    request = store.requests.get("r1")
    assert (request.state, request.retries) == ("approved", 1)
    assert [(r.job_id, r.outcome) for r in store.journal.records("r1")] == [("j1", {"ok": True}), ("j2", None)]
    entry = store.audit.entries()[-1]
    assert entry.event == "approved" and entry.detail == {"retry": 1, "retried_jobs": ["j2"]}


def test_retry_reopens_the_jobs_it_is_told_no_send_can_have_cancelled_as_never_sent(store):
    new_request(store)  # jobs j1, j2
    key = hold_execution(store, "r1")
    store.requests.decide("r1", "approved", "U0ON1")
    refused = {"job_id": "j1", "ok": False, "result": "failed", "code": "AccessDenied"}
    lost = {"job_id": "j2", "ok": False, "result": "unknown", "code": "Timeout"}
    for outcome in (refused, lost):
        assert store.journal.mark_sending("r1", outcome["job_id"], key, "w1")
        store.journal.record_outcome("r1", outcome["job_id"], outcome, key, "w1")
    store.requests.finish("r1", [refused, lost], "failed", "U0ON1", {}, task_key=key, me="w1")
    assert store.requests.retry_failed("r1", 0, "U0ON1", {}, unsent=["j1"])
    # j1 was refused: the retry's checked cancel may skip it; j2's lost answer may have been our cancel
    assert [(r.job_id, r.sends, r.outcome) for r in store.journal.records("r1")] == [("j1", 0, None), ("j2", 1, None)]


def test_mark_started_and_set_message_take_the_first_write(store):
    new_request(store)
    assert store.requests.mark_started("r1", "U0ON1", {})
    assert not store.requests.mark_started("r1", "U0ON1", {})
    store.requests.set_message("r1", "C0APPROVE", "111.1")
    store.requests.set_message("r1", "C0OTHER", "222.2")
    request = store.requests.get("r1")
    assert (request.message_channel, request.message_ts) == ("C0APPROVE", "111.1")
    assert events(store) == ["started"]
