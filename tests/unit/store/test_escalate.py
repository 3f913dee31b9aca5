"""Requests.escalate: one conditional UPDATE, so one winner however many processes run the
escalation; never for a request decided, withdrawn or expired first; audited in the chain."""

from __future__ import annotations

import threading

from tests.unit.store.conftest import new_request, task


def escalated_entries(store) -> list:
    return [e for e in store.audit.entries() if e.event == "escalated"]


def test_an_open_request_is_escalated_once_with_its_entry_and_tasks(store, clock):
    new_request(store)
    clock.advance(60)
    assert store.requests.escalate("r1", "<!subteam^S0NEXT>", {"members": ["U0BOSS"]}, [task("r1:escalation")])
    assert not store.requests.escalate("r1", "<!subteam^S0NEXT>", {}, [task("r1:escalation:again")])
    request = store.requests.get("r1")
    assert request.escalated_at == clock.now and request.escalated_to == "<!subteam^S0NEXT>"
    assert request.is_open, "still pending: the next level decides it"
    [entry] = escalated_entries(store)
    assert entry.actor == "system" and entry.detail["members"] == ["U0BOSS"]
    assert store.work.get_task("r1:escalation") is not None and store.work.get_task("r1:escalation:again") is None
    assert store.audit.verify().ok


def test_a_request_decided_withdrawn_or_expired_first_is_not_escalated(store, clock):
    new_request(store, "r1")
    new_request(store, "r2")
    new_request(store, "r3", ttl=10)
    store.requests.decide("r1", "approved", "U0ONCALL")
    store.requests.decide("r2", "withdrawn", "U0MOD1")
    clock.advance(11)  # r3 is past its expiry, though the sweeper has not marked it yet
    for request_id in ("r1", "r2", "r3"):
        assert not store.requests.escalate(request_id, "<@U0BOSS>", {}, [task(f"{request_id}:escalation")])
        assert store.requests.get(request_id).escalated_at is None
        assert store.work.get_task(f"{request_id}:escalation") is None
    assert escalated_entries(store) == []


def test_two_processes_escalating_at_once_make_one_winner(store):
    new_request(store)
    wins: list[bool] = []
    start = threading.Barrier(4)

    def escalate(n: int) -> None:
        start.wait()
        wins.append(store.requests.escalate("r1", "<@U0BOSS>", {"n": n}, [task(f"r1:escalation:{n}")]))

    threads = [threading.Thread(target=escalate, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(wins) == [False, False, False, True]
    assert len(escalated_entries(store)) == 1


def test_a_decision_after_escalation_still_wins_once(store):
    new_request(store)
    assert store.requests.escalate("r1", "<@U0BOSS>", {})
    assert store.requests.decide("r1", "denied", "U0BOSS")
    assert not store.requests.decide("r1", "approved", "U0ONCALL")
    assert store.requests.get("r1").escalated_at is not None
