"""Executing an approved request: one send per job unless its outcome is unknown, each
outcome journaled as soon as it is known, only by the current holder of the execution."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, cast

from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.evidence import EvidenceCache, Reading, is_running
from bot.domain.outcomes import StatusAnswer
from bot.domain.states import JobOutcome, JobTarget, Lane, RequestKind, Result, TaskKind
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import JobRecord, NewTask, Request, Store, Task, writes_first
from bot.tencent.ratelimit import URGENT, calls_at, resends_checked_by
from bot.tencent.results import CancelResult, CIError, CINotLocated, CINotSent, JobStatus

log = logging.getLogger(__name__)

EXECUTE = TaskKind.EXECUTE
LANE = Lane.URGENT


class LostHold(Exception):
    """Another worker holds this execution now (we were presumed dead, or are stopping)."""


class StopFlag(Protocol):
    """The CLI's interrupt (bot/cli/interrupt.py), or a threading.Event."""

    def is_set(self) -> bool: ...


class CIPort(Protocol):
    def cancel(self, job_id: str) -> CancelResult: ...

    def describe(self, job_id: str) -> JobStatus: ...


class TargetsPort(CIPort, Protocol):
    """Several targets: as a CIPort it finds each job's target; `on` is one named target's."""

    names: tuple[str, ...]

    def on(self, name: str) -> CIPort: ...

    def where(self, name: str) -> tuple[str, str] | None:
        """The bucket and region the target of that name is configured with now; None: no such target."""
        ...

    def target_of(self, job_id: str) -> str:
        """The one target that knows the job; raises CIError (nothing sent) when not certain."""
        ...


Guard = Callable[[Request, str], str | None]  # why the request's decider may not act in a target (None: they may)


def ci_for(ci: CIPort, target: str | None) -> CIPort:
    """The port for a request or look-up that named `target` (--target); else `ci` itself.
    Check `unknown_target` first: a name that is no target has no port."""
    return cast(TargetsPort, ci).on(target) if target else ci


def unknown_target(ci: CIPort, target: str | None) -> str | None:
    """Why `target`, named by a command or request stored before a redeploy, has no port: it is
    no longer in CI_TARGETS (the message names those that are); None: it is, or none was named."""
    names = getattr(ci, "names", None)
    if not target or names is None or target in names:
        return None
    return f"target `{target}` is no longer in CI_TARGETS ({', '.join(names)})"


