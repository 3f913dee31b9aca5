"""Per-job outcomes: cancelled, failed or unknown, and how a batch is summarised.

A job is reported failed only when Tencent's answer (or a status query) shows it was not
cancelled; an answer that may have been lost after the job was cancelled is confirmed with
the query API (a job it shows ended counts as cancelled: a cancelled job's state is not
documented), and stays *unknown* only when that query cannot tell.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict, TypeVar, cast

from bot.domain.evidence import Evidence, evidence_of
from bot.domain.states import JobOutcome, JobTarget, Result
from bot.tencent.results import CancelResult, CIBadResponse, CIError, JobStatus

CANCELLED, FAILED, UNKNOWN = Result.CANCELLED, Result.FAILED, Result.UNKNOWN
UNKNOWN_HINT = "The answer was lost and a status query could not tell. Check with `/cancel-moderation status`."


class StatusAnswer(TypedDict):
    """One job's state as `status` and the approval card show it (or why it is unknown)."""

    job_id: str
    ok: bool
    request_id: str
    state: NotRequired[str]
    stream_url: NotRequired[str]
    data_id: NotRequired[str]
    creation_time: NotRequired[str]
    code: NotRequired[str]
    message: NotRequired[str]
    hint: NotRequired[str]
    target: NotRequired[str]
    # The evidence (bot/domain/evidence.py), on answers read since it exists: JSON, so plain values.
    running: NotRequired[bool]
    flags: NotRequired[dict[str, int]]  # flagged snapshots and audio sections by label
    flagged_snapshots: NotRequired[int]
    flagged_audio: NotRequired[int]
    top_score: NotRequired[int]  # absent: no flag had a readable score
    last_flag_ms: NotRequired[int]  # ms since the epoch; absent: no flag had a time
    read_at: NotRequired[float]  # seconds since the epoch
    result: NotRequired[int]  # the job's verdict so far: 0 normal, 1 violation, 2 suspected
    label: NotRequired[str]


_Named = TypeVar("_Named", JobOutcome, StatusAnswer)


class Summary(TypedDict):
    """A batch's outcome, as its audit entry's detail holds it."""

    jobs: int
    cancelled: int
    failed_jobs: list[str]
    unknown_jobs: list[str]
    results: list[JobOutcome]


def result_of(outcome: JobOutcome) -> Result:
    """The outcome's result; outcomes stored before `result` existed had only `ok`."""
    return Result(outcome.get("result") or (CANCELLED if outcome["ok"] else FAILED))


def cancelled(job_id: str, result: CancelResult | JobStatus, confirmed: bool = False) -> JobOutcome:
    outcome: JobOutcome = {
        "job_id": job_id,
        "result": CANCELLED,
        "ok": True,
        "data_id": result.data_id,
        "creation_time": result.creation_time,
        "request_id": result.request_id,
        "state": result.state or "",
        "confirmed": confirmed,
    }
    return _in_target(outcome, result.target)


def target_name(label: str) -> str:
    """The name in a target's label, "name (bucket @ region)" (names have no spaces)."""
    return label.partition(" (")[0]


def found_where(statuses: Sequence[StatusAnswer]) -> dict[str, str]:
    """Each job found for certain, and the name of the target it was found in (several targets:
    each answer names it); a job not found, or found with one target, is left out."""
    return {s["job_id"]: target_name(s["target"]) for s in statuses if s["ok"] and s.get("target")}


def found_in_one(statuses: list[StatusAnswer]) -> str | None:
    """The target every job was found in, when they all were found in the same one (several
    targets: each answer names it as "name (bucket @ region)"); else None, and each job's
    target is found again when it is sent."""
    labels = {s.get("target", "") for s in statuses}
    if not statuses or not all(s["ok"] for s in statuses) or len(labels) != 1:
        return None
    return target_name(labels.pop()) or None


def named_target(target: str | None, ci: object = None) -> dict[str, str]:
    """An audit entry's `target` when its request has one (its name), and `target_label` (name,
    bucket, region) when `ci` can tell it; nothing otherwise, so single-target entries are as before."""
    if not target:
        return {}
    label = getattr(ci, "label", None)
    shown = str(label(target)) if callable(label) else target
    return {"target": target, **({"target_label": shown} if shown != target else {})}


