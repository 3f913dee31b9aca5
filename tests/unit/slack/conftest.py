"""A courier over a real SQLite store and a WebClient faked at the wire (fake_web.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from slack_sdk.webhook import WebhookClient

from bot.slack.courier import Courier
from bot.store import Request, Store, Task
from tests.unit.slack.fake_web import FakeResponseUrls, FakeSlack, FakeTransportClient

ME = "worker-me"
APPROVALS = "C0APPROVALS"
CHANNEL = "C0MODS"
MOD = "U0MOD1"
ONCALL = "U0ONCALL1"


@pytest.fixture(scope="session")
def migrated(tmp_path_factory) -> Path:
    """One migrated database file, copied for each test: migrating costs more than a test."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    template = Store(f"sqlite:///{path}")
    template.migrate()
    template.close()  # the last connection closed: the WAL is checkpointed into the file
    return path


@pytest.fixture
def store(tmp_path, migrated):
    shutil.copyfile(migrated, tmp_path / "bot.db")
    store = Store(f"sqlite:///{tmp_path / 'bot.db'}")
    store.register_worker(ME, "host", 1, "boot")
    yield store
    store.close()


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack()


@pytest.fixture
def response_urls(monkeypatch) -> FakeResponseUrls:
    """response_url posts answered by a fake far side instead of a socket."""
    urls = FakeResponseUrls()
    monkeypatch.setattr(WebhookClient, "_perform_http_request_internal", lambda self, url, req: urls.answer(self, url, req))
    return urls


@pytest.fixture
def client(slack) -> FakeTransportClient:
    return FakeTransportClient(slack)


@pytest.fixture
def courier(client, store) -> Courier:
    return Courier(client, store, APPROVALS, mention="<!subteam^S0ONCALL>")


def pending_request(store: Store, request_id: str = "r1") -> Request:
    request, _ = store.create_request(
        request_id=request_id,
        kind="approval",
        state="pending",
        requester=MOD,
        origin_channel=CHANNEL,
        reason="spam",
        job_ids=["job-1"],
        ttl=3600,
    )
    return request


def claimed(store: Store, new_task, owner: str = ME) -> Task:
    """The task stored and claimed by `owner`, as a worker's handler receives it."""
    store.enqueue([new_task], owner=owner)
    return store.get_task(new_task.key)


def attempt_recorded(store: Store, task: Task) -> Task:
    """The queue's bookkeeping after an attempt ended in RetryLater: counted, and ours again."""
    store.retry_task(task.key, ME, 0.0, "retry")
    [again] = [t for t in store.claim_tasks(ME, [task.lane], running=()) if t.key == task.key]
    return again
