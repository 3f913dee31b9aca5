"""The composition root: builds store, CI client, workflow and Slack app from Settings,
runs the background threads, and serves HTTP mode (gunicorn) or Socket Mode."""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import threading

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.domain import announce
from bot.domain.announce import HOME_LANE
from bot.domain.kinds import CLASSES, LANES, LOOKUPS, RETRIED_FOREVER, URGENT
from bot.domain.policy import Policy, PolicyRules, TargetOnCall
from bot.domain.proposals import CLASSES as PROPOSAL_CLASSES
from bot.domain.proposals import LANES as PROPOSAL_LANES
from bot.domain.proposals import Proposals
from bot.domain.retention import Retention
from bot.domain.workflow import Workflow
from bot.observe import metrics
from bot.observe.logs import event
from bot.serve import callback
from bot.serve.health import STALE_AFTER_SECONDS, DatabaseProbe, report
from bot.serve.preflight import preflight
from bot.serve.stop_budget import BURY_WAIT_SECONDS, StopBudget, exit_now
from bot.slack.app import LISTENER_THREADS, create_app
from bot.slack.arrival import ARRIVED, ArrivalRequestHandler, stamp_arrival
from bot.slack.audit_poster import AuditPoster
from bot.slack.courier import Courier
from bot.slack.directory import SlackGroupDirectory
from bot.slack.escalation_courier import EscalationCourier
from bot.slack.services import Services
from bot.slack.signature import verify_signatures
from bot.store import SharedLimiter, Store, writes_first
from bot.tencent.targets import CITargets
from bot.work import Heartbeat, Outbox, WorkQueue, boot_token

log = logging.getLogger(__name__)

SLACK_LANE = announce.LANE  # the announcements, delivered even while stopping
SLACK_LANE_THREADS = 8
HOME_LANE_THREADS = 2  # Home publishes: the lowest class, apart from the announcements
#: gunicorn's graceful timeout is this much longer than SHUTDOWN_GRACE_SECONDS: it never cuts
#: the drain short (it kills a worker still running then; the drain has ended before).
GRACEFUL_MARGIN = 5


