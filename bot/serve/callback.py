"""POST /tencent/callback?token=<CALLBACK_TOKEN>: Tencent's live-moderation callbacks, taken
as hints only.

No signature is documented, so the token in the URL is all that tells Tencent from anyone
else: without CALLBACK_TOKEN the endpoint does not exist (404), and a wrong token is a 404
too (compared in constant time). The body is read up to 64 KB and no further (413 beyond);
malformed JSON, or a JobId that fails the job-ID grammar, is a 400. Of a good callback only
the JobId is kept: its task is stored (durable, the lowest class, bounded by
WORK_QUEUE_LIMIT) before the 200, so a callback acknowledged is never lost; the task asks
the query API itself (bot/domain/proposals.py). A callback for a job whose earlier
callback's task has not started yet is that task's already: it will look after both.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.domain.proposals import callback_task
from bot.observe.logs import event
from bot.slack.arrival import ARRIVED
from bot.tencent.jobid import is_job_id
from bot.work import QueueFull, WorkQueue

log = logging.getLogger(__name__)

PATH = "/tencent/callback"
MAX_BODY = 64 * 1024
STORE_SECONDS = 0.8  # the answer comes within 1 s: a store that takes longer is refused (503), not waited for
OUTCOME_MARGIN = 0.15  # a coalesced callback waits this long past the first one's deadline for its outcome

StartResponse = Callable[..., object]


class NotStored(Exception):
    """The callback's task could not be stored in time: it is refused (503), so Tencent retries."""


@dataclass
class _Waiting:
    """A job's stored task that has not started yet (its query would see later flags too)."""

    key: str = ""
    deadline: float = 0.0  # (monotonic) by when the first one's store has given up, if it has not landed
    stored: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class CallbackIntake:
    def __init__(self, token: str, work: WorkQueue, store_seconds: float = STORE_SECONDS) -> None:
        self.expected = token.encode()
        self.work = work
        self.store_seconds = store_seconds
        self._lock = threading.Lock()
        self._waiting: dict[str, _Waiting] = {}  # job id -> its task not started yet (this process)

    # -- HTTP ------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if not self.expected or not self._token_ok(environ):
            return _answer(start_response, "404 Not Found", b"not found\n")
        if environ.get("REQUEST_METHOD") != "POST":
            return _answer(start_response, "405 Method Not Allowed", b"POST only\n", [("Allow", "POST")])
        body, refusal = _read_body(environ)
        if refusal:
            event(log, "callback.refused", logging.WARNING, why=refusal)
            return _answer(start_response, refusal, b"refused\n")
        job_id, flagged = _hint(body)
        if job_id is None:
            event(log, "callback.refused", logging.WARNING, why="400 no valid JobId")
            return _answer(start_response, "400 Bad Request", b"no valid JobId\n")
        if not flagged:  # it says itself that nothing was flagged: nothing to look into
            return _answer(start_response, "200 OK", b'{"code":0}', [("Content-Type", "application/json")])
        try:
            coalesced = self.store(job_id, environ.get(ARRIVED))
        except (NotStored, QueueFull, TimeoutError) as exc:
            event(log, "callback.not_stored", logging.WARNING, job_id=job_id, error=type(exc).__name__)
            return _answer(start_response, "503 Service Unavailable", b"not stored; try again\n", [("Retry-After", "5")])
        except Exception as exc:  # the database is away: nothing acknowledged
            log.exception("callback.not_stored", extra={"fields": {"job_id": job_id, "error": type(exc).__name__}})
            return _answer(start_response, "503 Service Unavailable", b"not stored; try again\n", [("Retry-After", "5")])
        event(log, "callback.stored", job_id=job_id, coalesced=coalesced)
        return _answer(start_response, "200 OK", b'{"code":0}', [("Content-Type", "application/json")])

    def _token_ok(self, environ: dict) -> bool:
        try:
            given = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=10).get("token", [""])[0]
        except ValueError:  # more fields than any callback URL has
            return False
        return hmac.compare_digest(given.encode("utf-8", "replace"), self.expected)

    # -- storing ---------------------------------------------------------------------------
    def store(self, job_id: str, arrived: float | None = None) -> bool:
        """Store the job's task, or find it stored and not started yet; True if found (coalesced).
        Raises when it could not be stored: the callback must not be acknowledged. `arrived`
        (monotonic): when the callback reached the process; its time counts from then, not from
        when a thread got to it."""
        with self._lock:
            waiting = self._waiting.get(job_id)
            mine = waiting is None
            if waiting is None:
                start = time.monotonic() if arrived is None else min(arrived, time.monotonic())
                waiting = self._waiting[job_id] = _Waiting(deadline=start + self.store_seconds)
        if not mine:
            # Wait for the first one's outcome, not a deadline of our own: ours could end just
            # before its store lands, refusing a callback whose task is stored.
            left = waiting.deadline + OUTCOME_MARGIN - time.monotonic()
            if waiting.done.wait(max(left, 0.0)) and waiting.stored:
                return True
            raise NotStored(job_id)  # the first one's store failed or is slow: say so, Tencent retries
        task = callback_task(job_id)
        waiting.key = task.key
        try:
            if not self.work.accept(task, max(waiting.deadline - time.monotonic(), 0.0)):
                raise NotStored("stopping")
            waiting.stored = True
        finally:
            if not waiting.stored:
                self._forget(job_id, waiting)
            waiting.done.set()
        return False

    def started(self, job_id: str, key: str) -> None:
        """The task `key` began: callbacks from now on need a task of their own."""
        with self._lock:
            waiting = self._waiting.get(job_id)
            if waiting is not None and waiting.key == key:
                del self._waiting[job_id]

    def _forget(self, job_id: str, waiting: _Waiting) -> None:
        with self._lock:
            if self._waiting.get(job_id) is waiting:
                del self._waiting[job_id]


