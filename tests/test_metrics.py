"""GET /metrics, scraped the way Prometheus does, after driving the bot the way Slack does.

Counters live for the whole test process (several bots run in it), so tests compare a scrape
before and after; gauges read from the bot's own database are compared exactly.
"""

from __future__ import annotations

import socket

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from bot.observe import metrics
from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, ONCALL2

TOKEN = "metrics-token-for-tests"


class Scrape:
    def __init__(self, text: str) -> None:
        self.samples = [s for family in text_string_to_metric_families(text) for s in family.samples]

    def value(self, name: str, **labels: str) -> float:
        """Sum of the samples called `name` whose labels include `labels` (0 when none)."""
        return sum(s.value for s in self.samples if s.name == name and labels.items() <= s.labels.items())

    def names(self) -> set[str]:
        return {s.name for s in self.samples}


def scrape(url: str, token: str = TOKEN) -> Scrape:
    response = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return Scrape(response.text)


@pytest.fixture
def bot(make_bot):
    return make_bot(METRICS_TOKEN=TOKEN)


def test_metrics_answer_only_the_bearer_token(bot):
    assert requests.get(f"{bot.url}/metrics", timeout=10).status_code == 401
    wrong = requests.get(f"{bot.url}/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    basic = requests.get(f"{bot.url}/metrics", headers={"Authorization": TOKEN}, timeout=10)
    assert basic.status_code == 401
    assert TOKEN in bot.settings.secrets()  # so the log redactor removes it


def test_no_metrics_endpoint_without_a_token(make_bot):
    bot = make_bot()
    response = requests.get(f"{bot.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 404


def test_a_direct_cancel_is_counted_end_to_end(bot, ci, slack):
    ci.add_job(job(1))
    ci.add_job(job(2), state="Success")  # already finished: InvalidArgument
    before = scrape(bot.url)
    status, _, _ = bot.command(ONCALL, f"{job(1)} {job(2)} counted")
    assert status == 200
    slack.wait_calls("chat.postMessage", channel=CHANNEL)
    after = scrape(bot.url)

    def delta(name, **labels):
        return after.value(name, **labels) - before.value(name, **labels)

    assert delta("cancel_moderation_commands_total", kind="cancel", outcome="accepted") == 1
    assert delta("cancel_moderation_ci_requests_total", operation="cancel", code="OK") == 1
    assert delta("cancel_moderation_ci_requests_total", operation="cancel", code="InvalidArgument") == 1
    assert delta("cancel_moderation_ci_request_seconds_count", operation="cancel") == 2
    assert delta("cancel_moderation_ratelimit_wait_seconds_count") == 2
    assert delta("cancel_moderation_jobs_total", outcome="cancelled") == 1
    assert delta("cancel_moderation_jobs_total", outcome="failed") == 1
    assert delta("cancel_moderation_ack_seconds_count") == 1
    assert "process_resident_memory_bytes" in after.names()


def test_invalid_and_refused_commands_and_clicks_are_counted(bot, ci, slack):
    ci.add_job(job(3))
    before = scrape(bot.url)
    bot.command(ONCALL, "av123/../x because")  # not a job ID: refused at once
    bot.command(MOD, f"{job(3)} please")  # a requester asks
    request_id = bot.request_id_from_approval()
    bot.click(MOD, "approve_request", request_id)  # own request: refused
    slack.wait_calls("chat.postMessage", channel=AUDIT, count=2)  # requested, refused
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_calls("chat.update", channel=APPROVALS, count=2)
    bot.click(ONCALL2, "approve_request", request_id)  # already approved: refused
    slack.wait_for(
        lambda: (
            scrape(bot.url).value("cancel_moderation_commands_total", kind="approve", outcome="refused")
            - before.value("cancel_moderation_commands_total", kind="approve", outcome="refused")
            == 2
        ),
        what="the late click to be counted",
    )
    after = scrape(bot.url)

    def delta(**labels):
        return after.value("cancel_moderation_commands_total", **labels) - before.value("cancel_moderation_commands_total", **labels)

    assert delta(kind="cancel", outcome="invalid") == 1
    assert delta(kind="cancel", outcome="accepted") == 1
    assert delta(kind="approve", outcome="accepted") == 1
    assert after.value("cancel_moderation_ci_requests_total", operation="describe", code="OK") >= 1


def test_stored_state_gauges_come_from_the_database(bot, ci, slack):
    ci.add_job(job(4))
    slack.rate_limit("chat.postMessage", times=50, retry_after=30, channel=AUDIT)  # audit posts wait
    bot.command(MOD, f"{job(4)} keep it pending")
    bot.request_id_from_approval()
    store = bot.runtime.store
    slack.wait_for(lambda: store.audit.unposted_count() >= 1, what="an audit entry waiting")
    now = scrape(bot.url)
    assert now.value("cancel_moderation_pending_requests") == 1
    assert now.value("cancel_moderation_audit_backlog") == store.audit.unposted_count()
    ttl = bot.settings.approval_ttl_seconds
    assert 0 < now.value("cancel_moderation_pending_expiry_seconds") <= ttl


def test_socket_mode_serves_metrics_on_its_own_port(bot):
    server = metrics.serve(TOKEN, bot.runtime.store, port=0, host="127.0.0.1")
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
        assert requests.get(f"{url}/slack/events", timeout=10).status_code == 404
        assert "cancel_moderation_pending_requests" in scrape(url).names()
    finally:
        server.shutdown()
        server.server_close()


def test_socket_mode_metrics_answer_while_connections_sit_idle(bot):
    """A scraper (or a port scanner) that opens a connection and sends nothing must not block
    the next scrape: the server handles each connection in its own thread."""
    server = metrics.serve(TOKEN, bot.runtime.store, port=0, host="127.0.0.1")
    idle = []
    try:
        address = ("127.0.0.1", server.server_address[1])
        idle = [socket.create_connection(address, timeout=10) for _ in range(2)]
        idle[1].sendall(b"GET /metrics HTTP/1.1\r\n")  # half a request, never finished
        assert "cancel_moderation_pending_requests" in scrape(f"http://{address[0]}:{address[1]}").names()
    finally:
        for conn in idle:
            conn.close()
        server.shutdown()
        server.server_close()
