"""MAX_PENDING_PER_USER counts a requester's pending requests and those still being prepared,
each exactly once: the moment a request is created, its preparing task is done."""

from __future__ import annotations

from bot.store import NewTask, Store


def prepare(n: int) -> NewTask:
    return NewTask(key=f"request:r{n}", kind="request", lane="lookups", payload={}, stream="asks:U1")


def create(store: Store, n: int, task) -> None:
    store.requests.create(
        request_id=f"r{n}",
        kind="approval",
        state="pending",
        requester="U1",
        origin_channel="C1",
        reason="why",
        job_ids=[f"av{n:032x}"],
        ttl=600,
        max_pending=2,
        finishes=task,
    )


def test_a_request_just_created_is_not_also_counted_as_being_prepared(database_url):
    store = Store(database_url)
    store.migrate()
    store.work.register_worker("w1", "host", 1, "boot")
    assert store.requests.admit("U1", 2, prepare(1))
    [task] = store.work.claim_tasks("w1", ["lookups"], [], limit=1)
    create(store, 1, task)  # the worker has not yet marked its task done when the next command comes
    assert store.requests.admit("U1", 2, prepare(2)), "one pending request and nothing preparing: one more fits"
    assert not store.requests.admit("U1", 2, prepare(3)), "one pending and one preparing: the limit of 2 is reached"
    store.close()
