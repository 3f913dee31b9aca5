"""Where a job is sent: the CI port (with several targets, one port per named target), whether
the place a request kept for a job still means the same bucket and region, and the places a
request keeps so that each job is acted on there or nowhere."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, cast

from bot.domain import outcomes as oc
from bot.domain.states import JobOutcome, JobTarget
from bot.store import JobRecord, Request
from bot.tencent.ratelimit import URGENT, calls_at
from bot.tencent.results import CancelResult, CIError, CINotLocated, JobStatus

log = logging.getLogger("bot.domain.execution")  # its name before the move: operators filter JSON lines on `logger`


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


def request_targets(request: Request, ci: CIPort | None = None) -> dict[str, Any]:
    """An audit entry's targets of `request` (see outcomes.targets_detail)."""
    return oc.targets_detail(request.target, request.found_in, request.job_ids, ci)


class PlacingMixin:
    """Where the Executor sends each job (it provides `ci`, `guard` and `concurrency`)."""

    ci: CIPort
    guard: Guard | None
    concurrency: int

    def _label(self, job_id: str, request: Request, located: str | CIError | None) -> str:
        """How outcomes name the target this job would be sent to: where the request keeps it, the
        target it named, or where this run found it; "" when not known (or with one target)."""
        place = request.found_in.get(job_id)
        name = request.target or (located if isinstance(located, str) else None)
        if place is None and name and len(getattr(self.ci, "names", ())) > 1:
            place = place_of(self.ci, name)
        return place.label if place else ""

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


def _about(error: CINotLocated, place: JobTarget) -> CINotLocated:
    """The error names the target the request kept (its outcome then shows in `audit --target`)."""
    error.target = place.label
    return error
