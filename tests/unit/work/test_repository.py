"""The task repository (store.work) as bot.work's TaskStore, Leases and TaskFencing see it."""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.schema import tasks_table
from bot.work import Priority
from tests.unit.work.conftest import task

ME, OTHER = "w" * 32, "o" * 32
CLASSES = {"decide": Priority.DECIDE, "post": Priority.POST, "report": Priority.REPORT}


def stored(store, key: str):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(tasks_table).where(tasks_table.c.key == key)).first()


def test_storing_a_task_twice_stores_it_once(repo):
    repo.enqueue([task("a", payload={"n": 1})])
    repo.enqueue([task("a", payload={"n": 2})])
    assert repo.open_task_count() == 1
    assert repo.get_task("a").payload == {"n": 1}


def test_claims_come_most_urgent_class_first_then_oldest(repo):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("bg1", "look"), task("rep", "report"), task("bg2", "look"), task("dec", "decide"), task("post", "post")])
    claimed = repo.claim_tasks(ME, ["main"], [], limit=10, classes=CLASSES)
    assert [t.key for t in claimed] == ["dec", "post", "rep", "bg1", "bg2"]
    assert {t.owner for t in claimed} == {ME}


def test_a_task_of_a_stream_waits_for_the_earlier_one(repo):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("first", stream="s"), task("second", stream="s"), task("alone")])
    assert [t.key for t in repo.claim_tasks(ME, ["main"], [], limit=10)] == ["first", "alone"]
    assert repo.complete_task("first", ME)
    assert [t.key for t in repo.claim_tasks(ME, ["main"], ["alone"], limit=10)] == ["second"]


def test_only_the_owner_completes_a_task(repo, store):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("a")], owner=ME)
    assert not repo.complete_task("a", OTHER)
    assert repo.complete_task("a", ME)
    assert stored(store, "a").done_at is not None and repo.open_task_count() == 0


def test_a_retried_task_is_due_again_after_its_delay_by_the_database_clock(repo, clock):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("a")], owner=ME)
    repo.retry_task("a", ME, 30, "rate limited")
    assert repo.get_task("a").attempts == 1 and repo.get_task("a").owner is None
    assert repo.claim_tasks(ME, ["main"], []) == []
    clock.advance(31)
    assert [t.key for t in repo.claim_tasks(ME, ["main"], [])] == ["a"]


def test_a_silent_worker_is_reaped_and_its_tasks_and_leases_are_taken_over(repo, clock):
    repo.register_worker(OTHER, "h", 1, "b1")
    repo.enqueue([task("a")], owner=OTHER)
    assert repo.hold_lease("poster", OTHER)
    repo.register_worker(ME, "h", 2, "b2")
    assert repo.claim_tasks(ME, ["main"], []) == []  # owned by a live worker
    clock.advance(61)
    repo.heartbeat(ME)
    assert repo.reap_workers(ME, 60) == [OTHER]
    assert not repo.heartbeat(OTHER)  # it hears that it was declared dead
    assert [t.key for t in repo.claim_tasks(ME, ["main"], [])] == ["a"]
    assert repo.hold_lease("poster", ME)


def test_burying_a_process_frees_its_workers_tasks_at_once(repo):
    repo.register_worker(OTHER, "h", 1, "boot-1")
    repo.enqueue([task("a")], owner=OTHER)
    assert repo.bury_process("boot-1") == [OTHER]
    assert repo.get_task("a").owner is None


def test_retiring_frees_unfinished_tasks_and_leases(repo):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("a"), task("b")], owner=ME)
    repo.complete_task("b", ME)
    assert repo.hold_lease("poster", ME)
    assert repo.retire_worker(ME) == 1
    assert repo.get_task("a").owner is None
    repo.register_worker(OTHER, "h", 2, "b2")
    assert repo.hold_lease("poster", OTHER)


def test_a_lease_has_one_holder(repo):
    repo.register_worker(ME, "h", 1, "b")
    repo.register_worker(OTHER, "h", 2, "b2")
    assert repo.hold_lease("poster", ME)
    assert not repo.hold_lease("poster", OTHER)
    assert repo.hold_lease("poster", ME)  # kept


def test_the_fence_refuses_a_post_after_a_takeover(repo, clock):
    repo.register_worker(OTHER, "h", 1, "b1")
    repo.enqueue([task("post")], owner=OTHER)
    assert repo.fence_task_attempt("post", OTHER)
    repo.register_worker(ME, "h", 2, "b2")
    clock.advance(61)
    repo.heartbeat(ME)
    repo.reap_workers(ME, 60)
    repo.claim_tasks(ME, ["main"], [])
    assert not repo.fence_task_attempt("post", OTHER)  # it stalled past its heartbeat: it posts nothing
    assert repo.task_attempts("post") == 1  # the new owner knows an attempt may have landed
    assert repo.fence_task_attempt("post", ME)
    assert repo.task_attempts("post") == 2


def test_the_fence_asks_for_a_fresh_heartbeat(repo, clock):
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task("post")], owner=ME)
    clock.advance(20)
    assert not repo.fence_task_attempt("post", ME, fresh=10)
    repo.heartbeat(ME)
    assert repo.fence_task_attempt("post", ME, fresh=10)


def test_the_audit_fence_needs_the_lease_and_records_the_doubt(repo, store):
    entry = store.audit.append("requested", "U1", None, {})
    repo.register_worker(ME, "h", 1, "b")
    repo.register_worker(OTHER, "h", 2, "b2")
    assert repo.hold_lease("audit-poster", ME)
    assert not repo.fence_audit_post("audit-poster", entry, OTHER)
    assert not repo.audit_in_doubt(entry)
    assert repo.fence_audit_post("audit-poster", entry, ME)
    assert repo.audit_in_doubt(entry)
    repo.audit_post_refused("audit-poster", entry, OTHER)  # not the holder: the doubt stays
    assert repo.audit_in_doubt(entry)
    repo.audit_post_refused("audit-poster", entry, ME)
    assert not repo.audit_in_doubt(entry)


def test_a_claim_does_not_take_a_task_run_and_given_back_with_a_delay_since_it_looked(repo):
    """Between a claim's look and its take, another worker claims the task, runs it and gives
    it back to retry in 30 s: the take must leave it to its delay, not run it again at once."""
    repo.register_worker(ME, "h", 1, "b")
    repo.register_worker(OTHER, "h", 2, "b")
    repo.enqueue([task("a")])

    def meanwhile(kind: str, lane: str) -> bool:
        assert [t.key for t in repo.claim_tasks(OTHER, ["main"], [], limit=1)] == ["a"]
        repo.retry_task("a", OTHER, 30.0, "slow down")
        return True

    assert repo.claim_tasks(ME, ["main"], [], limit=1, admit=meanwhile) == []
    assert stored(repo, "a").owner is None and stored(repo, "a").attempts == 1


def test_tasks_keyed_match_a_literal_prefix_in_the_order_stored(repo):
    repo.enqueue([task("r1:evidence:b"), task("r1:post"), task("r1:evidence:a"), task("r1Xevidence:c"), task("r_:evidence:d")])
    assert [t.key for t in repo.tasks_keyed("r1:evidence:")] == ["r1:evidence:b", "r1:evidence:a"]
    assert [t.key for t in repo.tasks_keyed("r_:")] == ["r_:evidence:d"]  # `_` is no wildcard
