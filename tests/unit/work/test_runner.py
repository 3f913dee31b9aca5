"""Running one task: done, retried with back-off, or given up after MAX_ATTEMPTS unless its
kind is one the application keeps retrying."""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.schema import tasks_table
from bot.work import MAX_ATTEMPTS, Task
from bot.work.registry import Kinds
from bot.work.runner import Runner
from tests.unit.work.conftest import task

ME = "w" * 32


def owned(repo, key: str, attempts: int) -> Task:
    repo.register_worker(ME, "h", 1, "b")
    repo.enqueue([task(key)], owner=ME)
    stored = repo.get_task(key)
    return Task(stored.seq, key, "k", "main", None, {}, ME, attempts)


def runner(repo, handler, **options) -> Runner:
    kinds = Kinds()
    kinds.register({"k": handler}, **options)
    return Runner(repo, kinds, lambda: ME)


def failing(t):
    raise ValueError("a bug")


def error_of(store, key: str):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(tasks_table.c.error, tasks_table.c.done_at).where(tasks_table.c.key == key)).first()


def test_a_failing_task_is_retried_with_back_off(repo, store, clock):
    runner(repo, failing).run(owned(repo, "a", attempts=2))
    assert error_of(store, "a").error == "ValueError"
    assert repo.claim_tasks(ME, ["main"], []) == []
    clock.advance(2**2 + 0.1)
    assert [t.key for t in repo.claim_tasks(ME, ["main"], [])] == ["a"]


def test_a_task_that_keeps_failing_is_given_up(repo, store):
    runner(repo, failing).run(owned(repo, "a", attempts=MAX_ATTEMPTS - 1))
    row = error_of(store, "a")
    assert row.done_at is not None and row.error == "given up: ValueError"


def test_a_kind_retried_forever_is_never_given_up(repo, store):
    runner(repo, failing, retry_forever=["k"]).run(owned(repo, "a", attempts=MAX_ATTEMPTS + 5))
    assert error_of(store, "a").done_at is None and repo.get_task("a").owner is None
