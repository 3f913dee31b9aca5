"""The outbox: one poster holding the lease posts entries in order, each fenced right before
its post; a lost lease stops it, a refusal pauses it. The post itself (Slack) is the far side."""

from __future__ import annotations

import pytest

from bot.work import LeaseLost, Outbox, RetryLater
from bot.work.outbox import LEASE
from tests.unit.work.conftest import wait_for

ME, OTHER = "m" * 32, "o" * 32


class Channel:
    """Slack's side: what was posted, and whether each post was told it may have landed before."""

    def __init__(self) -> None:
        self.posted: list[int] = []
        self.doubts: list[bool] = []
        self.answer: Exception | None = None

    def post(self, entry, maybe_posted_before: bool, fence) -> None:
        self.doubts.append(maybe_posted_before)
        fence()
        if self.answer:
            raise self.answer
        self.posted.append(entry.id)


@pytest.fixture
def channel():
    return Channel()


@pytest.fixture
def outbox(store, repo, channel):
    repo.register_worker(ME, "h", 1, "b")
    return Outbox(store.audit, repo, channel.post, worker_id=lambda: ME, poll=30.0)


def entries(store, n: int) -> list[int]:
    return [store.audit.append("requested", "U1", None, {"n": i}) for i in range(n)]


def test_the_lease_holder_posts_every_entry_once_in_order(outbox, store, repo, channel):
    ids = entries(store, 3)
    assert repo.hold_lease(LEASE, ME)
    assert outbox.flush() == 3
    assert channel.posted == ids and channel.doubts == [False] * 3
    assert store.audit.unposted() == [] and outbox.flush() == 0


def test_a_poster_that_lost_its_lease_posts_nothing_more(outbox, store, repo, channel, clock):
    [entry] = entries(store, 1)
    assert repo.hold_lease(LEASE, ME)
    repo.register_worker(OTHER, "h", 2, "b2")
    clock.advance(61)
    repo.heartbeat(OTHER)
    repo.reap_workers(OTHER, 60)  # we stalled past our heartbeat: presumed dead
    assert repo.hold_lease(LEASE, OTHER)
    assert outbox.flush() == 0
    assert channel.posted == [] and [e.id for e in store.audit.unposted()] == [entry]


def test_a_refused_post_pauses_the_outbox_and_is_known_not_to_have_landed(outbox, store, repo, channel):
    [entry] = entries(store, 1)
    repo.hold_lease(LEASE, ME)
    channel.answer = RetryLater(60, "ratelimited", refused=True)
    assert outbox.flush() == 0
    assert not repo.audit_in_doubt(entry)  # a sure "no": the next try need not look for it
    channel.answer = None
    assert outbox.flush() == 0  # paused for the 60 s Slack asked for


def test_an_unanswered_post_is_in_doubt_for_the_next_try(outbox, store, repo, channel):
    [entry] = entries(store, 1)
    repo.hold_lease(LEASE, ME)
    channel.answer = RetryLater(0, "no answer")
    outbox.flush()
    channel.answer = None
    assert outbox.flush() == 1
    assert channel.doubts == [False, True] and channel.posted == [entry]


def test_the_fence_raises_lease_lost_when_the_lease_is_not_ours(outbox, store):
    [entry] = entries(store, 1)
    with pytest.raises(LeaseLost):
        outbox._fence(entry)()


def test_the_loop_posts_and_a_stopped_outbox_takes_the_lease_no_more(outbox, store, repo, channel):
    ids = entries(store, 2)
    outbox.start()
    wait_for(lambda: channel.posted == ids, what="both entries posted")
    outbox.stop(timeout=2)
    repo.retire_worker(ME)
    outbox._pass()  # a late pass after stop() must not take the lease for a retired worker
    repo.register_worker(OTHER, "h", 2, "b2")
    assert repo.hold_lease(LEASE, OTHER)