def _read_body(environ: dict) -> tuple[bytes, str]:
    """The body, at most MAX_BODY bytes read whatever the client claims; or the refusal status."""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared:
        try:
            length = int(declared)
        except ValueError:
            return b"", "400 Bad Request"
        if length < 0:
            return b"", "400 Bad Request"
        if length > MAX_BODY:
            return b"", "413 Content Too Large"
    elif environ.get("wsgi.input_terminated"):  # chunked, on a server that ends the input itself (gunicorn)
        length = MAX_BODY + 1  # read one byte past the cap, to tell a body over it
    else:  # a server that cannot tell where the body ends: never read blindly
        return b"", "411 Length Required"
    body = environ["wsgi.input"].read(length)
    if len(body) > MAX_BODY:
        return b"", "413 Content Too Large"
    return body, ""


def _hint(body: bytes) -> tuple[str | None, bool]:
    """(the JobId, whether the callback says something was flagged). Simple: `data.trace_id`,
    `data.result`; Detail: `JobsDetail.JobId`, `JobsDetail.Result`. A JobId failing the
    grammar, or two that differ, is None; the rest of the body is not trusted."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, False
    if not isinstance(document, dict):
        return None, False
    simple, detail = document.get("data"), document.get("JobsDetail")
    parts = [part for part in (simple, detail) if isinstance(part, dict)]
    claims = [
        (part.get("trace_id") if part is simple else part.get("JobId"), part.get("result") if part is simple else part.get("Result"))
        for part in parts
    ]
    given = [job_id for job_id, _ in claims if job_id is not None]
    if not given or not all(is_job_id(job_id) for job_id in given) or len(set(given)) != 1:
        return None, False
    job_id = str(given[0])
    return job_id, not all(_says_normal(result) for _, result in claims)


def _says_normal(result: object) -> bool:
    """A result of 0 (normal): the callback itself reports nothing flagged."""
    return result in (0, "0")


def _answer(start_response: StartResponse, status: str, body: bytes, headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    headers = headers or []
    plain = [] if any(name == "Content-Type" for name, _ in headers) else [("Content-Type", "text/plain")]
    start_response(status, [*plain, ("Content-Length", str(len(body))), *headers])
    return [body]
