"""Group commit: a burst shares a write; a caller's time limit is kept; what may have been
stored for a caller who heard "not stored" is handed to on_disowned."""

from __future__ import annotations

import threading

import pytest

from bot.work import CommitUnknown, GroupCommit, NotCommitted
from tests.unit.work.conftest import wait_for


class Database:
    """A commit the test holds open: each batch waits for `release` while `hold` is set."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.batches: list[list[str]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.hold = True
        self.fail = fail

    def commit(self, items) -> None:
        self.started.set()
        if self.hold:
            assert self.release.wait(5)
        self.batches.append(list(items))
        if self.fail:
            raise self.fail


def submit_in_thread(group: GroupCommit, item: str, errors: dict, timeout: float | None = 5) -> threading.Thread:
    def run() -> None:
        try:
            group.submit(item, timeout)
        except BaseException as exc:
            errors[item] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_callers_arriving_during_a_write_share_the_next_one():
    db, errors = Database(), {}
    group = GroupCommit(db.commit)
    first = submit_in_thread(group, "a", errors)
    assert db.started.wait(2)
    rest = [submit_in_thread(group, item, errors) for item in ("b", "c", "d")]
    wait_for(lambda: len(group._pending) == 3, what="three callers waiting")
    db.release.set()
    for thread in (first, *rest):
        thread.join(2)
    assert db.batches == [["a"], ["b", "c", "d"]] and errors == {}


def test_a_caller_whose_batch_was_not_sent_in_time_is_not_stored():
    db, errors = Database(), {}
    disowned: list = []
    group = GroupCommit(db.commit, on_disowned=disowned.extend)
    first = submit_in_thread(group, "a", errors)
    assert db.started.wait(2)
    with pytest.raises(NotCommitted):
        group.submit("late", timeout=0.05)
    db.release.set()
    first.join(2)
    assert db.batches == [["a"]] and disowned == []


def test_a_caller_that_gave_up_during_its_write_hears_unknown_and_the_item_is_disowned():
    db = Database()
    disowned: list = []
    group = GroupCommit(db.commit, on_disowned=disowned.extend)
    releaser = threading.Thread(target=lambda: db.started.wait(2) and db.release.set())
    with pytest.raises(CommitUnknown):
        group.submit("a", timeout=0.05)
    releaser.start()
    releaser.join(2)
    wait_for(lambda: disowned == ["a"], what="the stored item disowned")
    assert db.batches == [["a"]]


def test_a_failed_write_is_raised_to_every_caller_of_its_batch_and_disowned():
    db, errors = Database(fail=RuntimeError("database away")), {}
    disowned: list = []
    group = GroupCommit(db.commit, on_disowned=disowned.extend)
    first = submit_in_thread(group, "a", errors)
    assert db.started.wait(2)
    rest = [submit_in_thread(group, item, errors) for item in ("b", "c")]
    wait_for(lambda: len(group._pending) == 2, what="two callers waiting")
    db.release.set()
    for thread in (first, *rest):
        thread.join(2)
    assert set(errors) == {"a", "b", "c"} and all(isinstance(e, RuntimeError) for e in errors.values())
    assert sorted(disowned) == ["a", "b", "c"]  # the answer was an error: their fate is not known for sure