@dataclass(frozen=True)
class ExecutePayload:
    """An execution task's payload; `caller`: who clicked (a direct cancel's result goes to them)."""

    request_id: str
    caller: Caller | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"request_id": self.request_id, **({"caller": self.caller.to_dict()} if self.caller else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExecutePayload:
        caller = data.get("caller")
        return cls(data["request_id"], Caller.from_dict(caller) if caller else None)


def execute_task(request_id: str, caller: Caller | None = None, retries: int = 0) -> NewTask:
    """The execution of an approved request: one per request and "Retry failed" round (a second
    store is a no-op)."""
    key = f"exec:{request_id}" + (f":retry{retries}" if retries else "")
    return NewTask(key=key, kind=EXECUTE, lane=LANE, payload=ExecutePayload(request_id, caller).to_dict())


def holder(task: Task) -> str:
    """Who holds a claimed task; an unclaimed one (never executed) is held by no one."""
    return task.owner or ""


#: How long a known outcome's write is retried in place (a database blip, a failover) before the
#: task gives up this round; the outcome stays in memory for its retry (see Executor._known).
RECORD_PATIENCE_SECONDS = 10.0
RECORD_BACKOFF = (0.25, 0.5, 1.0, 2.0)


class Executor:
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
        known = self.known_evidence(request) if todo else {}
        located = self._locate(request, [r for r in todo if self._to_send(request, r, known, stop)])
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
            if not self.store.journal.mark_sending(request_id, job_id, task.key, holder(task)):
                raise LostHold(request_id)
            port = self._port(job_id, request, located)
            # Each re-send of the cancel (the client's retry) is an intent recorded while we hold the job.
            with resends_checked_by(lambda: self.store.journal.mark_sending(request_id, job_id, task.key, holder(task))):
                outcome = port if isinstance(port, dict) else self.outcome_of(job_id, sent_before=record.sends > 0, ci=port)
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

    def _label(self, job_id: str, request: Request, located: str | CIError | None) -> str:
        """How outcomes name the target this job would be sent to: where the request keeps it, the
        target it named, or where this run found it; "" when not known (or with one target)."""
        place = request.found_in.get(job_id)
        name = request.target or (located if isinstance(located, str) else None)
        if place is None and name and len(getattr(self.ci, "names", ())) > 1:
            place = place_of(self.ci, name)
        return place.label if place else ""

    def _to_send(self, request: Request, record: JobRecord, known: dict[str, StatusAnswer], stop: StopFlag | None) -> bool:
        """Whether this run sends the job unless something changes (as _job decides): not stopped,
        no outcome known from an earlier try, and not shown ended before any send."""
        if (stop is not None and stop.is_set()) or self._recall(request.id, record.job_id) is not None:
            return False
        answer = known.get(record.job_id)
        return not (record.sends == 0 and answer is not None and shows_ended(answer))

    def _locate(self, request: Request, todo: Sequence[JobRecord]) -> dict[str, str | CIError]:
        """Several targets: the target of each job to send that the request does not place, found
        before the `started` entry so that it names them (and each is sent there, not asked again).
        A job sent before (a re-run: `started` is written) or whose look-up broke is left out: it is
        found when sent, as before."""
        unplaced = [r.job_id for r in todo if r.sends == 0 and r.job_id not in request.found_in] if not request.target else []
        if len(getattr(self.ci, "names", ())) < 2 or not unplaced:
            return {}

        def one(job_id: str) -> str | CIError | None:
            try:
                with calls_at(URGENT):  # finding where to cancel is part of the cancel
                    return self._target_of(job_id)
            except Exception:
                log.exception("execution.locate_error", extra={"fields": {"request_id": request.id, "job_id": job_id}})
                return None

        with ThreadPoolExecutor(max_workers=min(len(unplaced), self.concurrency), thread_name_prefix="locate") as pool:
            answers = dict(zip(unplaced, pool.map(one, unplaced), strict=True))
        return {job_id: answer for job_id, answer in answers.items() if answer is not None}

    def known_evidence(self, request: Request) -> dict[str, StatusAnswer]:
        """Each job's newest evidence, read without a call: the request card's (stored with its
        post) or a later read in this process (Refresh, `status`, another card)."""
        return newest_evidence(self.evidence, stored_statuses(self.store, request), request.job_ids, request.target_of)

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

    def _port(self, job_id: str, request: Request, located: str | CIError | None = None) -> CIPort | JobOutcome:
        """Where to send the job: where the request found it (or the target it named), if that
        target still means the same bucket; else where it was found for this run (`located`), or
        every target's port. With a guard, a decider who is not the job's target's on-call sends
        nothing (the outcome says who can act)."""
        place = request.found_in.get(job_id) or (JobTarget(request.target) if request.target else None)
        if place is not None:
            return self._placed(job_id, request, place)
        if located is None and self.guard is not None:
            located = self._target_of(job_id)
        if isinstance(located, CIError):
            return oc.failed(job_id, located)  # not found, found twice, or a target not asked: nothing sent
        if located is None:
            return self.ci  # found as it is sent
        if self.guard is not None and (why := self.guard(request, located)) is not None:
            return oc.failed(job_id, _about(CINotLocated("NotOnCall", why, job_id=job_id), place_of(self.ci, located)))
        return ci_for(self.ci, located)

    def _target_of(self, job_id: str) -> str | CIError:
        """The one target that knows the job, or why it cannot be told (nothing is sent then)."""
        try:
            return cast(TargetsPort, self.ci).target_of(job_id)
        except CIError as error:
            return error

    def _placed(self, job_id: str, request: Request, place: JobTarget) -> CIPort | JobOutcome:
        """The port of the target the request acts in for this job, without asking anyone."""
        why = moved(self.ci, place)
        if why is not None:
            return oc.failed(job_id, _about(CINotLocated("TargetChanged", why, job_id=job_id), place))
        if self.guard is not None and (why := self.guard(request, place.name)) is not None:
            return oc.failed(job_id, _about(CINotLocated("NotOnCall", why, job_id=job_id), place))
        return ci_for(self.ci, place.name)

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
        if not oc.may_have_applied(error, sent_before):
            return oc.failed(job_id, error)
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
        if state.lower() == Result.CANCELLED or (state and not is_running(state)):
            return oc.cancelled(job_id, status, confirmed=True)
        return oc.failed(job_id, error, state=status.state, confirmed=True)


def moved(ci: CIPort, place: JobTarget) -> str | None:
    """Why the target a request kept for a job is not where the job was asked for: the name is no
    longer configured, or it means another bucket or region now (a redeploy since the request).
    None: the same target (a place kept without its bucket is checked by name only)."""
    if (gone := unknown_target(ci, place.name)) is not None:
        return f"{gone}; nothing was sent"
    where = getattr(ci, "where", None)
    now = where(place.name) if place.bucket and callable(where) else None
    if now is not None and tuple(now) != (place.bucket, place.region):
        return f"target `{place.name}` was {place.bucket} @ {place.region} when the request was made and is {now[0]} @ {now[1]} now; nothing was sent"
    return None


def place_of(ci: CIPort, name: str) -> JobTarget:
    """The target of that name with the bucket and region it means now (the name alone if `ci` cannot tell)."""
    where = getattr(ci, "where", None)
    bucket, region = (where(name) if callable(where) else None) or ("", "")
    return JobTarget(name, bucket, region)


def pinned(ci: CIPort, job_ids: Sequence[str], target: str | None) -> dict[str, JobTarget] | None:
    """With several targets, every job in `target` with the bucket and region that name means
    now, to keep with a request: it is acted on there or nowhere, whatever a redeploy (or another
    process's CI_TARGETS) later makes of the name. None: no target named, or one target only."""
    if not target or len(getattr(ci, "names", ())) < 2:
        return None
    return dict.fromkeys(job_ids, place_of(ci, target))


def _about(error: CINotLocated, place: JobTarget) -> CINotLocated:
    """The error names the target the request kept (its outcome then shows in `audit --target`)."""
    error.target = place.label
    return error


def request_targets(request: Request, ci: CIPort | None = None) -> dict[str, Any]:
    """An audit entry's targets of `request` (see outcomes.targets_detail)."""
    return oc.targets_detail(request.target, request.found_in, request.job_ids, ci)


def stored_statuses(store: Store, request: Request) -> list[StatusAnswer]:
    """What the request's card showed, oldest first: each job's answer when it was posted, then
    each Refresh's (stored with its update, so another process, or this one after a restart,
    knows what on-call saw)."""
    if request.kind not in (RequestKind.APPROVAL, RequestKind.PROPOSAL):
        return []
    post = store.work.get_task(f"{request.id}:post")
    cards = [post] if post else []
    cards += store.work.tasks_keyed(f"{request.id}:evidence:")
    return [status for card in cards for status in card.payload.get("statuses") or []]


def newest_evidence(
    cache: EvidenceCache, stored: list[StatusAnswer], job_ids: Sequence[str], target_of: Callable[[str], str | None] = lambda _job: None
) -> dict[str, StatusAnswer]:
    """By job: the stored answer, or this process's newer reading of the job if it has one, read
    in the target the request acts in for it (`target_of`: its name; None: not known). An answer
    showing the job ended wins over one showing it running, whatever their stamps (an ended job
    never runs again; stamps come from different hosts' clocks)."""
    known: dict[str, StatusAnswer] = {}
    for answer in stored:
        if _supersedes(answer, known.get(answer["job_id"])):
            known[answer["job_id"]] = answer
    for job_id in job_ids:
        reading = cache.newest(job_id)
        if reading is None or not read_in(reading, target_of(job_id)):
            continue  # the same job ID in another bucket says nothing of this one
        answer = oc.status_dict(job_id, reading.status, reading.read_at, reading.found)
        if _supersedes(answer, known.get(job_id)):
            known[job_id] = answer
    return known


def _supersedes(answer: StatusAnswer, earlier: StatusAnswer | None) -> bool:
    """Whether `answer` says more of the job than `earlier`: any answer beats none or an error;
    an ended one beats a running one; else the later stamp wins."""
    if earlier is None or not earlier["ok"]:
        return True
    if not answer["ok"]:
        return False
    return (shows_ended(answer), answer.get("read_at", 0.0)) >= (shows_ended(earlier), earlier.get("read_at", 0.0))


def read_in(reading: Reading, target: str | None) -> bool:
    """Whether the reading was answered by `target` (a job ID may exist in several buckets). A
    reading from one target of several counts only for a job known to be there; with one
    target, readings name none and count."""
    answered = reading.status.target.split(" ", 1)[0] if reading.status.target else ""
    return not answered or answered == target


def shows_ended(answer: StatusAnswer) -> bool:
    """The answer read the job's state, and it is not Submitted or Auditing."""
    state = (answer.get("state") or "").strip()
    return bool(answer["ok"] and state and not is_running(state))


def finish(store: Store, task: Task, request: Request, outcomes: list[JobOutcome], announcements: list[NewTask], ci: CIPort | None = None) -> bool:
    """Store the outcome of an execution once, only by its holder, with its audit entry and
    announcements in one transaction; True if this call stored it."""
    verdict, summary = oc.summarize(outcomes)
    detail = {
        "reason": request.reason,
        "kind": request.kind,
        "requester": request.requester,
        "channel": request.origin_channel,
        **request_targets(request, ci),
        **summary,
    }
    won = store.requests.finish(
        request.id, outcomes, verdict, request.decided_by or "system", detail, task_key=task.key, me=holder(task), tasks=announcements
    )
    if won:
        event(
            log,
            "request.finished",
            request_id=request.id,
            verdict=verdict,
            jobs=len(outcomes),
            failed=len(summary["failed_jobs"]),
            unknown=len(summary["unknown_jobs"]),
        )
    return won
