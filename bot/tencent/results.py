"""Typed results and errors of the CI API."""

from __future__ import annotations

from dataclasses import dataclass

# What an operator should do about each error code, shown next to Code and Message.
HINTS = {
    "InvalidArgument": "The job is unknown or already finished. Check the job ID; nothing is left to cancel if it ended.",
    "AccessDenied": 'The Tencent key may not cancel jobs on this bucket. Grant ci:CancelAuditingJobs (README, "Tencent CAM policy").',
    "InvalidAccessKeyId": "TENCENTCLOUD_SECRET_ID is unknown to Tencent. Check the key and that it is enabled.",
    "SignatureDoesNotMatch": "Tencent rejected the signature. Check TENCENTCLOUD_SECRET_KEY (and the STS token if used); "
    "`python -m bot check` tells at once.",
    "RequestTimeTooSkewed": "The bot's clock is off. Fix NTP on the host; the bot already retried with a corrected time.",
    "ExpiredToken": "The STS session token expired. Refresh TENCENTCLOUD_SESSION_TOKEN and restart.",
    "InvalidToken": "The STS session token is invalid. Refresh TENCENTCLOUD_SESSION_TOKEN and restart.",
    "InternalError": "Tencent had an internal error and retries did not help. Try again in a minute.",
    "ServiceUnavailable": "Tencent is unavailable. Try again in a minute.",
    "RateLimited": "Tencent's rate limit was hit and retries did not help. Try again shortly; lower CI_RATE_LIMIT if other tools share the key.",
    "NoSuchBucket": "CI_BUCKET does not exist in CI_REGION, or CI is not enabled on it.",
    "NetworkError": "The CI API could not be reached. Check the network, and CI_ENDPOINT (or CI_BUCKET and CI_REGION, which make the host): "
    "`python -m bot check` shows the host.",
    "BadResponse": "Tencent answered 200 with a body the bot cannot read; the job was most likely cancelled. Check with `status`.",
    "NotInAnyTarget": "No target knows this job ID. Check the ID, and that its bucket is listed in CI_TARGETS.",
    "InSeveralTargets": "More than one target knows this job ID, and the bot never guesses. Repeat with `--target NAME`.",
    "TargetUnreachable": "A target could not be asked, so the job's target is not certain and nothing was sent. "
    "Try again, or name it with `--target NAME`; `python -m bot check` probes every target.",
    "NotOnCall": "That target has its own on-call, and only they may act on its jobs. Repeat with `--target NAME`: it becomes a request to them.",
    "BotError": "The bot itself failed during the Tencent call (its log has ci.local_error). Check the job with `status` before trying again.",
}

RATE_LIMIT_CODES = frozenset({"RateLimited", "SlowDown", "TooManyRequests", "RequestLimitExceeded", "ApiRateLimited"})


@dataclass(frozen=True)
class CancelResult:
    job_id: str
    data_id: str
    creation_time: str
    request_id: str
    state: str = ""
    target: str = ""  # with several targets: the one that answered (name, bucket, region)

    ok = True


SNAPSHOT, AUDIO = "snapshot", "audio"  # a Flag's kind


@dataclass(frozen=True)
class Flag:
    """One frame (Snapshot) or audio section (AudioSection) the query reported, without its Url:
    a flagged image's link never leaves the parser, so it cannot reach Slack or a log."""

    kind: str  # SNAPSHOT or AUDIO
    label: str  # Normal, Porn, Ads, …: printable, at most LABEL_CHARS
    result: int | None  # 0 normal, 1 violation, 2 suspected; None when missing or unreadable
    score: int | None  # the highest Score (0-100) among its scenes; None when none was readable
    at_ms: int | None  # SnapshotTime / OffsetTime: ms since the epoch (live jobs); None when missing

    @property
    def flagged(self) -> bool:
        """A violation or a suspicion: what the contract counts as a flag."""
        return self.result in (1, 2)


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    state: str
    data_id: str
    creation_time: str
    stream_url: str
    request_id: str
    code: str = ""
    message: str = ""
    target: str = ""  # with several targets: the one that answered (name, bucket, region)
    result: int | None = None  # the job's verdict so far: 0 normal, 1 violation, 2 suspected
    label: str = ""  # the job's top label (Normal, Porn, Ads, …)
    flags: tuple[Flag, ...] = ()  # every Snapshot and AudioSection, in the answer's order

    ok = True


class CIError(Exception):
    """A CI call that did not succeed. `retryable`: whether a retry could change the answer.

    `maybe_applied`: this error's attempt may have reached the server and taken effect (an
    answer lost or unreadable after the request went out). `after_ambiguous`: some attempt of
    the call, this last one included, may have taken effect; set by the client on the error
    it raises. A caller that sees it must not assume the job was left untouched.
    """

    ok = False
    retryable = False
    maybe_applied = True  # when in doubt, assume the server may have acted
    after_ambiguous = False
    target = ""  # with several targets: the one that answered (name, bucket, region)

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        request_id: str = "",
        trace_id: str = "",
        resource: str = "",
        job_id: str = "",
        retry_after: float | None = None,
        maybe_applied: bool | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        self.trace_id = trace_id
        self.resource = resource
        self.job_id = job_id
        self.retry_after = retry_after
        if maybe_applied is not None:
            self.maybe_applied = maybe_applied
        super().__init__(self.describe())

    @property
    def hint(self) -> str:
        if self.code in HINTS:
            return HINTS[self.code]
        if self.code in RATE_LIMIT_CODES:  # SlowDown comes as a 503: a rate limit, not a failure
            return HINTS["RateLimited"]
        if self.status is not None and self.status >= 500:
            return HINTS["InternalError"]
        return "See Tencent's error-code reference for this code; quote the RequestId to Tencent support."

    def describe(self) -> str:
        parts = [self.code]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        text = f"{' / '.join(parts)}: {self.message}"
        if self.request_id:
            text += f" (RequestId {self.request_id})"
        return text


class CIServiceError(CIError):
    """The CI API answered with an error body; final unless it is a 5xx or rate limit."""

    maybe_applied = False  # a definite refusal


class CIRetryableError(CIError):
    retryable = True


class CIRateLimited(CIRetryableError):
    maybe_applied = False  # turned away before any work


class CIServerError(CIRetryableError):
    maybe_applied = True  # a 5xx may come after the work was done


class CINetworkError(CIRetryableError):
    """No usable answer: connection refused, reset, timed out. Cancels are safe to retry.

    `maybe_applied` is False only when no connection was made (refused, DNS, connect timeout).
    """


class CIClockSkewed(CIServiceError):
    """RequestTimeTooSkewed; `server_time` is the server's clock from its Date header, if any."""

    def __init__(self, *args, server_time: float | None = None, **kwargs) -> None:
        self.server_time = server_time
        super().__init__(*args, **kwargs)


class CIBadResponse(CIError):
    """A 2xx whose body cannot be read. For a cancel, the job was most likely cancelled."""

    maybe_applied = True


class CILocalError(CIError):
    """The bot failed during a CI call (a locked limiter database, a bug): never retried."""


class CINotSent(CIError):
    """The caller stopped the call before its request went out (the CLI's Ctrl-C, raised by
    its limiter): this attempt certainly did nothing; an earlier one may have (`after_ambiguous`)."""

    maybe_applied = False


class CINotLocated(CIError):
    """The job's target could not be told for certain (no target, several, or one that could not
    be asked): nothing was sent for it."""

    maybe_applied = False
