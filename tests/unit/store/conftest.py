"""One migrated Store per test on SQLite in tmp_path (and on PostgreSQL when TEST_DATABASE_URL
is set), with the database's clock replaced by one the test moves: expiry, due times and
pruning are decided by that clock, never by waiting."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import NewTask, Request, Store
from tests.unit.conftest import Clock

START = 1_800_000_000.0


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def store(database_url: str, clock: Clock, sqlite_template: Path) -> Iterator[Store]:
    if database_url.startswith("sqlite:///"):
        shutil.copyfile(sqlite_template, database_url.removeprefix("sqlite:///"))
    store = Store(database_url, clock=clock)
    store.migrate()  # up to date already on SQLite; creates the schema on PostgreSQL
    yield store
    store.close()


def task(key: str, kind: str = "announce", lane: str = "slack", stream: str | None = None, **payload: object) -> NewTask:
    return NewTask(key=key, kind=kind, lane=lane, payload=dict(payload), stream=stream)


def new_request(store: Store, request_id: str = "r1", *, requester: str = "U0MOD1", ttl: float = 600, **kw: object) -> Request:
    options: dict = dict(
        request_id=request_id,
        kind="approval",
        state="pending",
        requester=requester,
        origin_channel="C0MOD",
        reason="spam",
        job_ids=["j1", "j2"],
        ttl=ttl,
    )
    options.update(kw)
    request, created = store.requests.create(**options)
    assert created
    return request


def hold_execution(store: Store, request_id: str, worker: str = "w1") -> str:
    """Register `worker` and have it claim the request's execution task; return the task key."""
    key = f"exec:{request_id}"
    store.work.register_worker(worker, "host", 1, "boot-" + worker)
    store.work.enqueue([task(key, kind="execute", lane="cancels")])
    [claimed] = store.work.claim_tasks(worker, ["cancels"], [], limit=1)
    assert claimed.key == key
    return key
