"""Shared fixtures: local stand-ins for the far side of every wire (CI API, Slack Web API)."""

from __future__ import annotations

import pytest

from bot.config import Secret
from bot.tencent import CIClient
from bot.tencent.ratelimit import SlidingWindowLimiter, Unlimited
from tests.fakes.ci_server import CIStandIn

SECRET_ID = "AKIDtest"
SECRET_KEY = "test-secret-key"


@pytest.fixture
def ci():
    with CIStandIn(keys={SECRET_ID: SECRET_KEY}) as server:
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
