"""The transport: one request sent and its body read within a size cap and a hard deadline, and a
failure to send or read typed as a network error that says whether the request may have reached Tencent."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests
from urllib3.exceptions import NewConnectionError

from bot.tencent.deadline import Watchdog, forget_written
from bot.tencent.results import CIBadResponse, CIError, CINetworkError

T = TypeVar("T")

MAX_BODY = 1 << 20  # a cancel's answer is a few hundred bytes; anything huge is hostile
#: A query's answer lists every Snapshot and AudioSection of a live job (each a few hundred
#: bytes): hours of flags stay readable, a hostile body is still cut off.
MAX_QUERY_BODY = 8 << 20


def send(
    session: requests.Session,
    watchdog: Watchdog,
    prepared: requests.PreparedRequest,
    timeout: tuple[float, float],
    job_id: str,
    cap: int,
    answer: Callable[[requests.Response, bytes], T],
) -> T:
    """Send one signed request and hand its answer (at most `cap` bytes) to `answer`, all within
    the connect and read timeouts together."""
    forget_written()
    deadline = time.monotonic() + sum(timeout)
    # The watchdog cuts the connection at the deadline, so headers trickled byte by byte
    # cannot hold send() for ever; the read loop checks the same deadline between chunks.
    with watchdog.watch(deadline) as watch:
        try:
            response = session.send(prepared, timeout=timeout, stream=True, allow_redirects=False)
        except requests.RequestException as exc:
            raise (too_slow(job_id) if watch.stop() else network_error(exc, job_id)) from None
        with response:
            try:
                body = read_capped(response, deadline, job_id, cap)
            except CINetworkError as exc:
                raise (too_slow(job_id) if watch.stop() else exc) from None
            if watch.stop():  # stopped before `with response` hands the connection back to the pool
                raise too_slow(job_id)
            return answer(response, body)


def too_slow(job_id: str) -> CINetworkError:
    return CINetworkError("NetworkError", "the CI API answered too slowly", job_id=job_id)


def network_error(exc: requests.RequestException, job_id: str) -> CINetworkError:
    return CINetworkError("NetworkError", _network_reason(exc), job_id=job_id, maybe_applied=not _never_connected(exc))


def _never_connected(exc: requests.RequestException) -> bool:
    """True when no connection was made, so the request cannot have reached the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError):
        return False
    # requests wraps urllib3's MaxRetryError, whose `reason` is the NewConnectionError
    # (refused, unreachable, DNS: NameResolutionError is a subclass).
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, NewConnectionError):
            return True
        seen.add(id(current))
        pending += [getattr(current, "reason", None), current.__cause__, current.__context__]
        pending += [a for a in current.args if isinstance(a, BaseException)]
    return False


def _network_reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "the CI API did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "could not connect to the CI API"
    return f"request failed ({type(exc).__name__})"


def read_capped(response: requests.Response, deadline: float, job_id: str, cap: int = MAX_BODY) -> bytes:
    """Read the body with a size cap and an overall deadline (a trickling server cannot stall us)."""
    chunks: list[bytes] = []
    size = 0
    request_id = response.headers.get("x-ci-request-id", "")
    try:
        while True:
            # read1 returns what has arrived (each wait bounded by the read timeout), so a server
            # trickling bytes meets the deadline check instead of holding us for the whole body.
            chunk = response.raw.read1(16384, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise CIBadResponse(
                    "BadResponse",
                    f"response body over {cap} bytes",
                    status=response.status_code,
                    request_id=request_id,
                    job_id=job_id,
                )
            if time.monotonic() > deadline:
                raise too_slow(job_id)
            chunks.append(chunk)
    except CIError:
        raise
    except Exception as exc:  # urllib3 protocol/decoding errors, socket timeouts mid-body
        raise CINetworkError("NetworkError", f"response broken off ({type(exc).__name__})", job_id=job_id) from None
    return b"".join(chunks)
