"""CI API client: validated paths, signed requests, timeouts, retries, a rate limit.

Transport (transport.py), signing (signer.py), reading answers (responses.py, parsing.py) and
the retry policy (retries.py) are kept apart, as botocore does: this module only sequences them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast
from urllib.parse import urlsplit

import requests

from bot.config import Secret, Settings, Target
from bot.observe import metrics
from bot.observe.logs import event
from bot.tencent import jobid, signer
from bot.tencent.deadline import Watchdog, WatchedAdapter, last_written
from bot.tencent.parsing import parse_cancel, parse_status
from bot.tencent.ratelimit import Limiter, SlidingWindowLimiter, priority_of
from bot.tencent.responses import interpret
from bot.tencent.results import CancelResult, CIClockSkewed, CIError, CILocalError, CIServiceError, JobStatus
from bot.tencent.retries import Progress, backoff, gives_up
from bot.tencent.transport import MAX_BODY, MAX_QUERY_BODY, send

log = logging.getLogger(__name__)

USER_AGENT = "cancel-moderation-bot/0.1"
Outcome = CancelResult | JobStatus | CIError


class CIClient:
    def __init__(
        self,
        *,
        endpoint: str,
        secret_id: str,
        secret_key: Secret,
        session_token: Secret | None = None,
        limiter: Limiter,
        connect_timeout: float = 3.05,
        read_timeout: float = 10.0,
        max_attempts: int = 4,
        concurrency: int = 20,
        backoff_base: float = 0.25,
        backoff_cap: float = 8.0,
        sign_expire: int = 600,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._host = urlsplit(self.endpoint).hostname or ""
        self._secret_id = secret_id
        self._secret_key = secret_key
        self._token = session_token if session_token else None
        self.limiter = limiter
        self.timeout = (connect_timeout, read_timeout)
        self.max_attempts = max(1, max_attempts)
        self.concurrency = max(1, concurrency)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sign_expire = sign_expire
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        #: Seconds to add to the local clock when signing (learned from RequestTimeTooSkewed).
        self.clock_offset = 0.0
        self.session = requests.Session()
        adapter = WatchedAdapter(pool_connections=1, pool_maxsize=self.concurrency, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._watchdog = Watchdog()

    @classmethod
    def from_settings(cls, settings: Settings, limiter: Limiter | None = None) -> CIClient:
        return cls(
            endpoint=settings.ci_endpoint,
            secret_id=settings.tencentcloud_secret_id,
            secret_key=settings.tencentcloud_secret_key,
            session_token=settings.tencentcloud_session_token,
            limiter=limiter or SlidingWindowLimiter(settings.ci_rate_limit),
            connect_timeout=settings.ci_connect_timeout,
            read_timeout=settings.ci_read_timeout,
            max_attempts=settings.ci_max_attempts,
            concurrency=settings.ci_rate_limit,
        )

    @classmethod
    def for_target(cls, target: Target, settings: Settings, limiter: Limiter) -> CIClient:
        """One target's client: its endpoint and keys; `limiter`: its account's rate limit."""
        return cls(
            endpoint=target.endpoint,
            secret_id=target.secret_id,
            secret_key=target.secret_key,
            session_token=target.session_token,
            limiter=limiter,
            connect_timeout=settings.ci_connect_timeout,
            read_timeout=settings.ci_read_timeout,
            max_attempts=settings.ci_max_attempts,
            concurrency=settings.ci_rate_limit,
        )

    def __repr__(self) -> str:
        return f"CIClient(endpoint={self.endpoint!r})"

    # -- requests -----------------------------------------------------------------

    def build(self, method: str, path: str) -> requests.PreparedRequest:
        """A signed, ready-to-send request. `path` must come from a *_path() helper."""
        headers = {"User-Agent": USER_AGENT}
        if self._token:
            headers["x-ci-security-token"] = self._token.reveal()
        prepared = requests.Request(method, self.endpoint + path, headers=headers).prepare()
        # Sign what is sent: the prepared headers (content-length included), host without port.
        to_sign = signer.headers_to_sign(cast(Mapping[str, str], prepared.headers))
        to_sign["host"] = self._host
        prepared.headers["Authorization"] = signer.authorization(
            secret_id=self._secret_id,
            secret_key=self._secret_key.reveal(),
            method=method,
            path=path,
            params={},
            headers=to_sign,
            now=int(self._clock() + self.clock_offset),
            expire=self.sign_expire,
        )
        return prepared

    @staticmethod
    def cancel_path(job_id: str) -> str:
        return "/video/cancel_auditing/" + jobid.checked(job_id)

    @staticmethod
    def describe_path(job_id: str) -> str:
        return "/video/auditing/" + jobid.checked(job_id)

    def cancel(self, job_id: str, ambiguous: bool = False) -> CancelResult:
        """Cancel one live moderation job. Raises InvalidJobId before any I/O, or CIError.

        `ambiguous`: an earlier call (before a crash, say) may already have cancelled the job,
        so an InvalidArgument answer is checked with the query API, as after a lost answer.
        """
        path = self.cancel_path(job_id)
        try:
            return self._call("POST", path, job_id, parse_cancel)
        except CIServiceError as exc:
            if exc.code == "InvalidArgument" and (ambiguous or exc.after_ambiguous):
                confirmed = self._confirm_cancelled(job_id)
                if confirmed is not None:
                    return confirmed
            raise

    def describe(self, job_id: str) -> JobStatus:
        """Query one job's state, stream URL and DataId."""
        return self._call("GET", self.describe_path(job_id), job_id, parse_status)

    def cancel_many(self, job_ids: Sequence[str]) -> list[CancelResult | CIError]:
        return self._many(self.cancel, job_ids)

    def describe_many(self, job_ids: Sequence[str]) -> list[JobStatus | CIError]:
        return self._many(self.describe, job_ids)

    def close(self) -> None:
        self._watchdog.close()
        self.session.close()

    # -- internals ----------------------------------------------------------------

    def _many(self, call: Callable[[str], Outcome], job_ids: Sequence[str]) -> list:
        for job in job_ids:
            jobid.checked(job)  # refuse the whole batch before sending anything
        if len(job_ids) <= 1:
            return [_outcome(call, j) for j in job_ids]
        workers = min(len(job_ids), self.concurrency)
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ci") as pool:
            return list(pool.map(lambda j: _outcome(call, j), job_ids))

    def _confirm_cancelled(self, job_id: str) -> CancelResult | None:
        """After an attempt (or call) whose answer was lost, 'InvalidArgument' may mean 'already cancelled by us'."""
        try:
            status = self.describe(job_id)
        except CIError:
            return None
        if status.state.lower() != "cancelled":
            return None
        return CancelResult(
            job_id=job_id,
            data_id=status.data_id,
            creation_time=status.creation_time,
            request_id=status.request_id,
            state=status.state,
        )

    def _call(self, method: str, path: str, job_id: str, parse: Callable[[bytes], CancelResult | JobStatus]):
        progress = Progress()
        try:
            return self._attempts(progress, method, path, job_id, parse)
        except CIError:
            raise
        except Exception as exc:  # a locked limiter database, a bug: still a typed CI outcome
            raise _local_error(exc, job_id, progress) from None

    def _attempts(self, progress: Progress, method: str, path: str, job_id: str, parse: Callable[[bytes], CancelResult | JobStatus]):
        attempt = 0
        skew_fixed = False
        while True:
            attempt += 1
            waited = time.monotonic()
            try:
                self.limiter.acquire(priority_of(method))
            except CIError as exc:  # the limiter stopped the call (CINotSent): say what earlier attempts may have done
                exc.after_ambiguous = progress.ambiguous
                raise
            started = time.monotonic()
            metrics.ratelimit_wait(started - waited)
            progress.in_flight = True
            try:
                result = self._once(method, path, job_id, parse)
                self._log(method, job_id, attempt, started, result=result)
                return result
            except CIClockSkewed as exc:
                progress.in_flight = False
                self._log(method, job_id, attempt, started, error=exc)
                if skew_fixed or exc.server_time is None:
                    exc.after_ambiguous = progress.ambiguous
                    raise
                skew_fixed = True
                self._correct_clock(exc.server_time)
                attempt -= 1  # the corrected retry is free: the first one could never pass
            except CIError as exc:
                progress.in_flight = False
                self._log(method, job_id, attempt, started, error=exc)
                progress.ambiguous = progress.ambiguous or exc.maybe_applied
                if gives_up(exc, attempt, self.max_attempts, method):
                    exc.after_ambiguous = progress.ambiguous
                    raise
                self._sleep(self._backoff(attempt, exc.retry_after))

    def _once(self, method: str, path: str, job_id: str, parse: Callable[[bytes], CancelResult | JobStatus]):
        prepared = self.build(method, path)
        cap = MAX_QUERY_BODY if method == "GET" else MAX_BODY
        return send(
            self.session, self._watchdog, prepared, self.timeout, job_id, cap, lambda response, body: interpret(response, body, job_id, parse)
        )

    def _correct_clock(self, server_time: float) -> None:
        offset = server_time - self._clock()
        self.clock_offset = offset
        event(log, "ci.clock_skew", logging.WARNING, offset_seconds=round(offset, 3))

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        return backoff(attempt, retry_after, self.backoff_base, self.backoff_cap, self._jitter)

    def _log(self, method: str, job_id: str, attempt: int, started: float, result=None, error=None) -> None:
        seconds = time.monotonic() - started
        metrics.ci_request("cancel" if method == "POST" else "describe", "OK" if error is None else error.code, seconds)
        self.limiter.done(answered=error is None or bool(error.status), written_at=last_written())  # narrows the rate-limit slot
        fields: dict[str, Any] = {
            "method": method,
            "job_id": job_id,
            "attempt": attempt,
            "ms": round(seconds * 1000, 1),
        }
        if result is not None:
            event(log, "ci.call", ok=True, ci_request_id=result.request_id, **fields)
        else:
            event(
                log,
                "ci.call",
                logging.WARNING,
                ok=False,
                status=error.status,
                code=error.code,
                ci_request_id=error.request_id,
                **fields,
            )


def _local_error(exc: Exception, job_id: str, progress: Progress | None = None) -> CILocalError:
    """A failure inside the bot, typed. Only the exception's type is named: its text may hold a secret."""
    # The traceback is for the operator's log, which redacts secrets; the error itself stays bare.
    log.error("ci.local_error", exc_info=exc, extra={"fields": {"job_id": job_id, "error_type": type(exc).__name__}})
    progress = progress or Progress(in_flight=True)  # nothing known about the attempts: assume the worst
    error = CILocalError(
        "BotError",
        f"the bot failed during the CI call ({type(exc).__name__})",
        job_id=job_id,
        maybe_applied=progress.in_flight,
    )
    error.after_ambiguous = progress.in_flight or progress.ambiguous
    return error


def _outcome(call: Callable[[str], Outcome], job_id: str) -> Outcome:
    try:
        return call(job_id)
    except CIError as exc:
        exc.job_id = exc.job_id or job_id
        return exc
    except Exception as exc:  # one job's surprise must not lose the batch's other outcomes
        return _local_error(exc, job_id)
