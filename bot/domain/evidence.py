"""What moderation has found so far on a job, as on-call needs it to decide: whether the job is
still running, its flagged frames and audio sections counted by label, the highest score, the
time of the last flag, and when this was read. Flagged images are never part of it: the
adapter drops their URLs when it parses the answer."""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.tencent.results import AUDIO, SNAPSHOT, Flag, JobStatus

_K = TypeVar("_K")

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


#: How long a read answers for a job again without a call: a burst of cards (a request, its
#: Refresh clicks, `status`) for one job makes one call.
FRESH_SECONDS = 10.0
KEEP = 10_000  # readings remembered per process (the newest of each job, for re-rendering)
STRIPES = 256  # reads of one job wait for each other; of different jobs, rarely


@dataclass(frozen=True)
class Reading:
    """One query answer and when it came (seconds since the epoch)."""

    status: JobStatus
    read_at: float


class EvidenceCache:
    """Recent query answers, in this process, by (target named, job). Only answers are kept, never
    errors (the next read asks again). A job's newest reading is also remembered, whatever its
    age, for what a re-rendered card shows and for the checked cancel: an ended job never runs
    again, so an old reading that says ended is still true."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS, keep: int = KEEP, clock: Callable[[], float] = time.time) -> None:
        self.fresh_seconds = fresh_seconds
        self.keep = keep
        self._clock = clock
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(STRIPES)]
        self._readings: OrderedDict[tuple[str, str], Reading] = OrderedDict()
        self._newest: OrderedDict[str, Reading] = OrderedDict()

    def read(self, target: str, job_id: str, fetch: Callable[[], JobStatus]) -> Reading:
        """A reading at most `fresh_seconds` old, from `fetch` (the query) if there is none.
        Concurrent reads of one job wait for the first one's answer instead of asking again."""
        with self._stripes[hash((target, job_id)) % STRIPES]:
            reading = self.fresh(target, job_id)
            if reading is None:
                reading = Reading(fetch(), self._clock())
                self.remember(target, job_id, reading)
            return reading

    def fresh(self, target: str, job_id: str) -> Reading | None:
        with self._lock:
            reading = self._readings.get((target, job_id))
        if reading is None or self._clock() - reading.read_at > self.fresh_seconds:
            return None
        return reading

    def remember(self, target: str, job_id: str, reading: Reading) -> None:
        with self._lock:
            self._put(self._readings, (target, job_id), reading)
            newest = self._newest.get(job_id)
            if newest is None or newest.read_at <= reading.read_at:
                self._put(self._newest, job_id, reading)

    def newest(self, job_id: str) -> Reading | None:
        """The job's newest reading in this process, however old."""
        with self._lock:
            return self._newest.get(job_id)

    def forget(self, job_id: str) -> None:
        """A cancel was sent for the job: what was read before may no longer be true."""
        with self._lock:
            self._newest.pop(job_id, None)
            for key in [k for k in self._readings if k[1] == job_id]:
                del self._readings[key]

    def _put(self, table: OrderedDict[_K, Reading], key: _K, reading: Reading) -> None:
        table[key] = reading
        table.move_to_end(key)
        while len(table) > self.keep:
            table.popitem(last=False)
