"""The queue's vocabulary: what a task is, how urgent it is, and how a handler asks for a retry."""

from __future__ import annotations

import enum
import os
import uuid
from dataclasses import dataclass
from typing import Any


class Priority(enum.IntEnum):
    """Classes of work, most urgent first: a lower class never delays a higher one (in the lanes,
    in claiming, and for the CI rate limit). The application declares the class of each kind."""

    DECIDE = 0  # decisions, their cancels, and the message updates that announce them
    POST = 1  # approval requests (their evidence look-ups included) and their posts
    REPORT = 2  # results, answers to the caller, the requester's messages
    BACKGROUND = 3  # look-ups (status, pending), Home tabs, reminders


CLASSES: tuple[Priority, ...] = tuple(Priority)

Payload = dict[str, Any]  # stored as JSON; the application gives its shape per kind


@dataclass(frozen=True)
class NewTask:
    """A task to store: `key` makes storing it idempotent (a second insert is a no-op)."""

    key: str
    kind: str
    lane: str
    payload: Payload
    stream: str | None = None  # tasks of one stream run one at a time, in the order stored
    done: bool = False  # a marker only (e.g. "this refusal was audited"), nothing to run
    delay: float = 0.0  # run no earlier than this many seconds from now, by the database's clock: a reminder, say


@dataclass(frozen=True)
class Task:
    """A stored task, as claimed by (or accepted for) a worker."""

    seq: int
    key: str
    kind: str
    lane: str
    stream: str | None
    payload: Payload
    owner: str | None
    attempts: int


class RetryLater(Exception):
    """Raised by a task that should run again after `seconds` (Slack asked us to wait, say)."""

    def __init__(self, seconds: float, reason: str, refused: bool = False) -> None:
        super().__init__(reason)
        self.seconds = seconds
        self.refused = refused  # the far side answered no: the call certainly did nothing


class QueueFull(Exception):
    """This process has WORK_QUEUE_LIMIT tasks waiting already: nothing was stored."""


_BOOT = uuid.uuid4().hex


def boot_token(pid: int | None = None) -> str:
    """One per OS process: a random part drawn once per parent (a forked child inherits it) and
    the pid. Its parent, which saw the child `pid` exit, names the child's workers by it; no
    other process, in any container, has the same token."""
    return f"{_BOOT[:20]}:{pid or os.getpid()}"
