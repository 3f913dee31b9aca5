"""Prometheus metrics: the definitions, one-line recorders for call sites, and `GET /metrics`.

Call sites use the plain functions below (`command`, `ci_request`, `job_outcome`, ...), so
the domain never touches prometheus_client. Gauges about stored state (pending requests,
audit backlog) are read from the database at scrape time: every process reports the same.

gunicorn runs one worker per process today; with more, set PROMETHEUS_MULTIPROC_DIR (before
start) and `/metrics` adds up every worker's samples (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("bot.metrics")  # its name before the move: operators filter JSON lines on `logger`

disable_created_metrics()  # *_created series double the output and no alert here uses them

COMMANDS = Counter("cancel_moderation_commands", "Slash commands, clicks and form submissions, by outcome", ["kind", "outcome"])
CI_REQUESTS = Counter("cancel_moderation_ci_requests", "CI API attempts by operation and answer code", ["operation", "code"])
CI_SECONDS = Histogram(
    "cancel_moderation_ci_request_seconds", "Duration of one CI API attempt", ["operation"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15)
)
RATELIMIT_WAIT = Histogram(
    "cancel_moderation_ratelimit_wait_seconds",
    "Time a CI call waited for the shared rate limit",
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
JOBS = Counter("cancel_moderation_jobs", "Per-job outcomes of cancels", ["outcome"])
ACK_SECONDS = Histogram(
    "cancel_moderation_ack_seconds",
    "Time from a Slack request's arrival to its acknowledgement",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
)
SHED = Counter("cancel_moderation_shed", "Commands, clicks and events refused because the work queue was full", ["kind"])


# -- recorders (one line at each call site) ---------------------------------------------


def command(kind: str, outcome: str) -> None:
    """kind: cancel, status, help, form, approve, deny; outcome: accepted, refused, invalid."""
    COMMANDS.labels(kind, outcome).inc()


def ci_request(operation: str, code: str, seconds: float) -> None:
    """One CI attempt; code is "OK" or Tencent's error code (NetworkError, BadResponse too)."""
    CI_REQUESTS.labels(operation, code).inc()
    CI_SECONDS.labels(operation).observe(seconds)


def ratelimit_wait(seconds: float) -> None:
    RATELIMIT_WAIT.observe(seconds)


def job_outcome(outcome: str) -> None:
    """outcome: cancelled, failed or unknown (one per job)."""
    JOBS.labels(outcome).inc()


def shed(kind: str) -> None:
    """A command, click or event refused unstored: WORK_QUEUE_LIMIT items were waiting already."""
    SHED.labels(kind).inc()


def ack(seconds: float) -> None:
    ACK_SECONDS.observe(seconds)


def timed_ack(app: Callable, arrived: Callable[[dict], float | None] = lambda environ: None) -> Callable:
    """WSGI middleware: Bolt returns the response as soon as the listener acks, so the time
    spent inside `app` is the time to acknowledge; counted from `arrived(environ)` (a
    time.monotonic()) when known, so time spent waiting for a thread is in it too."""

    def timed(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        started = arrived(environ) or time.monotonic()
        try:
            return app(environ, start_response)
        finally:
            ack(time.monotonic() - started)

    return timed


# -- state read from the database at scrape time ----------------------------------------


class StoredState(Collector):
    """Pending requests and the audit backlog, as the shared database says."""

    def __init__(self, store) -> None:
        self.store = store

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            pending, next_expiry = self.store.requests.pending_summary()
            backlog = self.store.audit.unposted_count()
        except Exception as exc:  # a scrape must not fail because the database is down
            log.warning("metrics.database_unavailable", extra={"fields": {"error": type(exc).__name__}})
            return
        yield GaugeMetricFamily("cancel_moderation_pending_requests", "Open approval requests", value=pending)
        if next_expiry is not None:
            yield GaugeMetricFamily(
                "cancel_moderation_pending_expiry_seconds", "Seconds until the first open request expires (absent when none)", value=next_expiry
            )
        yield GaugeMetricFamily("cancel_moderation_audit_backlog", "Audit entries not yet posted to Slack", value=backlog)


class _Default(Collector):
    """This process's counters and histograms (and process_* metrics)."""

    def collect(self):
        yield from REGISTRY.collect()


def scrape_registry(store) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Default())
    registry.register(StoredState(store))
    return registry


def mark_process_dead(pid: int) -> None:
    """gunicorn `child_exit` hook: drop a dead worker's live gauges in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


# -- GET /metrics -----------------------------------------------------------------------


def endpoint(token: str, store) -> Callable:
    """The /metrics WSGI app: 404 without METRICS_TOKEN, 401 without `Authorization: Bearer <token>`."""
    exposition = make_wsgi_app(scrape_registry(store)) if token else None
    expected = f"Bearer {token}".encode()

    def metrics(environ, start_response):
        if exposition is None:
            return _plain(start_response, "404 Not Found", b"not found\n")
        given = environ.get("HTTP_AUTHORIZATION", "").encode()
        if not hmac.compare_digest(given, expected):
            return _plain(start_response, "401 Unauthorized", b"unauthorized\n", [("WWW-Authenticate", "Bearer")])
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return _plain(start_response, "405 Method Not Allowed", b"GET only\n", [("Allow", "GET, HEAD")])
        return exposition(environ, start_response)

    return metrics


def _plain(start_response, status: str, body: bytes, headers: list | None = None) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body))), *(headers or [])])
    return [body]


class _QuietHandler(WSGIRequestHandler):
    timeout = 30  # a connection that sends nothing is closed after this, not kept forever

    def log_message(self, *args) -> None:  # scrapes are not worth a log line each
        return


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per connection: an idle or slow client never blocks the next scrape."""

    daemon_threads = True


def serve(token: str, store, port: int, host: str = "0.0.0.0", routes: dict[str, Callable] | None = None) -> WSGIServer:  # noqa: S104 - scraped from outside
    """Socket Mode opens no HTTP port for Slack: serve /metrics on `port`, on a threaded server,
    with `routes` (path -> WSGI app: Tencent's callbacks) beside it."""
    app = endpoint(token, store)
    others = routes or {}

    def only_metrics(environ, start_response):
        path = environ.get("PATH_INFO")
        if path in others:
            return others[path](environ, start_response)
        if path != "/metrics":
            return _plain(start_response, "404 Not Found", b"not found\n")
        return app(environ, start_response)

    server = make_server(host, port, only_metrics, server_class=_ThreadingServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
