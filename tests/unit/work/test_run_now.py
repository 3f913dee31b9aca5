"""A decision's follow-ups, stored owned by the deciding worker, start without a claim in their
lanes, and one whose stream is not ready is given back to wait for its turn as usual."""

from __future__ import annotations

import threading

from bot.work import Priority
from tests.unit.work.conftest import task, wait_for


def follow_ups(stream: str | None = None):
    return [task("update", "update", "slack", stream=stream), task("report", "report", "slack")]


def test_a_decisions_follow_ups_each_run_once_in_their_lanes(make_queue, repo):
    queue = make_queue({"urgent": 2, "slack": 2})
    ran: dict[str, list[str]] = {}

    def decide(t):
        repo.enqueue(follow_ups(), owner=t.owner)
        ran["decide"] = [threading.current_thread().name]
        queue.run_now(["update", "report"])

    def record(t):
        ran.setdefault(t.kind, []).append(threading.current_thread().name)

    queue.register(
        {"decide": decide, "update": record, "report": record},
        {"decide": Priority.DECIDE, "update": Priority.DECIDE, "report": Priority.REPORT},
        {"decide": "urgent", "update": "slack", "report": "slack"},
    )
    queue.start()
    assert queue.accept(task("decide", "decide", "urgent"))
    wait_for(lambda: repo.open_task_count() == 0, what="the decision and its follow-ups done")
    assert [len(ran["update"]), len(ran["report"])] == [1, 1]
    assert all(name.startswith("work-slack") for name in ran["update"] + ran["report"])  # in their own lane


def test_a_follow_up_whose_stream_is_busy_waits_for_its_turn(make_queue, repo):
    queue = make_queue({"urgent": 2, "slack": 2}, poll=0.05)
    order: list[str] = []
    first_may_finish, decided = threading.Event(), threading.Event()

    def decide(t):
        repo.enqueue(follow_ups(stream="req-1"), owner=t.owner)
        queue.run_now(["update"])
        order.append("decided")
        decided.set()

    def first(t):
        first_may_finish.wait(5)
        order.append("first")

    queue.register(
        {"decide": decide, "first": first, "update": lambda t: order.append("update"), "report": lambda t: None},
        {"decide": Priority.DECIDE, "update": Priority.DECIDE},
        {"decide": "urgent", "first": "slack", "update": "slack", "report": "slack"},
    )
    queue.start()
    assert queue.accept(task("first", "first", "slack", stream="req-1"))  # an earlier task of the stream, still running
    assert queue.accept(task("decide", "decide", "urgent"))
    assert decided.wait(5)
    assert "update" not in order  # run_now left it: the stream's earlier task is unfinished
    assert repo.get_task("update").owner is None  # given back: any worker may claim it in its turn
    first_may_finish.set()
    wait_for(lambda: "update" in order, what="the update run in its turn")
    assert order.index("first") < order.index("update")


class _SlowReads:
    """The repository, with a pause after `ready_tasks` has read: time for our own loop to claim,
    run and finish a follow-up between the read and the start (if anything lets it)."""

    def __init__(self, repo, pause) -> None:
        self._repo, self._pause = repo, pause

    def __getattr__(self, name):
        return getattr(self._repo, name)

    def ready_tasks(self, keys, me):
        ready = self._repo.ready_tasks(keys, me)
        self._pause()
        return ready


def test_a_follow_up_our_loop_ran_meanwhile_is_not_started_again(make_queue, repo):
    ran: list[str] = []
    finished = threading.Event()
    queue = None

    def let_the_loop_run_it():
        queue._wake.set()  # the loop claims now (the follow-up is ours); wake() would claim on this thread
        # The loop may not claim while we read (it waits for our start): then this times out.
        if finished.wait(0.5):
            wait_for(lambda: queue.inflight == 1, what="the loop's run of the follow-up over")

    queue = make_queue({"urgent": 2, "slack": 2}, store=_SlowReads(repo, let_the_loop_run_it))

    def decide(t):
        repo.enqueue([task("update", "update", "slack")], owner=t.owner)
        queue.run_now(["update"])

    def update(t):
        ran.append(t.key)
        finished.set()

    queue.register(
        {"decide": decide, "update": update}, {"decide": Priority.DECIDE, "update": Priority.DECIDE}, {"decide": "urgent", "update": "slack"}
    )
    queue.start()
    assert queue.accept(task("decide", "decide", "urgent"))
    wait_for(lambda: repo.open_task_count() == 0, what="the decision and its follow-up done")
    wait_for(lambda: not queue.inflight, what="nothing running")
    assert ran == ["update"]
