"""The composition root: builds store, CI client, workflow and Slack app from Settings,
runs the background threads, and serves HTTP mode (gunicorn) or Socket Mode."""

from __future__ import annotations

import json
import logging
import signal
import threading

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from . import metrics
from .config import Settings
from .domain.policy import Policy, PolicyRules
from .domain.workflow import Workflow
from .logs import event
from .outbox import Outbox
from .slack.announcer import AuditPoster, SlackAnnouncer
from .slack.app import create_app
from .slack.directory import SlackGroupDirectory
from .slack.services import Services
from .store import SharedLimiter, Store
from .tencent import CIClient
from .worker import BackgroundWork

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 25  # Heroku sends SIGKILL 30 s after SIGTERM


class Runtime:
    def __init__(self, settings: Settings, sweep_every: float | None = None, outbox_poll: float = 2.0) -> None:
        self.settings = settings
        self.store = Store(settings.database_url)
        self.store.migrate()
        # The limit is for all bot processes together, so it lives in the shared database.
        self.ci = CIClient.from_settings(settings, SharedLimiter(self.store, settings.ci_rate_limit))
        token = settings.slack_bot_token.reveal()
        self.slack = WebClient(token=token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=3)])
        # The outbox handles rate limits itself (it defers instead of blocking).
        audit_client = WebClient(token=token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[])
        self.outbox = Outbox(self.store, AuditPoster(audit_client, settings.audit_channel), poll=outbox_poll)
        self.work = BackgroundWork(settings.worker_threads)
        self.announcer = SlackAnnouncer(self.slack, settings.approval_channel, self.outbox.wake)
        rules = PolicyRules(
            requester_users=settings.requester_users, requester_usergroups=settings.requester_usergroups,
            approver_users=settings.approver_users, approver_usergroups=settings.approver_usergroups,
            allowed_channels=settings.allowed_channels,
        )
        self.workflow = Workflow(
            store=self.store, ci=self.ci, policy=Policy(rules, SlackGroupDirectory(self.slack)),
            announcer=self.announcer, ttl_seconds=settings.approval_ttl_seconds, four_eyes=settings.four_eyes,
        )
        self.app = create_app(settings, Services(self.workflow, self.work, self.announcer, self.slack))
        self.sweep_every = sweep_every or min(5.0, settings.approval_ttl_seconds / 4)
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    # -- background ---------------------------------------------------------------------
    def start(self) -> Runtime:
        self.outbox.start()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="sweeper", daemon=True)
        self._sweeper.start()
        event(log, "bot.started", database=self.store.engine.dialect.name, mode=self.mode)
        return self

    @property
    def mode(self) -> str:
        return "socket" if self.settings.socket_mode else "http"

    def _sweep_loop(self) -> None:
        while not self._stopping.wait(self.sweep_every):
            try:
                self.workflow.sweep()
            except Exception:
                log.exception("sweeper.error")

    def shutdown(self, timeout: float = SHUTDOWN_SECONDS) -> None:
        """Stop taking work, let in-flight cancels finish, post what audit entries we can."""
        if self._stopping.is_set():
            return
        event(log, "bot.stopping", inflight=self.work.inflight)
        self._stopping.set()
        self.work.drain(timeout * 0.7)
        self.outbox.stop(timeout * 0.25)
        event(log, "bot.stopped", unposted_audit=self.store.unposted_count())
        self.ci.close()

    # -- HTTP ---------------------------------------------------------------------------
    def wsgi(self):
        slack = metrics.timed_ack(SlackRequestHandler(self.app))
        scrape = metrics.endpoint(self.settings.metrics_token.reveal(), self.store)

        def application(environ, start_response):
            if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                return self._health(start_response)
            if environ.get("PATH_INFO") == "/metrics":
                return scrape(environ, start_response)
            return slack(environ, start_response)

        return application

    def _health(self, start_response):
        try:
            self.store.ping()
            status, body = "200 OK", {"ok": True, "database": "ok"}
        except Exception as exc:
            status, body = "503 Service Unavailable", {"ok": False, "database": type(exc).__name__}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def run(settings: Settings, mode: str | None = None) -> int:
    mode = mode or ("socket" if settings.socket_mode else "http")
    if mode == "socket":
        return _run_socket(settings)
    return _run_http(settings)


def _run_socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime = Runtime(settings).start()
    if settings.metrics_token:  # no HTTP port for Slack in Socket Mode: /metrics gets its own
        metrics.serve(settings.metrics_token.reveal(), runtime.store, settings.metrics_port)
    handler = SocketModeHandler(runtime.app, settings.slack_app_token.reveal())
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    handler.connect()
    stop.wait()
    handler.close()
    runtime.shutdown()
    return 0


def _run_http(settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from .logs import gunicorn_logger_class

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"0.0.0.0:{settings.port}")
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("workers", 1)  # more processes: run more dynos on PostgreSQL (README)
            self.cfg.set("threads", 32)
            self.cfg.set("graceful_timeout", SHUTDOWN_SECONDS)
            self.cfg.set("timeout", 60)
            self.cfg.set("accesslog", None)
            self.cfg.set("logger_class", gunicorn_logger_class())  # its lines go through our JSON formatter
            self.cfg.set("child_exit", lambda _arbiter, worker: metrics.mark_process_dead(worker.pid))
            self.cfg.set("worker_exit", lambda _arbiter, _worker: runtime_holder and runtime_holder[0].shutdown())

        def load(self):
            runtime = Runtime(settings).start()  # in the worker, after fork: threads live there
            runtime_holder.append(runtime)
            return runtime.wsgi()

    runtime_holder: list[Runtime] = []
    Server().run()
    return 0
