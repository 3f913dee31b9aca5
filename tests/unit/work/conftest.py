"""The queue on a real SQLite task repository in tmp_path: no server, no Runtime. Time in the
database is a clock the test moves (Store's `clock`), so delays and deaths take no waiting."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from bot.store import Store
from bot.store.work import WorkItems
from bot.work import NewTask, Priority, WorkQueue
from tests.unit.conftest import Clock, sqlite_store


def wait_for(condition: Callable[[], object], timeout: float = 2.0, what: str = "the condition") -> None:
    """Wait until `condition()` holds, checking often; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        pause.wait(0.005)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock, sqlite_template) -> Iterator[Store]:
    store = sqlite_store(sqlite_template, tmp_path, clock)
    yield store
    store.close()


@pytest.fixture
def repo(store) -> WorkItems:
    return store.work


@pytest.fixture
def make_queue(repo) -> Iterator[Callable[..., WorkQueue]]:
    """WorkQueues on the repository; each is stopped at the end (a kill, so nothing lingers)."""
    made: list[WorkQueue] = []

    def make(lanes: dict[str, int] | None = None, **options) -> WorkQueue:
        options.setdefault("poll", 30.0)  # the tests wake the queue themselves: the poll is only a fallback
        queue = WorkQueue(options.pop("store", repo), lanes or {"main": 2}, **options)
        made.append(queue)
        return queue

    yield make
    for queue in made:
        queue.halt()
        for pool in queue._pools.values():  # let the lanes' threads end
            pool.stop()


def task(key: str, kind: str = "k", lane: str = "main", **fields) -> NewTask:
    return NewTask(key=key, kind=kind, lane=lane, payload=fields.pop("payload", {}), **fields)


def register(queue: WorkQueue, kind: str, handler, cls: Priority = Priority.BACKGROUND, lane: str = "main", **options) -> None:
    queue.register({kind: handler}, {kind: cls}, {kind: lane}, **options)
