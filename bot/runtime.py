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
from .domain.workflow import CLASSES, LOOKUPS, URGENT, Workflow
from .logs import event
from .outbox import Outbox
from .preflight import preflight
from .slack.app import create_app
from .slack.audit_poster import AuditPoster
from .slack.courier import Courier
from .slack.directory import SlackGroupDirectory
from .slack.services import Services
from .slack.signature import verify_signatures
from .store import SharedLimiter, Store
from .tencent import CIClient
from .worker import WorkQueue

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 25  # Heroku sends SIGKILL 30 s after SIGTERM
SLACK_LANE_THREADS = 8


class Runtime:
    def __init__(
        self,
        settings: Settings,
        sweep_every: float | None = None,
        outbox_poll: float = 2.0,
        heartbeat_every: float = 5.0,
        dead_after: float = 30.0,
        work_poll: float = 1.0,
    ) -> None:
        self.settings = settings
        self.store = Store(settings.database_url)
        self.store.migrate()
        # The limit is for all bot processes together, so it lives in the shared database.
        self.ci = CIClient.from_settings(settings, SharedLimiter(self.store, settings.ci_rate_limit, in_flight=settings.ci_attempt_deadline))
        token = settings.slack_bot_token.reveal()
        self.slack = WebClient(
            token=token,
            base_url=settings.slack_api_url,
            timeout=10,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=3)],
        )
        # Deliveries handle rate limits themselves (the task is retried later instead of a thread sleeping).
        delivery_client = WebClient(token=token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[])
        self.work = WorkQueue(
            self.store,
            {URGENT: settings.worker_threads, LOOKUPS: max(2, settings.worker_threads // 4), "slack": SLACK_LANE_THREADS},
            heartbeat_every=heartbeat_every,
            dead_after=dead_after,
            poll=work_poll,
            queue_limit=settings.work_queue_limit,
        )
        self.outbox = Outbox(
            self.store, AuditPoster(delivery_client, settings.audit_channel, self._approval_message), worker_id=lambda: self.work.id, poll=outbox_poll
        )
        rules = PolicyRules(
            requester_users=settings.requester_users,
            requester_usergroups=settings.requester_usergroups,
            approver_users=settings.approver_users,
            approver_usergroups=settings.approver_usergroups,
            allowed_channels=settings.allowed_channels,
        )
        self.workflow = Workflow(
            store=self.store,
            ci=self.ci,
            policy=Policy(rules, SlackGroupDirectory(self.slack)),
            ttl_seconds=settings.approval_ttl_seconds,
            four_eyes=settings.four_eyes,
            max_pending=settings.max_pending_per_user,
            reminder_seconds=settings.reminder_seconds,
            wake=self._wake,
            lookup_concurrency=settings.ci_rate_limit,
            execution_concurrency=settings.ci_rate_limit,
        )
        self.work.register(self.workflow.handlers(), CLASSES)
        self.work.register(
            Courier(
                delivery_client, self.store, settings.approval_channel, mention=oncall_mention(settings), home_data=self.workflow.home_for
            ).handlers()
        )
        self.app = create_app(settings, Services(self.workflow, self.work, self.slack))
        self.sweep_every = sweep_every or min(5.0, settings.approval_ttl_seconds / 4)
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _approval_message(self, request_id: str) -> tuple[str, str] | None:
        request = self.store.get_request(request_id)
        return (request.message_channel, request.message_ts) if request and request.message_ts else None

    def _wake(self) -> None:
        self.work.wake()
        self.outbox.wake()

    # -- background ---------------------------------------------------------------------
    def start(self) -> Runtime:
        self.work.start()
        self.outbox.start()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="sweeper", daemon=True)
        self._sweeper.start()
        event(log, "bot.started", database=self.store.engine.dialect.name, mode=self.mode, worker=self.work.id)
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
        """Stop taking work, let running tasks finish, hand back the rest, post what audit entries we can."""
        if self._stopping.is_set():
            return
        event(log, "bot.stopping", inflight=self.work.inflight)
        self._stopping.set()
        self.work.shutdown(timeout * 0.7, before_retiring=lambda: self.outbox.stop(timeout * 0.25))
        event(log, "bot.stopped", unposted_audit=self.store.unposted_count(), open_tasks=self.store.open_task_count())
        self.ci.close()

    def halt(self) -> None:
        """Stop every thread without handing anything back (tests: as a kill -9 would)."""
        self._stopping.set()
        self.work.halt()
        self.outbox.halt()

    # -- HTTP ---------------------------------------------------------------------------
    def wsgi(self):
        slack = metrics.timed_ack(SlackRequestHandler(self.app))
        if self.settings.slack_signing_secret:  # refused before Bolt, which would log the whole body
            slack = verify_signatures(slack, self.settings.slack_signing_secret.reveal())
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


def oncall_mention(settings: Settings) -> str:
    """How approval messages and reminders call on-call: their user groups, else the users."""
    if settings.approver_usergroups:
        return " ".join(f"<!subteam^{group}>" for group in sorted(settings.approver_usergroups))
    return " ".join(f"<@{user}>" for user in sorted(settings.approver_users))


def run(settings: Settings, mode: str | None = None) -> int:
    mode = mode or ("socket" if settings.socket_mode else "http")
    preflight(settings, mode)  # database and Slack tokens, before any fork or thread: one message, not a traceback
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
