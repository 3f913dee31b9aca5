"""Shared fixtures: local stand-ins for the far side of every wire (CI API, Slack Web API)."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import urllib.parse

import pytest

from bot.config import Secret
from bot.tencent import CIClient
from bot.tencent.ratelimit import SlidingWindowLimiter, Unlimited
from tests.fakes.ci_server import CIStandIn


def pytest_configure(config) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<db>_gw0`, `<db>_gw1`, ...),
    created on first use: tests empty the tables of theirs, and must not empty another worker's.
    Processes one test starts inherit the environment, so they share that test's database."""
    worker = getattr(config, "workerinput", {}).get("workerid")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = worker_database(url, worker)


def pytest_collection_modifyitems(items) -> None:
    """Tests marked slow first (otherwise in their order): xdist hands tests out in this order, and
    a minute-long test started last keeps one worker busy after the others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def root_logging_restored():
    """A test that configures logging (the CLI, the JSON log tests) leaves the root logger as it
    found it: its handler writes to that test's captured stderr, closed when the test ends, and
    every later line (bot threads of later tests) would print "I/O operation on closed file"."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = sys.excepthook, threading.excepthook
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks


def worker_database(url: str, worker: str) -> str:
    """The URL of `url`'s database suffixed with `_<worker>`, creating that database if missing."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_{worker}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # another session created it first
                conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


SECRET_ID = "AKIDtest"
SECRET_KEY = "test-secret-key"


@pytest.fixture
def ci():
    with CIStandIn(keys={SECRET_ID: SECRET_KEY}) as server:
        yield server


@pytest.fixture
def sg():
    """A second bucket of the same account (tests/targets.py: several targets)."""
    with CIStandIn(keys={SECRET_ID: SECRET_KEY}) as server:
        yield server


PARTNER_ID, PARTNER_KEY = "AKIDpartner", "partner-secret-key"


@pytest.fixture
def partner():
    """A bucket of another account, with its own keys."""
    with CIStandIn(keys={PARTNER_ID: PARTNER_KEY}) as server:
        yield server


@pytest.fixture
def make_client(ci):
    clients = []

    def make(**overrides) -> CIClient:
        options = dict(
            endpoint=ci.url,
            secret_id=SECRET_ID,
            secret_key=Secret(SECRET_KEY),
            limiter=Unlimited(),
            connect_timeout=1.0,
            read_timeout=1.0,
            max_attempts=3,
            backoff_base=0.01,
            backoff_cap=0.05,
        )
        options.update(overrides)
        if options.get("limiter") == "real":
            options["limiter"] = SlidingWindowLimiter(20)
        client = CIClient(**options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def job(n: int, prefix: str = "av") -> str:
    """A valid job ID, distinct per n."""
    return prefix + f"{n:032x}"


@pytest.fixture
def slack():
    from tests.fakes.slack_server import SlackStandIn

    server = SlackStandIn().start()
    yield server
    server.stop()


def _db_params():
    import os

    return ["sqlite", "postgres"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(params=_db_params())
def database_url(request, tmp_path):
    """Every persistence test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL answers."""
    import os

    from tests.harness import reset_database

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/bot.db"
    url = os.environ["TEST_DATABASE_URL"]
    reset_database(url)
    return url


@pytest.fixture
def make_bot(ci, slack, database_url):
    from tests.harness import Bot, bot_env

    bots = []

    def make(**overrides):
        bot = Bot(bot_env(ci, slack, database_url, **overrides), slack)
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.stop()


@pytest.fixture
def bot(make_bot):
    return make_bot()
