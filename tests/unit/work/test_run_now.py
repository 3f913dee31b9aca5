"""A decision's follow-ups, stored owned by the deciding worker, start without a claim: the
most urgent runs on the deciding thread itself (no hand-off), the rest in their lanes, and
one whose stream is not ready waits for its turn as usual."""

from __future__ import annotations

import threading

import pytest

from bot.store import DECIDE, REPORT, NewTask, Store
from bot.work.queue import WorkQueue


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/work.db")
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def queue(store):
    work = WorkQueue(store, {"urgent": 2, "slack": 2}, poll=0.05)
    yield work
    work.shutdown(until=0)


def follow_ups(stream: str | None = None) -> list[NewTask]:
    return [NewTask("update", "update", "slack", {}, stream=stream), NewTask("report", "report", "slack", {})]


def test_the_most_urgent_follow_up_runs_on_the_deciding_thread(store, queue):
    ran: dict[str, str] = {}
    done = threading.Event()

    def decide(task):
        store.enqueue(follow_ups(), owner=task.owner)
        ran["decide"] = threading.current_thread().name
        queue.run_now(["update", "report"])

    def record(task):
        ran[task.kind] = threading.current_thread().name
        if {"update", "report"} <= ran.keys():
            done.set()

    queue.register(
        {"decide": decide, "update": record, "report": record},
        {"decide": DECIDE, "update": DECIDE, "report": REPORT},
        {"decide": "urgent", "update": "slack", "report": "slack"},
    )
    queue.start()
    assert queue.accept(NewTask("decide", "decide", "urgent", {}))
    assert done.wait(5), ran
    assert ran["update"] == ran["decide"]  # no claim, no hand-off
    assert ran["report"] != ran["decide"]  # handed to its lane
    assert wait_for(lambda: store.open_task_count() == 0), "follow-ups recorded as done"


def wait_for(condition, timeout: float = 5.0) -> bool:
    stop = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        stop.wait(0.01)
    return False


def test_a_follow_up_whose_stream_is_busy_waits_for_its_turn(store, queue):
    order: list[str] = []
    first_may_finish, decided, all_ran = threading.Event(), threading.Event(), threading.Event()

    def decide(task):
        store.enqueue(follow_ups(stream="req-1"), owner=task.owner)
        queue.run_now(["update"])
        order.append("decided")
        decided.set()

    def first(task):
        first_may_finish.wait(5)
        order.append("first")

    def update(task):
        order.append("update")
        all_ran.set()

    queue.register(
        {"decide": decide, "first": first, "update": update, "report": lambda t: None},
        {"decide": DECIDE, "update": DECIDE},
        {"decide": "urgent", "first": "slack", "update": "slack", "report": "slack"},
    )
    queue.start()
    assert queue.accept(NewTask("first", "first", "slack", {}, stream="req-1"))  # an earlier task of the stream, still running
    assert queue.accept(NewTask("decide", "decide", "urgent", {}))
    assert decided.wait(5)
    assert "update" not in order  # run_now left it: the stream's earlier task is unfinished
    first_may_finish.set()
    assert all_ran.wait(5), order
    assert order.index("first") < order.index("update")
