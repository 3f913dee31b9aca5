"""Several buckets and regions: one CI client per target, and finding which target a job is in.

There is no list-jobs API and a job ID does not say its bucket, so a job's target is found by
asking every target's query API at once. Only a "no such job" answer (4xx InvalidArgument)
counts as not there; a target that cannot be asked leaves the job's target uncertain, and the
bot never guesses: nothing is sent for such a job.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from bot.config import Settings, Target
from bot.tencent import jobid
from bot.tencent.client import CIClient
from bot.tencent.ratelimit import URGENT, Limiter, SlidingWindowLimiter, priority_of
from bot.tencent.results import CancelResult, CIError, CILocalError, CINotLocated, CIServiceError, JobStatus

NOT_FOUND_CODES = frozenset({"InvalidArgument"})


def is_unknown_job(error: CIError) -> bool:
    """The target answered that it has no such job (not: it could not be asked)."""
    return isinstance(error, CIServiceError) and error.code in NOT_FOUND_CODES and error.status is not None and 400 <= error.status < 500


@dataclass(frozen=True)
class Located:
    """What every target said about one job."""

    job_id: str
    asked: tuple[str, ...]  # every target asked, in CI_TARGETS order
    found: tuple[str, ...]  # those that know the job
    unreachable: tuple[tuple[str, CIError], ...]  # those that could not be asked, and why
    status: JobStatus | None = None  # the answer of the one target that knows it

    @property
    def target(self) -> str | None:
        """The job's target when it is certain: exactly one knows it, and every target answered."""
        return self.found[0] if len(self.found) == 1 and not self.unreachable else None

    def error(self, label: Callable[[str], str] = str) -> CINotLocated | None:
        """Why nothing may be sent for this job (None: its target is certain)."""
        if len(self.found) > 1:
            return CINotLocated(
                "InSeveralTargets",
                f"found in {_and(label(n) for n in self.found)}: nothing was sent; repeat with --target NAME",
                job_id=self.job_id,
            )
        if self.unreachable:
            why = "; ".join(f"{label(name)}: {err.code}" for name, err in self.unreachable)
            return CINotLocated("TargetUnreachable", f"could not ask {why}; nothing was sent", job_id=self.job_id)
        if not self.found:
            return CINotLocated("NotInAnyTarget", f"no target knows this job (asked {_and(label(n) for n in self.asked)})", job_id=self.job_id)
        return None


def locate(job_id: str, answers: Mapping[str, JobStatus | CIError]) -> Located:
    """The rule, apart from the asking: `answers` maps each target asked to its answer."""
    found = tuple(name for name, answer in answers.items() if not isinstance(answer, CIError))
    unreachable = tuple((name, a) for name, a in answers.items() if isinstance(a, CIError) and not is_unknown_job(a))
    status = answers[found[0]] if len(found) == 1 else None
    return Located(job_id, tuple(answers), found, unreachable, status if isinstance(status, JobStatus) else None)


