"""Proposals' cooldown lives in the database: one open proposal per job, none within
PROPOSAL_COOLDOWN_SECONDS of the last, and concurrent creators (threads here; processes in
tests/test_callbacks.py) agree."""

from __future__ import annotations

import threading

import pytest

from bot.store.proposals import CoolingDown
from tests.unit.store.conftest import new_request

JOB, OTHER = "av" + "1" * 32, "av" + "2" * 32
COOLDOWN = 600


def propose(store, request_id: str, job_id: str = JOB, ttl: float = 1800):
    return new_request(
        store,
        request_id,
        kind="proposal",
        requester="tencent-moderation",
        job_ids=[job_id],
        ttl=ttl,
        audit=("proposed", {"job_ids": [job_id]}),
        guard=store.proposals.guard(job_id, COOLDOWN),
    )


def test_a_second_proposal_for_the_job_is_refused_while_one_is_open(store, clock):
    propose(store, "p1")
    assert store.proposals.cooling(JOB, COOLDOWN) and not store.proposals.cooling(OTHER, COOLDOWN)
    clock.advance(COOLDOWN + 1)  # past the cooldown, but p1 is still open (its TTL is longer)
    with pytest.raises(CoolingDown):
        propose(store, "p2")
    assert store.requests.get("p2") is None and [e.event for e in store.audit.entries()] == ["proposed"]
    propose(store, "p3", OTHER)  # another job is not held back


def test_a_decided_proposal_holds_the_job_back_until_the_cooldown_has_passed(store, clock):
    propose(store, "p1")
    assert store.requests.decide("p1", "denied", "U0ONCALL", event="dismissed")
    clock.advance(COOLDOWN - 1)
    with pytest.raises(CoolingDown):
        propose(store, "p2")
    clock.advance(2)
    propose(store, "p2")
    assert [e.event for e in store.audit.entries()] == ["proposed", "dismissed", "proposed"]


def test_an_approval_request_for_the_job_does_not_count(store):
    new_request(store, "r1", job_ids=[JOB])
    assert not store.proposals.cooling(JOB, COOLDOWN)
    propose(store, "p1")


def test_concurrent_creators_make_one_proposal(store):
    barrier, outcomes = threading.Barrier(8), []

    def create(n: int) -> None:
        barrier.wait()
        try:
            propose(store, f"p{n}")
            outcomes.append("created")
        except CoolingDown:
            outcomes.append("cooling")

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["cooling"] * 7 + ["created"]