class Runtime:
    def __init__(
        self,
        settings: Settings,
        sweep_every: float | None = None,
        outbox_poll: float = 2.0,
        heartbeat_every: float | None = None,
        dead_after: float | None = None,
        work_poll: float = 1.0,
        stale_after: float = STALE_AFTER_SECONDS,
    ) -> None:
        self.settings = settings
        self.store = Store(settings.database_url)
        self.store.migrate()
        # The limit is for all bot processes together, so it lives in the shared database; one per account (APPID).
        self.ci = CITargets.from_settings(settings, self._account_limiter)
        token = settings.slack_bot_token.reveal()
        self.slack = WebClient(
            token=token,
            base_url=settings.slack_api_url,
            timeout=10,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=3)],
        )
        # Deliveries handle rate limits themselves (the task is retried later instead of a thread sleeping).
        delivery_client = WebClient(token=token, base_url=settings.slack_api_url, timeout=10, retry_handlers=[])
        heartbeat_every = heartbeat_every or settings.heartbeat_seconds
        dead_after = dead_after or settings.presumed_dead_seconds
        self.work = WorkQueue(
            self.store.work,
            {
                URGENT: settings.worker_threads,
                LOOKUPS: max(2, settings.worker_threads // 4),
                SLACK_LANE: SLACK_LANE_THREADS,
                HOME_LANE: HOME_LANE_THREADS,
            },
            heartbeat_every=heartbeat_every,
            dead_after=dead_after,
            poll=work_poll,
            queue_limit=settings.work_queue_limit,
            drain_lanes=[SLACK_LANE],  # what finished tasks announced is delivered before we stop
            first_writes=writes_first,  # a decision's writes never queue behind Home refreshes
        )
        # A post needs a heartbeat fresh enough that nobody may take over for dead_after / 2 seconds after it.
        self.fresh = dead_after / 2
        self.outbox = Outbox(
            self.store.audit,
            self.store.work,
            AuditPoster(delivery_client, settings.audit_channel, self._approval_message),
            worker_id=lambda: self.work.id,
            poll=outbox_poll,
            fresh=self.fresh,
        )
        rules = PolicyRules(
            requester_users=settings.requester_users,
            requester_usergroups=settings.requester_usergroups,
            approver_users=settings.approver_users,
            approver_usergroups=settings.approver_usergroups,
            allowed_channels=settings.allowed_channels,
            target_oncall=target_oncall(settings),
            escalation_users=settings.escalation_users,
            escalation_usergroups=settings.escalation_usergroups,
        )
        self.workflow = Workflow(
            store=self.store,
            ci=self.ci,
            policy=Policy(rules, SlackGroupDirectory(self.slack)),
            ttl_seconds=settings.approval_ttl_seconds,
            four_eyes=settings.four_eyes,
            max_pending=settings.max_pending_per_user,
            reminder_seconds=settings.reminder_seconds,
            escalate_after_seconds=settings.escalate_after_seconds,
            wake=self._wake,
            run_now=self._run_now,
            lookup_concurrency=settings.ci_rate_limit,
            execution_concurrency=settings.ci_rate_limit,
        )
        self.work.register(self.workflow.handlers(), CLASSES, LANES, retry_forever=RETRIED_FOREVER)
        # Moderation callbacks (CALLBACK_TOKEN): stored as hints, looked into at the lowest class.
        self.callbacks = callback.CallbackIntake(settings.callback_token.reveal(), self.work)
        proposals = Proposals(self.workflow, settings.propose_results, settings.proposal_cooldown_seconds, started=self.callbacks.started)
        # A callback acknowledged is never lost: its look is retried (backing off) until CI answers.
        self.work.register(proposals.handlers(), PROPOSAL_CLASSES, PROPOSAL_LANES, retry_forever=proposals.handlers())
        courier = Courier(
            delivery_client,
            self.store,
            settings.approval_channel,
            mention=oncall_mention(settings),
            target_mentions={t.target: t.mention for t in rules.target_oncall},
            home_data=self.workflow.home_for,
            home_audience=self.workflow.home_audience,
            fresh=self.fresh,
            card_evidence=self.workflow.card_evidence,
        )
        # Deliveries are never given up: a post Slack keeps refusing is retried, not dropped.
        self.work.register({**courier.handlers(), **EscalationCourier(courier).handlers()}, retry_forever=announce.KINDS)
        self.app = create_app(settings, Services(self.workflow, self.work, self.slack))
        self.retention = Retention(self.store, settings.retention_days)
        self.sweep_every = sweep_every or min(5.0, settings.approval_ttl_seconds / 4)
        self._stopping = threading.Event()
        self.budget = StopBudget(settings.shutdown_grace_seconds)
        self._sweeper: threading.Thread | None = None
        self._sweeper_beat = Heartbeat()
        self.stale_after = stale_after  # /healthz: a loop silent this long is stalled
        self._probe = DatabaseProbe(self.store.ping)

    def _account_limiter(self, appid: str) -> SharedLimiter:
        return SharedLimiter(self.store.slots, self.settings.ci_rate_limit, in_flight=self.settings.ci_attempt_deadline, account=appid)

    def _approval_message(self, request_id: str) -> tuple[str, str] | None:
        request = self.store.requests.get(request_id)
        if request is None or not (request.message_channel and request.message_ts):
            return None
        return request.message_channel, request.message_ts

    def _wake(self) -> None:
        self.work.wake()
        self.outbox.wake()

    def _run_now(self, keys: list[str]) -> None:
        self.work.run_now(keys)  # the buttons go first; the decision's audit entry is posted after
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
                self.retention.maybe_prune()
            except Exception:
                log.exception("sweeper.error")
            self._sweeper_beat.beat()

    def stop_requested(self) -> None:
        """SIGTERM arrived (called in the signal handler): the budget counts from now, and the
        process exits within it even if the drain gets stuck."""
        if self.budget.deadline is None:
            self.budget.start()
            self.budget.guard()

    def shutdown(self, timeout: float | None = None) -> None:
        """Stop taking work, let running tasks finish, post what audit entries we can, hand back
        the rest: all by the budget's one deadline (from SIGTERM; else `timeout` or the grace from now)."""
        if self._stopping.is_set():
            return
        budget = self.budget
        deadline = budget.start(timeout)
        event(log, "bot.stopping", inflight=self.work.inflight, seconds_left=round(budget.left(deadline), 1))
        self._stopping.set()
        self.work.shutdown(budget.drain_until, before_retiring=lambda: self.outbox.stop(budget.left(budget.audit_until)))
        event(log, "bot.stopped", unposted_audit=self.store.audit.unposted_count(), open_tasks=self.store.work.open_task_count())
        self.ci.close()
        budget.done.set()

    def halt(self) -> None:
        """Stop every thread without handing anything back (tests: as a kill -9 would)."""
        self._stopping.set()
        self.work.halt()
        self.outbox.halt()

    # -- HTTP ---------------------------------------------------------------------------
    def wsgi(self):
        slack = metrics.timed_ack(ArrivalRequestHandler(self.app), arrived=lambda environ: environ.get(ARRIVED))
        if self.settings.slack_signing_secret:  # refused before Bolt, which would log the whole body
            slack = verify_signatures(slack, self.settings.slack_signing_secret.reveal())
        scrape = metrics.endpoint(self.settings.metrics_token.reveal(), self.store)

        def application(environ, start_response):
            if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                return self._health(start_response)
            if environ.get("PATH_INFO") == "/metrics":
                return scrape(environ, start_response)
            if environ.get("PATH_INFO") == callback.PATH:
                return self.callbacks(environ, start_response)
            return slack(environ, start_response)

        return stamp_arrival(application)

    def health(self) -> tuple[bool, dict]:
        """Whether the database answers (within a few seconds) and every background loop progresses."""
        loops = {"work-loop": self.work.heartbeat, "audit-outbox": self.outbox.heartbeat, "sweeper": self._sweeper_beat}
        return report(self._probe.check(), loops, self.stale_after)

    def _health(self, start_response):
        healthy, body = self.health()
        if not healthy:
            event(log, "health.failing", logging.WARNING, failing=body["failing"], database=body["database"])
        status = "200 OK" if healthy else "503 Service Unavailable"
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


def oncall_mention(settings: Settings) -> str:
    """How approval messages and reminders call on-call: their user groups, else the users."""
    if settings.approver_usergroups:
        return " ".join(f"<!subteam^{group}>" for group in sorted(settings.approver_usergroups))
    return " ".join(f"<@{user}>" for user in sorted(settings.approver_users))


def target_oncall(settings: Settings) -> tuple[TargetOnCall, ...]:
    """The targets with their own on-call (CI_TARGET_<NAME>_APPROVER_*)."""
    return tuple(TargetOnCall(t.name, t.approver_users, t.approver_usergroups) for t in settings.targets if t.own_oncall)


def run(settings: Settings, mode: str | None = None) -> int:
    mode = mode or ("socket" if settings.socket_mode else "http")
    preflight(settings, mode)  # database and Slack tokens, before any fork or thread: one message, not a traceback
    if mode == "socket":
        return _run_socket(settings)
    return _run_http(settings)


def _run_socket(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    runtime = Runtime(settings).start()
    if settings.metrics_token or settings.callback_token:  # no HTTP port for Slack in Socket Mode: /metrics gets its own
        metrics.serve(settings.metrics_token.reveal(), runtime.store, settings.metrics_port, routes={callback.PATH: runtime.callbacks})
    handler = SocketModeHandler(runtime.app, settings.slack_app_token.reveal())
    stop = threading.Event()

    def on_signal(*_) -> None:
        runtime.stop_requested()
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    handler.connect()
    stop.wait()
    handler.close()
    runtime.shutdown()
    exit_now(0)  # threads still on a CI call hold nothing unstored; Python's exit would wait for them
    return 0


def _child_exited(settings: Settings, pid: int) -> None:
    """In the gunicorn master, when a worker process has exited (the OOM killer, say): its work
    is free at once, for the worker started in its place. The parent saw the exit, so this is
    certain, unlike a PID looked up on a host, which another container may be using.

    The burial runs on a daemon thread the master waits for only briefly: with the database
    away, connecting alone would hold the master (and so a SIGTERM's exit) past the stop
    budget. A worker that stopped cleanly has retired itself already, and the heartbeat
    timeout frees the work of any other anyway."""
    metrics.mark_process_dead(pid)
    burial = threading.Thread(target=_bury, args=(settings.database_url, pid), name="bury", daemon=True)
    burial.start()
    burial.join(BURY_WAIT_SECONDS)


def _bury(database_url: str, pid: int) -> None:
    store = None
    try:
        store = Store(database_url)
        dead = store.work.bury_process(boot_token(pid))
        if dead:
            event(log, "work.reaped", workers=dead)
    except Exception:  # the heartbeat timeout frees the work anyway
        log.exception("work.bury_failed")
    finally:
        if store:
            store.close()


def gunicorn_options(settings: Settings) -> dict:
    return {
        "bind": f"0.0.0.0:{settings.port}",
        "worker_class": "bot.serve.web_worker.ArrivalThreadWorker",  # gthread, noting when each request is ready
        "workers": 1,  # more processes: run more dynos on PostgreSQL (docs/operations.md)
        "threads": LISTENER_THREADS,  # a burst of Slack requests each holds one (and a listener)
        # Longer than our whole drain, so it never cuts it short.
        "graceful_timeout": math.ceil(settings.shutdown_grace_seconds + GRACEFUL_MARGIN),
        "timeout": 60,
        "accesslog": None,
    }


def _run_http(settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from bot.observe.logs import gunicorn_logger_class

    class Server(BaseApplication):
        def load_config(self) -> None:
            for name, value in gunicorn_options(settings).items():
                self.cfg.set(name, value)
            self.cfg.set("logger_class", gunicorn_logger_class())  # its lines go through our JSON formatter
            self.cfg.set("child_exit", lambda _arbiter, worker: _child_exited(settings, worker.pid))
            self.cfg.set("post_worker_init", lambda worker: _count_from_sigterm(runtime_holder[0]) if runtime_holder else None)
            self.cfg.set("worker_exit", lambda _arbiter, worker: _stop_worker(runtime_holder, worker))

        def load(self):
            runtime = Runtime(settings).start()  # in the worker, after fork: threads live there
            runtime_holder.append(runtime)
            return runtime.wsgi()

    runtime_holder: list[Runtime] = []
    Server().run()
    return 0


def _count_from_sigterm(runtime: Runtime) -> None:
    """In the worker: the budget starts when SIGTERM arrives, not when gunicorn has finished
    its HTTP requests (it calls worker_exit only then)."""
    gunicorn_handler = signal.getsignal(signal.SIGTERM)

    def on_sigterm(sig, frame) -> None:
        runtime.stop_requested()
        if callable(gunicorn_handler):  # gunicorn's own handler; never SIG_DFL in a worker
            gunicorn_handler(sig, frame)

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn set it: requests in progress are not disturbed


def _stop_worker(runtime_holder: list[Runtime], worker) -> None:
    """gunicorn calls worker_exit in the worker (and in the master, which holds no Runtime)."""
    if not runtime_holder or worker.pid != os.getpid():
        return
    runtime_holder[0].shutdown()
    exit_now(0)
