"""While the database does not answer, the real web process (gunicorn, as the Procfile runs it)
still answers every Slack request within Slack's 3 s, each refused to its caller ("not stored,
try again"), and /healthz within 5 s, while a burst of them is in flight.

An acknowledgement waits for its store at most ACK_STORE_SECONDS counted from the request's
arrival, not from when a listener thread got to it; and there are threads enough that a burst
is not queued behind the requests waiting on the database.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import threading
import time
import urllib.parse

import pytest
import requests

from bot.slack.app import LISTENER_THREADS
from bot.slack.services import NOT_STORED
from tests.conftest import job
from tests.fakes.tcp_proxy import postgres_behind_proxy
from tests.harness import ONCALL, SlackClient, bot_env
from tests.test_process import Process

BURST = 24


@pytest.fixture
def proxied_url():
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    with postgres_behind_proxy(os.environ["TEST_DATABASE_URL"]) as proxied:
        yield proxied


def test_commands_during_a_database_outage_are_all_answered_within_3_s_and_healthz_within_5_s(ci, slack, tmp_path, proxied_url):
    """A team retrying during an outage (24 commands within about 0.3 s): each gets an answer,
    never Bolt's HTTP 404 at 3 s, and /healthz says 503 meanwhile."""
    proxy, url = proxied_url
    bot = Process(bot_env(ci, slack, url, LOG_FORMAT="json"), slack, tmp_path / "bot.log")
    try:
        for n in range(BURST):
            ci.add_job(job(n))
        proxy.blackhole()
        elapsed: list[float] = []
        statuses: list[int] = []
        bodies: list = []
        lock = threading.Lock()

        def one(n: int) -> None:
            client = SlackClient(bot.client.url, slack)
            try:
                status, body, took = client.command(ONCALL, f"{job(n)} during the outage")
            except requests.RequestException:
                status, body, took = 0, None, 10.0
            with lock:
                statuses.append(status)
                bodies.append(body)
                elapsed.append(took)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(BURST)]
        for i, t in enumerate(threads):
            t.start()
            if i % 8 == 7:
                time.sleep(0.1)  # 24 commands within about 0.3 s
        time.sleep(0.3)
        started = time.monotonic()
        try:
            health = requests.get(bot.client.url + "/healthz", timeout=15).status_code
        except requests.RequestException:
            health = 0
        health_took = time.monotonic() - started
        for t in threads:
            t.join(30)
        late = sorted(round(e, 1) for e in elapsed if e >= 3.0)
        assert not late and all(s == 200 for s in statuses), (
            f"{len(late)} of {BURST} commands answered after Slack's 3 s (seconds: {late[:10]}…); statuses {set(statuses)}"
        )
        refused = {"response_type": "ephemeral", "text": NOT_STORED}
        assert all(body == refused for body in bodies), [body for body in bodies if body != refused][:3]
        assert health == 503 and health_took < 5, f"/healthz answered {health} after {health_took:.1f} s"
    finally:
        proxy.failover()
        bot.close()


def test_healthz_answers_within_5_s_while_commands_pile_up_during_an_outage(ci, slack, tmp_path, proxied_url):
    """80 commands in flight during an outage: /healthz answers 503 within 5 s all the same."""
    proxy, url = proxied_url
    bot = Process(bot_env(ci, slack, url, LOG_FORMAT="json"), slack, tmp_path / "bot.log")
    try:
        proxy.blackhole()

        def one(n: int) -> None:
            with contextlib.suppress(requests.RequestException):
                SlackClient(bot.client.url, slack).command(ONCALL, f"{job(n)} during the outage")

        threads = [threading.Thread(target=one, args=(n,)) for n in range(80)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        took = []
        for _ in range(3):
            started = time.monotonic()
            try:
                status = requests.get(bot.client.url + "/healthz", timeout=15).status_code
            except requests.RequestException:
                status = 0
            took.append((status, round(time.monotonic() - started, 1)))
        for t in threads:
            t.join(30)
        assert all(s == 503 and t < 5 for s, t in took), f"/healthz (status, seconds) during the outage: {took}"
    finally:
        proxy.failover()
        bot.close()


def _burst(url: str, bodies: list[bytes]) -> list[tuple[int, float]]:
    """Send every request at once from one thread, as Slack's many servers would, and time each
    from its last byte sent to the first byte of its answer (status, seconds). One thread, not
    one per request: a test process running 160 threads on a busy 2-core machine added most of
    a second of its own to the slowest answers."""
    parts = urllib.parse.urlsplit(url)
    sockets = [socket.create_connection((parts.hostname, parts.port), timeout=10) for _ in bodies]
    sent: dict[socket.socket, float] = {}
    answers: dict[socket.socket, tuple[int, float]] = {}
    with selectors.DefaultSelector() as selector:
        for sock, body in zip(sockets, bodies, strict=True):
            sock.sendall(body)
            sent[sock] = time.monotonic()
            selector.register(sock, selectors.EVENT_READ)
        deadline = time.monotonic() + 15
        while len(answers) < len(sockets) and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=0.5):
                sock = key.fileobj
                took = time.monotonic() - sent[sock]
                first = sock.recv(64)
                status = int(first.split(b" ", 2)[1]) if first.startswith(b"HTTP/") else 0
                answers[sock] = (status, took)
                selector.unregister(sock)
    for sock in sockets:
        sock.close()
    return list(answers.values()) + [(0, 15.0)] * (len(sockets) - len(answers))


def _signed_command(url: str, slack, text: str) -> bytes:
    client = SlackClient(url, slack)
    body = client.command_body(ONCALL, text)
    fields = {"Host": urllib.parse.urlsplit(url).netloc, **client.signed_headers(body), "Content-Length": len(body), "Connection": "close"}
    head = "POST /slack/events HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in fields.items()) + "\r\n"
    return head.encode() + body.encode()


def test_more_commands_than_threads_during_an_outage_are_all_answered_within_3_s(ci, slack, tmp_path, proxied_url):
    """Past the web process's 128 threads, a request waits in gunicorn's queue: its time counts
    from when it was ready to read, so once it gets a thread it is answered at once."""
    proxy, url = proxied_url
    bot = Process(bot_env(ci, slack, url, LOG_FORMAT="json"), slack, tmp_path / "bot.log")
    try:
        proxy.blackhole()
        bodies = [_signed_command(bot.client.url, slack, f"{job(n)} during the outage") for n in range(LISTENER_THREADS + 32)]
        answers = _burst(bot.client.url, bodies)
        late = sorted(round(took, 1) for status, took in answers if status != 200 or took >= 3.0)
        assert len(answers) == len(bodies) and not late, f"{len(late)} of {len(bodies)} answered late or not 200 (seconds: {late[:10]})"
    finally:
        proxy.failover()
        bot.close()
