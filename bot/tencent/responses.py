"""What an answer of the CI API means: the parsed result for the job asked about, or a typed error
(refused, rate limited, a server error, a skewed clock) with what the headers add."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from bot.tencent.parsing import UnreadableXml, parse_error
from bot.tencent.results import (
    RATE_LIMIT_CODES,
    CancelResult,
    CIBadResponse,
    CIClockSkewed,
    CIRateLimited,
    CIServerError,
    CIServiceError,
    JobStatus,
)


def _retry_after(response: requests.Response) -> float | None:
    raw = response.headers.get("Retry-After", "").strip()
    try:
        return float(raw) if raw else None
    except ValueError:
        return None


def _server_time(response: requests.Response) -> float | None:
    try:
        return parsedate_to_datetime(response.headers["Date"]).timestamp()
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def interpret(response: requests.Response, body: bytes, job_id: str, parse: Callable[[bytes], CancelResult | JobStatus]):
    status = response.status_code
    header_request_id = response.headers.get("x-ci-request-id", "")
    if 200 <= status < 300:
        try:
            result = parse(body)
        except UnreadableXml as exc:
            raise CIBadResponse(
                "BadResponse",
                f"HTTP {status} with a body that is not readable XML ({exc})",
                status=status,
                request_id=header_request_id,
                job_id=job_id,
            ) from None
        return _for_asked_job(result, job_id, status, header_request_id)
    fields = parse_error(body)
    code = fields.get("Code") or _code_for_status(status)
    kwargs: dict[str, Any] = dict(
        status=status,
        request_id=fields.get("RequestId") or header_request_id,
        trace_id=fields.get("TraceId", ""),
        resource=fields.get("Resource", ""),
        job_id=job_id,
    )
    message = fields.get("Message") or f"HTTP {status} without an error body"
    if code == "RequestTimeTooSkewed":
        raise CIClockSkewed(code, message, server_time=_server_time(response), **kwargs)
    if status == 429 or code in RATE_LIMIT_CODES:
        raise CIRateLimited(code, message, retry_after=_retry_after(response), **kwargs)
    if status >= 500:
        raise CIServerError(code, message, retry_after=_retry_after(response), **kwargs)
    raise CIServiceError(code, message, **kwargs)


def _for_asked_job(result: CancelResult | JobStatus, job_id: str, status: int, header_request_id: str):
    """The result for the job asked about; an answer about another job is not one we can use."""
    named = result.job_id
    if named and named != job_id:
        raise CIBadResponse(
            "BadResponse",
            f"the answer names job {_printable(named)}, not the one asked for",
            status=status,
            request_id=result.request_id or header_request_id,
            job_id=job_id,
        )
    return replace(result, job_id=job_id)


def _printable(text: str, limit: int = 64) -> str:
    """Untrusted text made safe to show: escaped to printable ASCII, then cut."""
    return text.encode("unicode_escape").decode("ascii")[:limit]


def _code_for_status(status: int) -> str:
    if status == 429:
        return "RateLimited"
    if status == 503:
        return "ServiceUnavailable"
    if status >= 500:
        return "InternalError"
    return f"HTTP{status}"
