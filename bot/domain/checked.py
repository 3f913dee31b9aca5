"""The checked cancel: each job's newest evidence already read (the request card's answers,
stored with its posts and Refreshes, or a newer reading in this process), so that a job shown
ended before any send gets no cancel."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.evidence import EvidenceCache, Reading, is_running
from bot.domain.outcomes import StatusAnswer
from bot.domain.states import JobOutcome, RequestKind
from bot.store import Request, Store


def stored_statuses(store: Store, request: Request) -> list[StatusAnswer]:
    """What is stored of each job's state, oldest first: the card's answers when it was posted,
    then each Refresh's (stored with its update, so another process, or this one after a
    restart, knows what on-call saw); and a job an earlier round found ended (its outcome says
    so: a Retry failed in another process, or after a restart, still sends it nothing)."""
    ended = [_ended_answer(o) for o in request.outcome or [] if oc.is_already_ended(o)]
    if request.kind not in (RequestKind.APPROVAL, RequestKind.PROPOSAL):
        return ended
    post = store.work.get_task(f"{request.id}:post")
    cards = [post] if post else []
    cards += store.work.tasks_keyed(f"{request.id}{announce.EVIDENCE_KEY}")
    return [status for card in cards for status in card.payload.get("statuses") or []] + ended


def _ended_answer(outcome: JobOutcome) -> StatusAnswer:
    """The answer that showed an `already_ended` outcome's job ended, as it kept it."""
    seen = outcome.get("evidence") or {}
    answer = cast(StatusAnswer, {**seen, "job_id": outcome["job_id"], "ok": True, "request_id": outcome["request_id"]})
    answer["state"] = outcome.get("state") or str(seen.get("state") or "")
    if outcome.get("target"):
        answer["target"] = outcome["target"]
    return answer


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