def _and(items) -> str:
    names = list(items)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class CITargets:
    """One CI client per target (its endpoint, its keys, its account's rate limit). As a CI port
    it finds each job's target first; with one target it is that target's client, as before."""

    def __init__(self, targets: Sequence[Target], clients: Mapping[str, CIClient]) -> None:
        self.targets = tuple(targets)
        self.clients = dict(clients)
        self._labels = {t.name: t.label for t in self.targets}
        # A cancel's look-ups have a pool of their own: queued `status` look-ups never hold one back.
        self._pool = ThreadPoolExecutor(max_workers=min(64, 8 * len(self.targets)), thread_name_prefix="ci-locate")
        self._urgent_pool = ThreadPoolExecutor(max_workers=min(64, 8 * len(self.targets)), thread_name_prefix="ci-locate-urgent")

    @classmethod
    def from_settings(cls, settings: Settings, limiter_for: Callable[[str], Limiter] | None = None) -> CITargets:
        """A client per target; buckets of one APPID share one limiter (`limiter_for(appid)`)."""
        make = limiter_for or (lambda _appid: SlidingWindowLimiter(settings.ci_rate_limit))
        limiters: dict[str, Limiter] = {}
        clients = {}
        for target in settings.targets:
            if target.appid not in limiters:
                limiters[target.appid] = make(target.appid)
            clients[target.name] = CIClient.for_target(target, settings, limiters[target.appid])
        return cls(settings.targets, clients)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.targets)

    def label(self, name: str) -> str:
        return self._labels.get(name, name)

    def where(self, name: str) -> tuple[str, str] | None:
        """The bucket and region the target of that name is configured with; None: no such target."""
        return next(((t.bucket, t.region) for t in self.targets if t.name == name), None)

    def on(self, name: str) -> CIClient | TargetPort:
        """One target's port (KeyError for a name that is not one); with several, its answers
        and errors name it."""
        client = self.clients[name]
        return client if len(self.clients) == 1 else TargetPort(client, self.label(name))

    @property
    def single(self) -> CIClient | None:
        return next(iter(self.clients.values())) if len(self.clients) == 1 else None

    def locate(self, job_id: str) -> Located:
        """Ask every target about the job at once. Raises InvalidJobId before any I/O."""
        jobid.checked(job_id)
        # Each look-up runs in the caller's context: a cancel's look-ups keep its CI priority.
        pool = self._urgent_pool if priority_of("GET") == URGENT else self._pool
        futures = {name: pool.submit(contextvars.copy_context().run, _answer, self.on(name), job_id) for name in self.clients}
        return locate(job_id, {name: future.result() for name, future in futures.items()})

    def cancel(self, job_id: str, ambiguous: bool = False) -> CancelResult:
        if (single := self.single) is not None:
            return single.cancel(job_id, ambiguous=ambiguous)
        return self.on(self._certain(job_id)[0]).cancel(job_id, ambiguous=ambiguous)

    def describe(self, job_id: str) -> JobStatus:
        if (single := self.single) is not None:
            return single.describe(job_id)
        return self._certain(job_id)[1]

    def target_of(self, job_id: str) -> str:
        """The one target that knows the job; raises CINotLocated (nothing sent) when not certain."""
        return self.names[0] if len(self.clients) == 1 else self._certain(job_id)[0]

    def _certain(self, job_id: str) -> tuple[str, JobStatus]:
        located = self.locate(job_id)
        if (error := located.error(self.label)) is not None:
            raise error
        assert located.target is not None and located.status is not None  # no error: exactly one knows it
        return located.target, located.status

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._urgent_pool.shutdown(wait=False, cancel_futures=True)
        for client in self.clients.values():
            client.close()


class TargetPort:
    """One target's client whose answers and errors carry the target's label."""

    def __init__(self, client: CIClient, label: str) -> None:
        self.client, self.label = client, label

    @property
    def limiter(self) -> Limiter:
        return self.client.limiter

    def cancel(self, job_id: str, ambiguous: bool = False) -> CancelResult:
        try:
            return replace(self.client.cancel(job_id, ambiguous=ambiguous), target=self.label)
        except CIError as exc:
            exc.target = self.label
            raise

    def describe(self, job_id: str) -> JobStatus:
        try:
            return replace(self.client.describe(job_id), target=self.label)
        except CIError as exc:
            exc.target = self.label
            raise

    def cancel_many(self, job_ids: Sequence[str]) -> list[CancelResult | CIError]:
        return self.client.cancel_many(job_ids)


def _answer(client: CIClient | TargetPort, job_id: str) -> JobStatus | CIError:
    try:
        return client.describe(job_id)
    except CIError as exc:
        return exc
    except Exception as exc:  # one target's surprise is that target's answer, not the whole look-up's
        return CILocalError("BotError", f"the bot failed asking this target ({type(exc).__name__})", job_id=job_id, maybe_applied=False)
