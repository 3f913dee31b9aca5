"""The WorkQueue through its interface: accept, register, start, wake, shutdown."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time

import pytest

from bot.work import CommitUnknown, Priority, QueueFull, RetryLater
from tests.unit.work.conftest import register, task, wait_for

DEAD = "d" * 32


def test_an_accepted_task_is_stored_as_ours_run_here_and_completed(make_queue, repo):
    queue = make_queue().start()
    seen = []
    register(queue, "k", lambda t: seen.append((t.key, t.owner, repo.get_task(t.key).owner)))
    assert queue.accept(task("a", payload={"n": 1}))
    wait_for(lambda: repo.open_task_count() == 0, what="the task done")
    assert seen == [("a", queue.id, queue.id)]


def test_a_stopping_queue_accepts_nothing(make_queue, repo):
    queue = make_queue().start()
    queue.shutdown(time.monotonic())
    assert queue.accept(task("a")) is False
    assert repo.open_task_count() == 0


def test_a_full_queue_refuses_and_stores_nothing(make_queue, repo):
    queue = make_queue({"main": 1}, queue_limit=1).start()
    gate = threading.Event()
    register(queue, "k", lambda t: gate.wait(5))
    queue.accept(task("running"))
    wait_for(lambda: queue.queued == 0, what="the first task running")
    queue.accept(task("queued"))
    with pytest.raises(QueueFull):
        queue.accept(task("refused"))
    assert repo.get_task("refused") is None
    gate.set()


def test_a_full_queue_makes_room_for_a_decision_by_handing_back_a_background_task(make_queue, repo):
    queue = make_queue({"main": 2}, queue_limit=1, poll=0.05).start()
    gate, decided = threading.Event(), threading.Event()
    register(queue, "look", lambda t: gate.wait(5))
    register(queue, "decide", lambda t: decided.set(), Priority.DECIDE)
    queue.accept(task("look-1", "look"))
    wait_for(lambda: queue.queued == 0, what="the first look-up running")
    queue.accept(task("look-2", "look"))  # waits: a background task may not take the last thread
    assert queue.queued == 1
    assert queue.accept(task("decide", "decide"))
    assert decided.wait(2)
    assert repo.get_task("look-2").owner == queue.id  # handed back, still ours and stored
    gate.set()
    wait_for(lambda: repo.open_task_count() == 0, what="the handed-back task claimed again and run")


def test_a_task_asking_to_retry_later_is_given_back_with_its_delay(make_queue, repo, clock):
    queue = make_queue().start()
    runs = []

    def rate_limited(t):
        runs.append(t.attempts)
        raise RetryLater(30, "slow down")

    register(queue, "k", rate_limited)
    queue.accept(task("a"))
    wait_for(lambda: repo.get_task("a").owner is None, what="the task given back")
    assert repo.get_task("a").attempts == 1
    queue.wake()  # not due yet: nothing is claimed
    clock.advance(31)
    queue.wake()
    wait_for(lambda: runs == [0, 1], what="the second try")


def test_a_task_of_a_dead_worker_is_taken_over_at_start(make_queue, repo, clock):
    repo.register_worker(DEAD, "another-host", 4242, "x")
    repo.enqueue([task("orphan")], owner=DEAD)
    clock.advance(61)
    queue = make_queue(dead_after=60)
    ran = threading.Event()
    register(queue, "k", lambda t: ran.set())
    queue.start()
    assert ran.wait(2)
    wait_for(lambda: repo.open_task_count() == 0, what="the orphan done")


def test_shutdown_hands_back_what_did_not_finish(make_queue, repo):
    queue = make_queue({"main": 1}).start()
    gate = threading.Event()
    register(queue, "k", lambda t: gate.wait(5))
    queue.accept(task("stuck"))
    queue.accept(task("waiting"))
    assert queue.shutdown(time.monotonic() + 0.1) is False
    assert repo.get_task("stuck").owner is None and repo.get_task("waiting").owner is None
    assert not repo.heartbeat(queue.id)  # retired: no worker row left
    gate.set()


def test_shutdown_delivers_what_running_tasks_store_in_the_drain_lanes(make_queue, repo):
    queue = make_queue({"main": 1, "out": 1}, drain_lanes=["out"]).start()
    gate, delivered = threading.Event(), []

    def work(t):
        gate.wait(5)
        repo.enqueue([task("announce", "deliver", lane="out")])
        queue.wake()

    register(queue, "k", work)
    register(queue, "deliver", lambda t: delivered.append(t.key), lane="out")
    queue.accept(task("a"))
    stopping = threading.Thread(target=queue.shutdown, args=(time.monotonic() + 5,))
    stopping.start()
    gate.set()
    stopping.join(5)
    assert delivered == ["announce"] and repo.open_task_count() == 0


def test_a_task_whose_store_outlived_its_caller_is_voided_not_run(make_queue, repo):
    queue = make_queue().start()
    ran = []
    register(queue, "k", lambda t: ran.append(t.key))
    other_process = sqlite3.connect(repo.db.url.removeprefix("sqlite:///"), isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # the database is busy: our write waits for it
    try:
        with pytest.raises(CommitUnknown):
            queue.accept(task("a"), timeout=0.3)
    finally:
        other_process.execute("ROLLBACK")
    wait_for(lambda: repo.get_task("a") is not None, what="the write landing after its caller gave up")
    queue.wake()  # a claim now must not run it
    queue.shutdown(time.monotonic() + 1)
    assert ran == [] and repo.open_task_count() == 0


def test_only_the_most_urgent_class_runs_in_first_writes(make_queue, repo):
    entered = []

    @contextlib.contextmanager
    def first_writes():
        entered.append(True)
        yield

    queue = make_queue(first_writes=first_writes).start()
    kinds = []
    register(queue, "decide", lambda t: kinds.append((t.kind, len(entered))), Priority.DECIDE)
    register(queue, "report", lambda t: kinds.append((t.kind, len(entered))), Priority.REPORT)
    queue.accept(task("r", "report"))
    wait_for(lambda: len(kinds) == 1)
    queue.accept(task("d", "decide"))
    wait_for(lambda: len(kinds) == 2)
    assert kinds == [("report", 0), ("decide", 1)]


def test_a_queue_claims_no_task_of_a_kind_it_cannot_run(make_queue, repo):
    """A rolling upgrade: a newer process stores a kind this one does not know. Claimed here it
    would fail until given up; left alone, a process that knows it runs it."""
    repo.enqueue([task("newer", kind="escalate-v9"), task("known")])
    older = make_queue()
    register(older, "k", lambda t: None)
    older.start()
    wait_for(lambda: repo.open_task_count() == 1, what="the known kind run")
    older._claim(["main"])  # asked again: still not taken
    left = repo.get_task("newer")
    assert (left.owner, left.attempts) == (None, 0)
    newer = make_queue()
    ran = threading.Event()
    register(newer, "escalate-v9", lambda t: ran.set())
    newer.start()
    assert ran.wait(2)
