"""Callbacks for one job that arrive while its first callback's task is being stored share that
task: each answer is the first one's outcome (stored, or not), whenever its store lands within
its own deadline. A real queue on SQLite; the store's write is held by the test."""

from __future__ import annotations

import threading
import time

import pytest

from bot.domain.proposals import CALLBACK
from bot.domain.states import Lane
from bot.serve.callback import CallbackIntake, NotStored
from tests.unit.work.conftest import register, wait_for

JOB = "av" + "0" * 30


class _HeldWrites:
    """The repository, its task writes held until the test lets them go."""

    def __init__(self, repo) -> None:
        self._repo = repo
        self.writing, self.may_write = threading.Event(), threading.Event()
        self.writes = 0

    def __getattr__(self, name):
        return getattr(self._repo, name)

    def enqueue(self, *args, **kwargs):
        self.writes += 1
        self.writing.set()
        self.may_write.wait(5)
        return self._repo.enqueue(*args, **kwargs)


@pytest.fixture
def held(repo):
    return _HeldWrites(repo)


@pytest.fixture
def intake(make_queue, held):
    def make(store_seconds: float) -> CallbackIntake:
        queue = make_queue({Lane.LOOKUPS: 1}, store=held)
        never_done = threading.Event()  # the task, once started, holds its thread: nothing else depends on it
        register(queue, CALLBACK, lambda task: never_done.wait(5), lane=Lane.LOOKUPS)
        queue.start()
        made.append(queue)
        return CallbackIntake("token", queue, store_seconds=store_seconds)

    made: list = []
    make.queues = made
    return make


def _answers(intake: CallbackIntake, n: int) -> tuple[list[threading.Thread], list[object]]:
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(intake.store(JOB))
        except Exception as exc:  # "not stored": the callback is refused (503)
            answers.append(exc)

    threads = [threading.Thread(target=send) for _ in range(n)]
    for thread in threads:
        thread.start()
    return threads, answers


def test_a_store_landing_late_within_the_first_ones_deadline_is_every_callbacks_answer(intake, held):
    callbacks = intake(store_seconds=1.0)
    first, answers = _answers(callbacks, 1)
    assert held.writing.wait(2)  # the first one's write is under way
    later, more = _answers(callbacks, 5)
    threading.Event().wait(0.6)  # the later ones have waited a while too
    held.may_write.set()  # it lands within the first one's second
    for thread in first + later:
        thread.join(5)
    assert answers == [False] and more == [True] * 5  # stored once; the rest coalesced into it
    assert held.writes == 1


def test_a_store_that_misses_the_deadline_refuses_every_callback_waiting_on_it(intake, held):
    callbacks = intake(store_seconds=0.3)
    first, answers = _answers(callbacks, 1)
    assert held.writing.wait(2)
    later, more = _answers(callbacks, 3)
    for thread in first + later:
        thread.join(5)
    held.may_write.set()
    assert len(answers) == 1 and isinstance(answers[0], Exception)  # the caller hears "not stored": Tencent retries
    assert len(more) == 3 and all(isinstance(answer, NotStored) for answer in more)
    wait_for(lambda: not callbacks._waiting, what="the failed store forgotten")  # the next callback stores anew


def test_every_callback_hears_the_same_answer_when_the_first_ones_store_starts_late(intake, held):
    """The first one is held between taking the job and starting its store (a busy machine), and
    its store lands after the later ones' own second would have ended but within a second of its
    start: those waiting on it hear its outcome, whatever it is, not a deadline of their own."""
    seconds = 2.0
    callbacks = intake(store_seconds=seconds)
    queue = intake.queues[-1]
    with queue._lock:  # its store cannot start yet: it reserves its place under this lock
        first, answers = _answers(callbacks, 1)
        wait_for(lambda: JOB in callbacks._waiting, what="the first one to take the job")
        took = time.monotonic()
        later, more = _answers(callbacks, 3)
        threading.Event().wait(0.5)
    wait_for(lambda: held.writing.is_set() or answers, timeout=seconds, what="the first one's store under way (or given up)")
    threading.Event().wait(max(took + seconds + 0.2 - time.monotonic(), 0.0))  # past any later one's own second
    held.may_write.set()
    for thread in first + later:
        thread.join(5)
    outcomes = [isinstance(answer, Exception) for answer in answers + more]
    assert len(outcomes) == 4 and len(set(outcomes)) == 1, answers + more


def test_a_callback_that_waited_for_a_thread_past_its_time_is_refused_unstored(intake, held):
    """Its time counts from its arrival (the server's stamp), not from when a thread got to it."""
    callbacks = intake(store_seconds=0.8)
    with pytest.raises(TimeoutError):
        callbacks.store(JOB, arrived=time.monotonic() - 1.0)
    assert held.writes == 0 and not callbacks._waiting  # nothing stored; the next callback stores anew
    held.may_write.set()
    assert callbacks.store(JOB, arrived=time.monotonic()) is False  # stored
