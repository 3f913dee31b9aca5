"""Lanes: the most urgent queued task starts first, and lower classes never take the threads
kept back for the higher classes that run in the lane. Kinds are the application's."""

from __future__ import annotations

import threading

import pytest

from bot.work import Priority
from bot.work.lanes import Lane, caps_for
from bot.work.registry import Kinds
from tests.unit.work.conftest import wait_for


@pytest.fixture
def lane():
    lanes: list[Lane] = []

    def make(threads: int, classes=()) -> Lane:
        made = Lane("test", threads)
        made.serve(classes or [Priority.BACKGROUND])
        lanes.append(made)
        return made

    yield make
    for made in lanes:
        made.stop()


def test_caps_keep_a_thread_per_higher_class_and_half_a_lane_from_the_background():
    assert caps_for(4, [Priority.DECIDE, Priority.BACKGROUND]) == {0: 4, 1: 3, 2: 3, 3: 2}
    assert caps_for(2, [Priority.BACKGROUND])[Priority.BACKGROUND] == 2  # alone in its lane: no cap
    with pytest.raises(ValueError):
        caps_for(1, [Priority.DECIDE, Priority.BACKGROUND])


def test_a_decision_finds_a_thread_however_many_background_tasks_wait(lane):
    lane = lane(2, [Priority.DECIDE, Priority.BACKGROUND])
    gate, ran, running = threading.Event(), [], []

    def background(n: int):
        def run() -> None:
            running.append(n)
            gate.wait(5)

        return run

    for n in range(5):
        lane.submit(Priority.BACKGROUND, background(n))
    wait_for(lambda: running == [0], what="one background task running")
    decided = threading.Event()
    lane.submit(Priority.DECIDE, lambda: (ran.append("decide"), decided.set()))
    assert decided.wait(2)  # the kept-back thread runs it while the background one still holds the other
    assert running == [0] and lane.queued == 4
    gate.set()


def test_queued_tasks_start_most_urgent_class_first(lane):
    lane = lane(1, [Priority.BACKGROUND])
    gate, order = threading.Event(), []
    lane.submit(Priority.BACKGROUND, lambda: gate.wait(5))
    wait_for(lambda: lane.queued == 0, what="the first task running")
    for cls in (Priority.BACKGROUND, Priority.REPORT, Priority.DECIDE, Priority.REPORT):
        lane.submit(cls, lambda cls=cls: order.append(cls))
    gate.set()
    wait_for(lambda: len(order) == 4, what="every task run")
    assert order == [Priority.DECIDE, Priority.REPORT, Priority.REPORT, Priority.BACKGROUND]


def test_admission_counts_what_would_start_before_a_task(lane):
    lane = lane(2, [Priority.DECIDE, Priority.BACKGROUND])
    gate = threading.Event()
    lane.submit(Priority.BACKGROUND, lambda: gate.wait(5))
    wait_for(lambda: lane.queued == 0, what="the background task running")
    admit = lane.admission()
    assert not admit(Priority.BACKGROUND)  # its cap (1) is taken
    assert admit(Priority.DECIDE)
    assert not admit(Priority.DECIDE)  # the one thread left is counted as promised
    gate.set()


def test_a_stopped_lane_takes_nothing_more(lane):
    lane = lane(1)
    lane.stop()
    assert not lane.submit(Priority.BACKGROUND, lambda: None)


def test_kinds_are_registered_by_the_application():
    kinds = Kinds()
    kinds.register({"a": lambda task: None}, {"a": 0}, {"a": "fast"}, retry_forever=["a"])
    assert kinds.class_of("a") is Priority.DECIDE
    assert kinds.class_of("unknown") is Priority.BACKGROUND
    assert kinds.served_by("fast") == {Priority.DECIDE} and kinds.served_by("slow") == set()
    assert kinds.retried_forever == {"a"}
