"""Executing an approved request: one send per job unless its outcome is unknown, each
outcome journaled as soon as it is known, only by the current holder of the execution."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from bot.domain import outcomes as oc
from bot.domain.checked import newest_evidence, shows_ended, stored_statuses
from bot.domain.evidence import EvidenceCache, is_running
from bot.domain.execution_task import holder
from bot.domain.outcomes import StatusAnswer
from bot.domain.placement import CIPort, Guard, PlacingMixin, place_of
from bot.domain.states import JobOutcome, Result
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import JobRecord, Request, Store, Task, writes_first
from bot.tencent.ratelimit import URGENT, calls_at, resends_checked_by
from bot.tencent.results import CIError, CINotSent, CIServiceError

log = logging.getLogger(__name__)


class LostHold(Exception):
    """Another worker holds this execution now (we were presumed dead, or are stopping)."""


class StopFlag(Protocol):
    """The CLI's interrupt (bot/cli/interrupt.py), or a threading.Event."""

    def is_set(self) -> bool: ...


#: How long a known outcome's write is retried in place (a database blip, a failover) before the
#: task gives up this round; the outcome stays in memory for its retry (see Executor._known).
RECORD_PATIENCE_SECONDS = 10.0
RECORD_BACKOFF = (0.25, 0.5, 1.0, 2.0)


