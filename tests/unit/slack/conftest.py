"""A courier over a real SQLite store and a WebClient faked at the wire (fake_web.py)."""

from __future__ import annotations

import pytest
from slack_sdk.webhook import WebhookClient

from bot.slack.courier import Courier
from tests.unit.conftest import sqlite_store
from tests.unit.slack.fake_web import FakeResponseUrls, FakeSlack, FakeTransportClient
from tests.unit.slack.support import APPROVALS, ME


@pytest.fixture
def store(tmp_path, sqlite_template):
    store = sqlite_store(sqlite_template, tmp_path)
    store.work.register_worker(ME, "host", 1, "boot")
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