def targets_detail(target: str | None, found_in: Mapping[str, JobTarget], job_ids: Sequence[str], ci: object = None) -> dict[str, Any]:
    """What an audit entry says of a request's targets: `target` (and `target_label`) when it acts
    in one, as named_target, with the bucket and region it meant when the request was made;
    `targets` and `target_labels` when its jobs were found in several (`audit --target` finds
    either); nothing with one target, so single-target entries are as before."""
    if target:
        named: dict[str, Any] = named_target(target, ci)
        kept = next((p for p in found_in.values() if p.name == target and p.bucket), None)
        return {**named, "target_label": kept.label} if kept else named
    places = list({found_in[j].name: found_in[j] for j in job_ids if j in found_in}.values())
    if not places:
        return {}
    return {"targets": [p.name for p in places], "target_labels": [p.label for p in places]}


def _in_target(outcome: _Named, target: str) -> _Named:
    """With several targets, every outcome and answer names the target (name, bucket, region)."""
    if target:
        outcome["target"] = target
    return outcome


def failed(job_id: str, error: CIError, state: str = "", confirmed: bool = False, refused: bool = False) -> JobOutcome:
    outcome: JobOutcome = {
        "job_id": job_id,
        "result": FAILED,
        "ok": False,
        "code": error.code,
        "message": error.message,
        "request_id": error.request_id,
        "status": error.status,
        "hint": error.hint,
        "state": state,
        "confirmed": confirmed,
    }
    if refused:
        outcome["refused"] = True
    return _in_target(outcome, error.target)


def unknown(job_id: str, error: CIError | None, why: str = "") -> JobOutcome:
    outcome: JobOutcome = {
        "job_id": job_id,
        "result": UNKNOWN,
        "ok": False,
        "code": error.code if error else "Unknown",
        "message": (error.message if error else why) or why,
        "request_id": error.request_id if error else "",
        "status": error.status if error else None,
        "hint": UNKNOWN_HINT,
        "confirmed": False,
    }
    return _in_target(outcome, error.target if error else "")


NOT_SENT = "NotSent"  # the code of a job the bot stopped before sending, in this run


def not_sent(job_id: str, why: str, target: str = "") -> JobOutcome:
    """A job the bot never sent (stopped before it): certainly not cancelled by us. `target`: the
    label of the target it would have been sent to, when known (several targets)."""
    outcome: JobOutcome = {
        "job_id": job_id,
        "result": FAILED,
        "ok": False,
        "code": NOT_SENT,
        "message": why,
        "request_id": "",
        "status": None,
        "hint": "Nothing was sent for this job; send it again if needed.",
        "confirmed": False,
    }
    return _in_target(outcome, target)


ENDED = "AlreadyEnded"  # the code of a job that had ended before its cancel: nothing was sent
#: What an outcome keeps of the evidence read before it (a StatusAnswer's plain JSON fields).
EVIDENCE_KEYS = (
    "state",
    "running",
    "stream_url",
    "data_id",
    "creation_time",
    "flags",
    "flagged_snapshots",
    "flagged_audio",
    "top_score",
    "last_flag_ms",
    "read_at",
)


def already_ended(job_id: str, answer: StatusAnswer) -> JobOutcome:
    """A job the query API showed ended (any state but Submitted/Auditing): no cancel was sent.
    An ended job never runs again, so an earlier answer saying so is still true."""
    state = answer.get("state") or "?"
    outcome: JobOutcome = {
        "job_id": job_id,
        "result": FAILED,  # not cancelled by us: "Retry failed" may send it, and is checked again
        "ok": False,
        "code": ENDED,
        "message": f"already ended (State {state}): no cancel sent",
        "request_id": answer.get("request_id") or "",
        "status": None,
        "hint": "The query API showed this job had ended, so there was nothing to cancel and nothing was sent.",
        "state": state,
        "confirmed": True,
    }
    return with_evidence(_in_target(outcome, answer.get("target") or ""), answer)


