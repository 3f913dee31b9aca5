"""`python -m bot cancel`: an operator's cancel, journaled and audited like any other.

It shares the bots' database (the rate limit, the audit log the bots post), stores the
request and its `started` entry before the first request is sent, records each job as soon
as Tencent answers (printing it then), and on Ctrl-C stops sending, waits for what is in
flight and records the rest as not sent: every job that was sent is in the audit log.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import socket
import sys
import threading
import uuid
from collections.abc import Callable, Sequence

from bot.cli.interrupt import Interrupt
from bot.domain import outcomes as oc
from bot.domain.execution import Executor
from bot.domain.execution_task import EXECUTE, LANE, ExecutePayload, execute_task, finish
from bot.domain.placement import CIPort, pinned
from bot.domain.states import JobOutcome, RequestKind, Result, State
from bot.store import Request, Store, Task
from bot.store.slots import SharedLimiter
from bot.tencent.ratelimit import URGENT
from bot.tencent.results import CINotSent
from bot.work import boot_token

HEARTBEAT_SECONDS = 5.0


def operator_name() -> str:
    """`cli:<login>`, reduced to characters that are safe in Slack mrkdwn and CSV."""
    try:
        login = getpass.getuser()
    except Exception:
        login = "unknown"
    return "cli:" + (re.sub(r"[^A-Za-z0-9._-]", "_", login)[:32] or "unknown")


STOPPED = "stopped (Ctrl-C) before it was sent"


class OperatorCancel:
    def __init__(self, store: Store, ci: CIPort, concurrency: int, stop: Interrupt | None = None) -> None:
        self.store = store
        # No more jobs in flight than the rate limit sends a second: Ctrl-C then stops the rest.
        self.executor = Executor(store, ci, concurrency=concurrency)
        self.worker_id = uuid.uuid4().hex
        self.stop = stop or Interrupt()  # never set unless the caller installed it for signals

    def run(
        self, job_ids: Sequence[str], reason: str, on_outcome: Callable[[JobOutcome], None], target: str | None = None
    ) -> tuple[Request, list[JobOutcome]]:
        """Cancel the jobs (in `target`, if named; else each job's is found); return the request
        and every outcome. Once `stop` is set, nothing more is sent: what is in flight
        finishes, the rest is recorded as not sent."""
        actor = operator_name()
        self.store.work.register_worker(self.worker_id, socket.gethostname(), os.getpid(), boot_token())
        beating = threading.Event()
        threading.Thread(target=self._beat, args=(beating,), name="cli-heartbeat", daemon=True).start()
        threading.Thread(target=self._say_when_stopped, name="cli-interrupt", daemon=True).start()
        try:
            request_id = uuid.uuid4().hex
            request, _ = self.store.requests.create(
                request_id=request_id,
                kind=RequestKind.CLI,
                state=State.APPROVED,
                requester=actor,
                origin_channel="",
                reason=reason,
                job_ids=job_ids,
                ttl=0,
                decided_by=actor,
                tasks=[execute_task(request_id)],
                task_owner=self.worker_id,
                target=target,
                found_in=pinned(self.executor.ci, job_ids, target),  # a bot taking it over acts there or nowhere
            )
            task = Task(0, f"exec:{request_id}", EXECUTE, LANE, None, ExecutePayload(request_id).to_dict(), self.worker_id, 0)
            # In this (main) thread: the signal handler raises nothing, so no step can be cut short.
            outcomes = self.executor.run(task, request, on_outcome=on_outcome, stop=self.stop)
            finish(self.store, task, request, outcomes, [], self.executor.ci)
            self.store.work.complete_task(task.key, self.worker_id)
            return request, outcomes
        finally:
            beating.set()
            self.store.work.retire_worker(self.worker_id)

    def _say_when_stopped(self) -> None:
        if self.stop.wait():
            print(
                "Interrupted: sending nothing more; finishing the jobs in flight (within the CI timeouts) and recording the rest as not sent…",
                file=sys.stderr,
                flush=True,
            )

    def _beat(self, done: threading.Event) -> None:
        while not done.wait(HEARTBEAT_SECONDS):
            with contextlib.suppress(Exception):  # a missed beat only matters if it lasts
                self.store.work.heartbeat(self.worker_id)


class StoppableLimiter:
    """The bots' shared rate limit, giving up its wait once the operator interrupts: a job whose
    turn had not come is not sent, nor one whose turn came just after the interrupt (CINotSent)."""

    def __init__(self, store: Store, limit: int, in_flight: float, stop: Interrupt, account: str = "") -> None:
        self.stop = stop
        self.shared = SharedLimiter(store.slots, limit, in_flight=in_flight, check_stop=self._check, account=account)

    def acquire(self, priority: int = URGENT) -> None:
        self._check()
        self.shared.acquire(priority)
        if self.stop.is_set():  # the last look before the request goes out
            self.shared.done(answered=False)  # the slot taken is given back: nothing was sent
            self._check()

    def done(self, answered: bool, written_at: float | None = None) -> None:
        self.shared.done(answered, written_at)

    def _check(self) -> None:
        if self.stop.is_set():
            raise CINotSent("NotSent", STOPPED)


def describe_outcome(outcome: JobOutcome) -> str:
    """One line per job, as the operator sees it."""
    job = outcome["job_id"]
    if oc.result_of(outcome) is Result.CANCELLED:
        confirmed = " (confirmed by a status query)" if outcome.get("confirmed") else ""
        return (
            f"CANCELLED {job}{_in(outcome)}  DataId={outcome.get('data_id') or '-'} CreationTime={outcome.get('creation_time') or '-'}"
            f" RequestId={outcome.get('request_id') or '-'}{confirmed}"
        )
    label = "UNKNOWN  " if oc.result_of(outcome) is Result.UNKNOWN else "FAILED   "
    request_id = f" (RequestId {outcome['request_id']})" if outcome.get("request_id") else ""
    state = f" job is {outcome['state']};" if outcome.get("state") else ""
    return f"{label} {job}{_in(outcome)}  {outcome.get('code')}: {outcome.get('message')}{request_id}\n         {state} hint: {outcome.get('hint')}"


def _in(outcome: JobOutcome) -> str:
    """With several targets: where the job was acted on (name, bucket, region)."""
    return f" in {outcome['target']}" if outcome.get("target") else ""
