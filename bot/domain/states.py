"""The domain's vocabulary: request states and kinds, job results, audit events, task kinds,
lanes and announcement kinds; and the stored shape of one job's outcome.

StrEnums, because each value is stored (old databases hold these exact strings) or sent: a
member compares equal to its string and serialises as it. Plain Python with no imports from
the rest of bot/, so the store may filter by these states without depending on the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NotRequired, TypedDict


class State(StrEnum):
    """A cancellation request's state (requests.state)."""

    PENDING = "pending"
    APPROVED = "approved"  # decided (or direct): the execution runs or will
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    DONE = "done"  # executed: every job has an outcome


class RequestKind(StrEnum):
    DIRECT = "direct"  # on-call's own cancel, no approval round
    APPROVAL = "approval"  # a requester's ask, decided by on-call
    CLI = "cli"  # an operator's `python -m bot cancel`
    PROPOSAL = "proposal"  # Tencent moderation flagged a running job: on-call may cancel the stream or dismiss


class Result(StrEnum):
    """One job's outcome, and a batch's verdict (cancelled only if every job was)."""

    CANCELLED = "cancelled"
    FAILED = "failed"
    UNKNOWN = "unknown"


class AuditEvent(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    ESCALATED = "escalated"  # undecided after ESCALATE_AFTER_SECONDS: the next level was called
    STARTED = "started"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUSED = "refused"
    PROPOSED = "proposed"  # a moderation callback, confirmed by the query API, made a proposal
    DISMISSED = "dismissed"  # on-call dismissed a proposal: nothing was cancelled


class CommandKind(StrEnum):
    """What a slash command asks for (stored in its task's payload)."""

    CANCEL = "cancel"
    STATUS = "status"
    PENDING = "pending"
    HELP = "help"


class TaskKind(StrEnum):
    """The workflow's durable task kinds (what the Slack listeners store)."""

    COMMAND = "command"
    LOOKUP = "lookup"
    REQUEST = "request"
    APPROVE = "approve"
    DENY = "deny"
    DENY_CLICK = "deny_click"
    EXECUTE = "execute"
    WITHDRAW = "withdraw"
    RETRY = "retry"
    REFRESH = "refresh"  # re-read a request card's evidence
    CALLBACK = "callback"  # a moderation callback's hint: ask the query API, maybe propose
    ESCALATE = "escalate"  # due ESCALATE_AFTER_SECONDS after a request is stored
    ESCALATION_MEMBERS = "escalation_members"  # the DMs of next-level groups unreadable when it was escalated


class Announcement(StrEnum):
    """What the courier delivers (task kinds too)."""

    TELL = "slack.tell"
    STATUS = "slack.status"
    APPROVAL_POST = "slack.approval_post"
    APPROVAL_UPDATE = "slack.approval_update"
    RESULT = "slack.result"
    REQUESTER_DM = "slack.requester_dm"
    REMINDER = "slack.reminder"
    ESCALATION = "slack.escalation"  # the reply in the card's thread mentioning the next level
    ESCALATION_DM = "slack.escalation_dm"  # one per member of the next level
    ESCALATION_DM_CLOSED = "slack.escalation_dm_closed"  # that message once the request is decided: no buttons
    PENDING = "slack.pending"
    HOME = "slack.home"


class Lane(StrEnum):
    URGENT = "urgent"  # decisions and their cancels
    LOOKUPS = "lookup"  # slow look-ups: requests' evidence, `status`
    SLACK = "slack"  # announcements
    HOME = "home"  # Home refreshes: the lowest class, so they never delay an announcement


class JobOutcome(TypedDict):
    """One job's outcome, exactly as journaled (job_results.outcome) and stored with the request:
    JSON, so a TypedDict (its keys vary with the result; old rows must keep reading)."""

    job_id: str
    result: NotRequired[str]  # a Result; rows from before results had names lack it (see result_of)
    ok: bool
    confirmed: NotRequired[bool]
    refused: NotRequired[bool]  # Tencent refused this very cancel for certain (an error it answered): it did nothing
    data_id: NotRequired[str]
    creation_time: NotRequired[str]
    request_id: str
    state: NotRequired[str]
    code: NotRequired[str]
    message: NotRequired[str]
    status: NotRequired[int | None]
    hint: NotRequired[str]
    target: NotRequired[str]  # with several targets: where it was acted on (name, bucket, region)
    # What the query API said of the job before it was acted on (outcomes.EVIDENCE_KEYS of a
    # StatusAnswer): shown with the result. Never a flagged image's URL.
    evidence: NotRequired[dict[str, object]]


@dataclass(frozen=True)
class JobTarget:
    """Where a request's job is acted on (several targets): the target's name, and the bucket and
    region that name meant when the request was made. Stored with the request, so its approval
    acts there without asking again, and nowhere if the name has come to mean another bucket."""

    name: str
    bucket: str = ""  # "": not known (a CI port that cannot tell): the name alone is kept
    region: str = ""

    @property
    def label(self) -> str:
        """As every message names a target: name, bucket and region."""
        return f"{self.name} ({self.bucket} @ {self.region})" if self.bucket else self.name

    def to_dict(self) -> dict[str, str]:
        return {"target": self.name, "bucket": self.bucket, "region": self.region}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> JobTarget:
        return cls(data["target"], data.get("bucket") or "", data.get("region") or "")
