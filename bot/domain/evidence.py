"""What moderation has found so far on a job, as on-call needs it to decide: whether the job is
still running, its flagged frames and audio sections counted by label, the highest score, the
time of the last flag, and when this was read. Flagged images are never part of it: the
adapter drops their URLs when it parses the answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.tencent.results import AUDIO, SNAPSHOT, Flag, JobStatus

#: Tencent's states of a job still moderating; any other (Success, Failed, a cancelled job's
#: undocumented state) is ended.
RUNNING_STATES = frozenset({"submitted", "auditing"})
NOTHING_FLAGGED = "nothing flagged"
UNLABELLED = "Unlabelled"  # a flag whose Label was missing


def is_running(state: str) -> bool:
    """True while the job is `Submitted` or `Auditing` (compared without case)."""
    return state.strip().lower() in RUNNING_STATES


def flagged(flags: Iterable[Flag]) -> list[Flag]:
    """The snapshots and audio sections with Result 1 (violation) or 2 (suspected)."""
    return [f for f in flags if f.flagged]


def counts_by_label(flags: Iterable[Flag]) -> dict[str, int]:
    """How many flags carry each label, most first (then by label)."""
    counts = Counter(f.label or UNLABELLED for f in flagged(flags))
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def counts_line(counts: Mapping[str, int]) -> str:
    """`Porn 3 · Ads 1`, most first; `nothing flagged` when empty. Order is recomputed here, so
    counts read back from JSON in any key order give the same line."""
    ordered = sorted(((label, n) for label, n in counts.items() if n > 0), key=lambda item: (-item[1], item[0]))
    return " · ".join(f"{label} {n}" for label, n in ordered) or NOTHING_FLAGGED


@dataclass(frozen=True)
class Evidence:
    """One job's evidence as read at `read_at` (seconds since the epoch)."""

    state: str
    running: bool
    counts: dict[str, int]  # flags by label, most first
    snapshots: int  # flagged snapshots
    audio: int  # flagged audio sections
    highest_score: int | None
    last_flag_ms: int | None  # ms since the epoch
    read_at: float

    @property
    def line(self) -> str:
        return counts_line(self.counts)


def evidence_of(status: JobStatus, read_at: float) -> Evidence:
    """Summarise a query answer; `read_at`: when it was read."""
    hits = flagged(status.flags)
    scores = [f.score for f in hits if f.score is not None]
    times = [f.at_ms for f in hits if f.at_ms is not None]
    return Evidence(
        state=status.state,
        running=is_running(status.state),
        counts=counts_by_label(hits),
        snapshots=sum(1 for f in hits if f.kind == SNAPSHOT),
        audio=sum(1 for f in hits if f.kind == AUDIO),
        highest_score=max(scores) if scores else None,
        last_flag_ms=max(times) if times else None,
        read_at=read_at,
    )