def is_already_ended(outcome: JobOutcome) -> bool:
    return outcome.get("code") == ENDED


def with_evidence(outcome: JobOutcome, answer: StatusAnswer | None) -> JobOutcome:
    """The outcome with the evidence read before it (when an answer was read)."""
    if answer is not None and answer["ok"]:
        read = dict(answer)
        outcome["evidence"] = {key: read[key] for key in EVIDENCE_KEYS if key in read}
    return outcome


def maybe_sent_before(stopped: JobOutcome) -> JobOutcome:
    """A job this round sent nothing for (placement stopped it) whose earlier round's send may
    have landed: unknown, not failed (a job is never reported failed when it was cancelled)."""
    outcome = cast(JobOutcome, {**stopped, "result": UNKNOWN, "confirmed": False, "hint": UNKNOWN_HINT})
    outcome["message"] = f"{stopped.get('message') or ''}; an earlier send may have cancelled it"
    outcome.pop("refused", None)
    return outcome


def unapplied(outcomes: Sequence[JobOutcome]) -> list[str]:
    """Jobs no cancel of ours can have ended: Tencent refused the round's cancel (the only one
    sent: an earlier one would have been confirmed instead). Not a job a query showed still
    running after a lost answer (that cancel may still be under way at Tencent), nor one this
    round sent nothing for (stopped, its target moved: an earlier round may have sent it), nor an
    old row without the mark."""
    return [o["job_id"] for o in outcomes if not o["ok"] and o.get("result") == FAILED and o.get("refused")]


def may_have_applied(error: CIError, sent_before: bool) -> bool:
    """Could this job have been cancelled although the answer says otherwise (or was lost)?

    A 200 whose body cannot be read most likely means it was: the query API says for sure.
    """
    return bool(isinstance(error, CIBadResponse) or sent_before or getattr(error, "after_ambiguous", False) or getattr(error, "maybe_applied", False))


def status_dict(job_id: str, status: JobStatus | CIError, read_at: float | None = None, found: Evidence | None = None) -> StatusAnswer:
    """One job's answer; `read_at`: when it was read (default: now); `found`: its evidence, when
    summed up already (a cached reading keeps no flag records)."""
    read_at = time.time() if read_at is None else read_at
    if isinstance(status, CIError):
        answer: StatusAnswer = {
            "job_id": job_id,
            "ok": False,
            "code": status.code,
            "message": status.message,
            "request_id": status.request_id,
            "hint": status.hint,
        }
        return _in_target(answer, status.target)
    answer = {
        "job_id": job_id,
        "ok": True,
        "state": status.state,
        "stream_url": status.stream_url,
        "data_id": status.data_id,
        "creation_time": status.creation_time,
        "request_id": status.request_id,
    }
    add_evidence(answer, found or evidence_of(status, read_at), status)
    return _in_target(answer, status.target)


def add_evidence(answer: StatusAnswer, found: Evidence, status: JobStatus) -> None:
    """The evidence's fields on an answer (absent values stay absent, so JSON holds no nulls)."""
    answer["running"] = found.running
    answer["flags"] = dict(found.counts)  # a copy: a cached reading is shared
    answer["flagged_snapshots"] = found.snapshots
    answer["flagged_audio"] = found.audio
    answer["read_at"] = round(found.read_at, 3)
    if found.highest_score is not None:
        answer["top_score"] = found.highest_score
    if found.last_flag_ms is not None:
        answer["last_flag_ms"] = found.last_flag_ms
    if status.result is not None:
        answer["result"] = status.result
    if status.label:
        answer["label"] = status.label


def summarize(outcomes: list[JobOutcome]) -> tuple[Result, Summary]:
    """The audit verdict of a batch ("cancelled" only if every job was) and its summary."""
    count = {kind: [o["job_id"] for o in outcomes if result_of(o) == kind] for kind in Result}
    summary: Summary = {
        "jobs": len(outcomes),
        "cancelled": len(count[CANCELLED]),
        "failed_jobs": count[FAILED],
        "unknown_jobs": count[UNKNOWN],
        "results": outcomes,
    }
    return (CANCELLED if len(count[CANCELLED]) == len(outcomes) else FAILED), summary
