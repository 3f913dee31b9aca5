"""Losing the database: the real bot with DATABASE_URL through a TCP proxy to PostgreSQL that
black-holes, refuses, slows answers or fails over to fresh connections (the far side of the
wire, played by tests/fakes); and SQLite held by another process longer than Slack waits.

The proxy tests are PostgreSQL only: these faults are PostgreSQL's network."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import urllib.parse

import pytest
import sqlalchemy as sa

from bot.slack.services import NOT_STORED
from bot.store.schema import tasks_table
from tests.conftest import job
from tests.fakes.tcp_proxy import TCPProxy
from tests.harness import CHANNEL, MOD, ONCALL, Bot, bot_env, reset_database

RECOVERY_SECONDS = 45  # the contract: back by itself within this after a failover


@pytest.fixture
def proxy():
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    url = urllib.parse.urlsplit(os.environ["TEST_DATABASE_URL"])
    reset_database(os.environ["TEST_DATABASE_URL"])
    server = TCPProxy(url.hostname or "127.0.0.1", url.port or 5432).start()
    yield server
    server.stop()


@pytest.fixture
def make_proxied_bot(ci, slack, proxy):
    url = urllib.parse.urlsplit(os.environ["TEST_DATABASE_URL"])
    auth = f"{url.username}@" if url.username else ""
    proxied = urllib.parse.urlunsplit((url.scheme, f"{auth}127.0.0.1:{proxy.port}", url.path, url.query, ""))
    bots = []

    def make(**runtime_options) -> Bot:
        bot = Bot(bot_env(ci, slack, proxied), slack, **runtime_options)
        bots.append(bot)
        return bot

    yield make
    proxy.failover()  # let the bot say goodbye to a database that answers
    for bot in bots:
        bot.stop()


def healthz(bot) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = bot.http.get(bot.url + "/healthz", timeout=10)
    return response.status_code, response.json(), time.monotonic() - started


def wait_healthy(bot, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, body, _ = healthz(bot)
        if status == 200:
            return body
        assert time.monotonic() < deadline, f"not healthy after {timeout} s: {body}"
        time.sleep(0.5)  # polling an HTTP endpoint, as a load balancer does


def command_until_taken(bot, text: str, since: float) -> None:
    """Send the command until the bot takes it; each answer comes in time: taken, or refused to the caller."""
    while True:
        status, body, elapsed = bot.command(ONCALL, text)
        assert status == 200 and elapsed < 3, (status, elapsed)
        if "Working on 1 job" in json.dumps(body):
            return
        assert body == {"response_type": "ephemeral", "text": NOT_STORED}, body
        assert time.monotonic() - since < RECOVERY_SECONDS, "no command taken within the recovery time"
        time.sleep(0.5)  # the caller tries again, as told


def cancel_works(bot, ci, slack, n: int, since: float | None = None) -> None:
    """A cancel is taken and carried out; `since`: the database came back then (retry until taken)."""
    ci.add_job(job(n))
    command_until_taken(bot, f"{job(n)} check the database", since or time.monotonic())
    slack.wait_for(lambda: ci.jobs[job(n)].state == "Cancelled", timeout=RECOVERY_SECONDS, what=f"job {n} cancelled")


def test_healthz_answers_503_naming_the_database_while_a_connection_black_holes(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot()
    cancel_works(bot, ci, slack, 1)
    assert healthz(bot)[0] == 200
    proxy.blackhole()
    for _ in range(2):  # the second request does not pile a second probe onto the hung one
        status, body, elapsed = healthz(bot)
        assert status == 503 and body["failing"][0] == "database" and body["database"] != "ok", body
        assert elapsed < 5, elapsed


def test_healthz_names_a_loop_that_stopped_making_progress(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot(stale_after=2.0)
    assert healthz(bot)[0] == 200
    proxy.blackhole()  # the work loop now waits on the database (up to the client-side limit a call)

    def stalled():
        status, body, _ = healthz(bot)
        return status == 503 and "work-loop" in body["failing"] and body["loops"]["work-loop"].startswith("stalled")

    slack.wait_for(stalled, timeout=15, what="/healthz naming the work loop")


def test_a_command_while_the_database_black_holes_is_refused_to_the_caller_and_never_done(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot()
    cancel_works(bot, ci, slack, 1)
    ci.add_job(job(2))
    proxy.blackhole()
    status, body, elapsed = bot.command(ONCALL, f"{job(2)} stop it")
    assert status == 200 and elapsed < 3, (status, elapsed)
    assert body == {"response_type": "ephemeral", "text": NOT_STORED}
    proxy.failover()  # the database is back (behind new connections)
    back = time.monotonic()
    wait_healthy(bot, RECOVERY_SECONDS)
    cancel_works(bot, ci, slack, 3, since=back)  # a later command runs: the refused one would have run first
    assert ci.jobs[job(2)].state != "Cancelled" and not ci.requests_for(f"cancel_auditing/{job(2)}")


def test_a_click_while_the_database_black_holes_is_refused_to_the_clicker_and_never_done(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot()
    ci.add_job(job(1))
    bot.command(MOD, f"{job(1)} please stop")
    request_id = bot.request_id_from_approval()
    proxy.blackhole()
    status, _, elapsed = bot.click(ONCALL, "approve_request", request_id, response_name="approve")
    assert status == 200 and elapsed < 3, (status, elapsed)
    told = slack.wait_response(lambda c: c.method.endswith("approve"), timeout=5)
    assert told.args["text"] == NOT_STORED and told.args["response_type"] == "ephemeral"
    proxy.failover()
    back = time.monotonic()
    wait_healthy(bot, RECOVERY_SECONDS)
    cancel_works(bot, ci, slack, 2, since=back)
    assert bot.runtime.store.requests.get(request_id).state == "pending"
    assert ci.jobs[job(1)].state != "Cancelled"


def test_the_bot_recovers_by_itself_after_a_failover(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot()
    cancel_works(bot, ci, slack, 1)
    ci.add_job(job(2))
    failed_over = time.monotonic()
    proxy.failover()  # the old connections hang for good; new ones reach the (new) server
    command_until_taken(bot, f"{job(2)} after the failover", since=failed_over)
    slack.wait_for(lambda: ci.jobs[job(2)].state == "Cancelled", timeout=RECOVERY_SECONDS, what="the accepted command carried out")
    wait_healthy(bot, RECOVERY_SECONDS)
    # Its result too is posted within the recovery time (a task caught on a cut connection is
    # retried). Job 1's result may itself have been caught by the failover, so either comes first.
    left = RECOVERY_SECONDS - (time.monotonic() - failed_over)

    def results_for(n: int) -> list:
        return [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if job(n) in json.dumps(c.args.get("blocks"))]

    slack.wait_for(lambda: results_for(2), timeout=max(0.1, left), what="job 2's result posted")
    assert time.monotonic() - failed_over < RECOVERY_SECONDS
    slack.wait_for(lambda: results_for(1), timeout=RECOVERY_SECONDS, what="job 1's result posted")
    assert len(results_for(1)) == 1 and len(results_for(2)) == 1  # the retries doubled neither


def test_a_refused_connection_is_seen_at_once_and_survived(make_proxied_bot, proxy, ci, slack):
    bot = make_proxied_bot()
    cancel_works(bot, ci, slack, 1)
    proxy.refuse()
    status, body, elapsed = healthz(bot)
    assert status == 503 and body["failing"] == ["database"] and elapsed < 5, body
    ci.add_job(job(2))
    status, body, elapsed = bot.command(ONCALL, f"{job(2)} while refused")
    assert status == 200 and body["text"] == NOT_STORED and elapsed < 3, (body, elapsed)
    proxy.forward()
    back = time.monotonic()
    wait_healthy(bot, RECOVERY_SECONDS)
    cancel_works(bot, ci, slack, 3, since=back)
    assert ci.jobs[job(2)].state != "Cancelled"


def test_a_command_stored_after_its_caller_heard_no_is_never_carried_out(make_proxied_bot, proxy, ci, slack):
    """The answer to the write comes too late for Slack's 3 s: the caller hears "not stored", so
    the task, stored after all, must never run."""
    bot = make_proxied_bot()
    cancel_works(bot, ci, slack, 1)
    ci.add_job(job(2))
    proxy.slow_answers(1.2)  # each round trip to the database now takes 1.2 s
    status, body, elapsed = bot.command(ONCALL, f"{job(2)} stored too late")
    assert status == 200 and elapsed < 3, (status, elapsed)
    assert body == {"response_type": "ephemeral", "text": NOT_STORED}
    direct = sa.create_engine(os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))

    def stored_task():
        with direct.connect() as conn:
            return conn.execute(sa.select(tasks_table).where(tasks_table.c.payload.contains(job(2)))).first()

    slack.wait_for(stored_task, timeout=20, what="the command's task stored after all")
    task = slack.wait_for(lambda: (lambda t: t if t.done_at else None)(stored_task()), timeout=30, what="the late task marked done")
    direct.dispose()
    assert task.error.startswith("not taken")
    proxy.forward()
    cancel_works(bot, ci, slack, 3, since=time.monotonic())
    assert not ci.requests_for(f"cancel_auditing/{job(2)}") and ci.jobs[job(2)].state != "Cancelled"


def test_a_command_while_another_process_holds_sqlite_is_refused_and_never_done(ci, slack, tmp_path):
    bot = Bot(bot_env(ci, slack, f"sqlite:///{tmp_path}/bot.db"), slack)
    try:
        cancel_works(bot, ci, slack, 1)
        ci.add_job(job(2))
        other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writes, for longer than Slack waits
        status, body, elapsed = bot.command(ONCALL, f"{job(2)} while locked")
        assert status == 200 and elapsed < 3, (status, elapsed)
        assert body == {"response_type": "ephemeral", "text": NOT_STORED}
        other.execute("COMMIT")  # the bot's write, still waiting its turn, now lands
        other.close()
        store = bot.runtime.store
        task = slack.wait_for(
            lambda: next((t for t in store_tasks(store) if job(2) in t.payload and t.done_at), None), timeout=20, what="the late task marked done"
        )
        assert task.error.startswith("not taken")
        cancel_works(bot, ci, slack, 3, since=time.monotonic())
        assert not ci.requests_for(f"cancel_auditing/{job(2)}") and ci.jobs[job(2)].state != "Cancelled"
    finally:
        bot.stop()


def store_tasks(store) -> list:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(tasks_table)).all()