class Executor(PlacingMixin):
    def __init__(
        self,
        store: Store,
        ci: CIPort,
        concurrency: int = 20,
        record_patience: float = RECORD_PATIENCE_SECONDS,
        guard: Guard | None = None,
        evidence: EvidenceCache | None = None,
    ) -> None:
        self.store = store
        self.ci = ci
        # What the query API said of each job (cards, Refresh, `status`): a job it showed ended is not sent.
        self.evidence = evidence or EvidenceCache()
        # Targets with their own on-call: a job found in one is sent only for its on-call.
        self.guard = guard
        self.concurrency = max(1, concurrency)
        self.record_patience = record_patience
        # Outcomes Tencent gave us that the database did not take yet, by (request id, job id):
        # a retry of the task records them instead of sending again (a job is sent once).
        self._known: dict[tuple[str, str], JobOutcome] = {}
        self._known_lock = threading.Lock()

    def run(
        self, task: Task, request: Request, on_outcome: Callable[[JobOutcome], None] = lambda _o: None, stop: StopFlag | None = None
    ) -> list[JobOutcome]:
        """Send every job without a known outcome; return all outcomes in the request's order.

        `stop` (the CLI's Ctrl-C) ends the batch early: jobs not yet sent are recorded as not sent.
        Raises LostHold if the execution was taken over; jobs whose outcome could not be stored
        (a database blip) stay open and the task is retried.
        """
        started = time.monotonic()
        todo = [r for r in self.store.journal.ensure(request.id, request.job_ids) if r.outcome is None]
        stored = stored_statuses(self.store, request) if todo else []
        known = self.known_evidence(request, stored) if todo else {}
        located = self._locate(request, [r for r in todo if self._to_send(request, r, known, stop)])
        if any(isinstance(name, str) for name in located.values()):  # a reading in the target each was found in counts now
            known = self.known_evidence(request, stored, located)
        found = {job_id: place_of(self.ci, name) for job_id, name in located.items() if isinstance(name, str)}
        self.store.requests.mark_started(
            request.id,
            request.decided_by or "system",
            {
                "reason": request.reason,
                "kind": request.kind,
                "requester": request.requester,
                "channel": request.origin_channel,
                "job_ids": list(request.job_ids),
                **oc.targets_detail(request.target, {**found, **request.found_in}, request.job_ids, self.ci),
            },
        )
        lost = threading.Event()

        def one(record: JobRecord) -> None:
            if lost.is_set():
                return
            try:
                with calls_at(URGENT), writes_first():  # the cancel (and confirming it) before look-ups
                    outcome = self._job(request.id, record, task, stop, request, known.get(record.job_id), located.get(record.job_id))
            except LostHold:
                self._forget(request.id, record.job_id)  # the new holder decides what to send
                lost.set()
                return
            except Exception:  # a store failure: the job stays open, the task is retried
                log.exception("execution.job_unrecorded", extra={"fields": {"request_id": request.id, "job_id": record.job_id}})
                return
            on_outcome(outcome)

        if todo:
            with ThreadPoolExecutor(max_workers=min(len(todo), self.concurrency), thread_name_prefix="job") as pool:
                list(pool.map(one, todo))
        if lost.is_set():
            raise LostHold(request.id)
        records = self.store.journal.records(request.id)
        missing = [r.job_id for r in records if r.outcome is None]
        if missing:
            raise RuntimeError(f"{len(missing)} job outcome(s) not stored yet")
        event(
            log,
            "execution.done",
            request_id=request.id,
            jobs=len(records),
            resumed=len(records) - len(todo),
            ms=round((time.monotonic() - started) * 1000),
        )
        return [r.outcome for r in records if r.outcome is not None]

    def _job(
        self,
        request_id: str,
        record: JobRecord,
        task: Task,
        stop: StopFlag | None,
        request: Request,
        answer: StatusAnswer | None = None,
        located: str | CIError | None = None,
    ) -> JobOutcome:
        job_id = record.job_id
        outcome = self._recall(request_id, job_id)  # known on an earlier try, not stored then
        if outcome is None and stop is not None and stop.is_set():
            outcome = oc.not_sent(job_id, "stopped (Ctrl-C) before it was sent", self._label(job_id, request, located))
        elif outcome is None and record.sends == 0 and answer is not None and shows_ended(answer):
            outcome = oc.already_ended(job_id, answer)  # checked cancel: nothing to send
            self._keep(request_id, job_id, outcome)
        elif outcome is None:
            port = self._port(job_id, request, located)
            if isinstance(port, dict):  # placement stopped it (target moved, not on call): nothing sent, none counted
                outcome = port if record.sends == 0 else oc.maybe_sent_before(port)
            else:
                if not self.store.journal.mark_sending(request_id, job_id, task.key, holder(task)):
                    raise LostHold(request_id)
                # Each re-send of the cancel (the client's retry) is an intent recorded while we hold the job.
                with resends_checked_by(lambda: self.store.journal.mark_sending(request_id, job_id, task.key, holder(task))):
                    outcome = self.outcome_of(job_id, sent_before=record.sends > 0, ci=port)
                self.evidence.forget(job_id)  # a cancel may have ended it: the next card reads again
            outcome = oc.with_evidence(outcome, answer)
            self._keep(request_id, job_id, outcome)
        self._record(request_id, job_id, outcome, task)
        self._forget(request_id, job_id)
        metrics.job_outcome(oc.result_of(outcome))
        event(
            log,
            "execution.job",
            request_id=request_id,
            job_id=job_id,
            result=oc.result_of(outcome),
            code=outcome.get("code", ""),
            confirmed=outcome.get("confirmed", False),
        )
        return outcome

    def _to_send(self, request: Request, record: JobRecord, known: dict[str, StatusAnswer], stop: StopFlag | None) -> bool:
        """Whether this run sends the job unless something changes (as _job decides): not stopped,
        no outcome known from an earlier try, and not shown ended before any send."""
        if (stop is not None and stop.is_set()) or self._recall(request.id, record.job_id) is not None:
            return False
        answer = known.get(record.job_id)
        return not (record.sends == 0 and answer is not None and shows_ended(answer))

    def known_evidence(
        self, request: Request, stored: list[StatusAnswer], located: dict[str, str | CIError] | None = None
    ) -> dict[str, StatusAnswer]:
        """Each job's newest evidence, read without a call: what is `stored` of it (stored_statuses:
        the card's, its Refreshes', an earlier round's) or a later read in this process (Refresh,
        `status`, another card), in the target the request keeps for it or, with `located`, the
        one it was just found in."""
        found = {job_id: name for job_id, name in (located or {}).items() if isinstance(name, str)}
        return newest_evidence(self.evidence, stored, request.job_ids, lambda job_id: request.target_of(job_id) or found.get(job_id))

    def _record(self, request_id: str, job_id: str, outcome: JobOutcome, task: Task) -> None:
        """Store a known outcome, retrying a failed write (the database away for a moment) for
        `record_patience` seconds; raises LostHold if the execution is no longer ours, or the
        last error (the outcome stays in memory for the task's retry)."""
        deadline = time.monotonic() + self.record_patience
        for attempt in itertools.count():
            try:
                if not self.store.journal.record_outcome(request_id, job_id, outcome, task.key, holder(task)):
                    raise LostHold(request_id)
                return
            except LostHold:
                raise
            except Exception:
                pause = RECORD_BACKOFF[min(attempt, len(RECORD_BACKOFF) - 1)]
                if time.monotonic() + pause > deadline:
                    raise
                event(log, "execution.record_retry", logging.WARNING, request_id=request_id, job_id=job_id, attempt=attempt + 1)
                time.sleep(pause)  # backing off a database that just failed, not waiting for a condition

    def _keep(self, request_id: str, job_id: str, outcome: JobOutcome) -> None:
        with self._known_lock:
            self._known[(request_id, job_id)] = outcome

    def _recall(self, request_id: str, job_id: str) -> JobOutcome | None:
        with self._known_lock:
            return self._known.get((request_id, job_id))

    def _forget(self, request_id: str, job_id: str) -> None:
        with self._known_lock:
            self._known.pop((request_id, job_id), None)

    def outcome_of(self, job_id: str, sent_before: bool, ci: CIPort | None = None) -> JobOutcome:
        """Cancel one job (through `ci`: a named target's port, else every target's) and say
        truthfully what happened; never raises."""
        ci = ci or self.ci
        try:
            return oc.cancelled(job_id, ci.cancel(job_id))
        except CIError as error:
            if isinstance(error, CINotSent) and not oc.may_have_applied(error, sent_before):
                return oc.not_sent(job_id, error.message, error.target)
            return self._explain(job_id, error, sent_before, ci)
        except Exception as exc:  # anything else: the job may or may not have been sent
            log.exception("execution.job_error", extra={"fields": {"job_id": job_id}})
            return self._confirm(job_id, CIError("BotError", f"the bot failed while sending ({type(exc).__name__})"), ci)

    def _explain(self, job_id: str, error: CIError, sent_before: bool, ci: CIPort) -> JobOutcome:
        # Whatever the last answer says, a job that an earlier send may have cancelled is asked about.
        if not oc.may_have_applied(error, sent_before):  # this send was the only one, and it did nothing
            return oc.failed(job_id, error, refused=isinstance(error, CIServiceError))
        return self._confirm(job_id, error, ci)

    def _confirm(self, job_id: str, error: CIError, ci: CIPort) -> JobOutcome:
        """The cancel may have happened: ask Tencent for the job's state. A job that has ended
        counts as cancelled, whatever its state: a cancelled job's state is not documented, so
        its end may be our cancel (never reported failed when it was cancelled, nor sent again)."""
        try:
            status = ci.describe(job_id)
        except CIError as query_error:
            event(log, "execution.unconfirmed", logging.WARNING, job_id=job_id, code=error.code, query_code=query_error.code)
            return oc.unknown(job_id, error)
        except Exception:
            log.exception("execution.unconfirmed", extra={"fields": {"job_id": job_id}})
            return oc.unknown(job_id, error)
        state = (status.state or "").strip()
        if not state:  # the query cannot tell
            event(log, "execution.unconfirmed", logging.WARNING, job_id=job_id, code=error.code, query_code="NoState")
            return oc.unknown(job_id, error)
        if state.lower() == Result.CANCELLED or not is_running(state):
            return oc.cancelled(job_id, status, confirmed=True)
        return oc.failed(job_id, error, state=status.state, confirmed=True)
