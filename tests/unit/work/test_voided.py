"""A task whose caller heard "not stored" but whose write landed late is never run, whatever
a claim under way saw: the interleavings are forced with events, on a real SQLite repository."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from bot.store.schema import tasks_table
from bot.work import CommitUnknown
from bot.work.admission import VOIDED
from tests.unit.work.conftest import register, task, wait_for

CLAIMER = "claimer"


class _HeldClaim:
    """The repository, with the claim made on the CLAIMER thread held twice: after the queue
    noted what runs here and before it reads the tasks table (time for a command to be refused
    and its late write to land in between), and after it took what it read, before the queue
    starts it."""

    def __init__(self, repo) -> None:
        self._repo = repo
        self.held, self.resume = threading.Event(), threading.Event()
        self.took, self.may_start = threading.Event(), threading.Event()
        self.may_start.set()  # unless a test holds the start too

    def __getattr__(self, name):
        return getattr(self._repo, name)

    def claim_tasks(self, *args, **kwargs):
        if threading.current_thread().name != CLAIMER:
            return self._repo.claim_tasks(*args, **kwargs)
        self.held.set()
        assert self.resume.wait(5), "the test never let the claim read"
        claimed = self._repo.claim_tasks(*args, **kwargs)
        self.took.set()
        assert self.may_start.wait(5), "the test never let the claim start what it took"
        return claimed


def refused_but_stored_late(queue, repo, store: _HeldClaim, key: str) -> threading.Thread:
    """A claim notes what runs here; then `key` is refused to its caller (the database is busy
    past its time) and its write lands; then the claim reads it: ours, unfinished."""
    claimer = threading.Thread(target=queue._claim, args=(["main"],), name=CLAIMER)  # a task thread's claim, say
    claimer.start()
    assert store.held.wait(5)  # it noted what runs here: `key` is not even reserved yet
    other_process = sqlite3.connect(repo.db.url.removeprefix("sqlite:///"), isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")  # the database is busy: our write waits for it
    try:
        with pytest.raises(CommitUnknown):
            queue.accept(task(key), timeout=0.5)  # the caller hears "not stored"
    finally:
        other_process.execute("ROLLBACK")
        other_process.close()
    wait_for(lambda: repo.get_task(key) is not None, what="the write landing after its caller gave up")
    store.resume.set()  # the claim reads now
    return claimer


def test_a_claim_that_noted_what_runs_before_a_refused_task_was_stored_does_not_run_it(make_queue, repo):
    store = _HeldClaim(repo)
    queue = make_queue(store=store).start()
    ran: list[str] = []
    register(queue, "k", lambda t: ran.append(t.key))
    claimer = refused_but_stored_late(queue, repo, store, "a")
    claimer.join(5)
    queue.shutdown(time.monotonic() + 5)  # waits for anything the claim started
    assert ran == []
    assert error_of(repo, "a") == VOIDED and repo.open_task_count() == 0  # marked done, unrun


def test_a_voided_task_is_not_forgotten_between_a_claims_take_and_its_start(make_queue, repo):
    store = _HeldClaim(repo)
    store.may_start.clear()
    queue = make_queue(store=store).start()
    ran: list[str] = []
    register(queue, "k", lambda t: ran.append(t.key))
    claimer = refused_but_stored_late(queue, repo, store, "a")
    assert store.took.wait(5)  # the claim took "a" (it is ours anyway) and has not started it
    finisher = threading.Thread(target=queue.admission.finish_voided)  # the loop's turn to mark voided tasks
    finisher.start()
    wait_for(lambda: error_of(repo, "a") == VOIDED, what='"a" marked done')  # ours, unfinished: marked at once
    # Forgetting "a" now would let the claim start it: that waits for the claim. (If nothing
    # held it back, it would be over long before this wait ends.)
    finisher.join(1.0)
    store.may_start.set()
    claimer.join(5)
    finisher.join(5)
    queue.shutdown(time.monotonic() + 5)
    assert ran == []
    assert error_of(repo, "a") == VOIDED and repo.open_task_count() == 0


def error_of(repo, key: str) -> str | None:
    with repo.db.reading() as conn:
        return conn.execute(sa.select(tasks_table.c.error).where(tasks_table.c.key == key)).scalar_one()
