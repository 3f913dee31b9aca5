"""What the workflow announces, as durable delivery tasks (the Slack layer delivers them).

Every announcement is stored, in the same transaction as the state change it reports where
there is one, and delivered by a retrying courier: a failed Slack call can delay a message
but never stop the work. Keys make storing idempotent (a re-run task stores nothing twice);
announcements that change one message, or go to one person, share a stream, so they arrive
in the order they were made: the approval message's stream is the request id, the requester's
is `<request id>:requester`. Separate streams let the update that takes the buttons away go
while the requester's earlier "asked on-call" message is still on its way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from bot.domain.outcomes import StatusAnswer
from bot.domain.states import Announcement, Lane, State
from bot.store import BACKGROUND, DECIDE, POST, REPORT, NewTask, Request

# The names the Slack layer has always used for the announcement kinds and their lanes.
LANE, HOME_LANE = Lane.SLACK, Lane.HOME
TELL = Announcement.TELL
STATUS = Announcement.STATUS
APPROVAL_POST = Announcement.APPROVAL_POST
APPROVAL_UPDATE = Announcement.APPROVAL_UPDATE
RESULT = Announcement.RESULT
REQUESTER_DM = Announcement.REQUESTER_DM
REMINDER = Announcement.REMINDER
ESCALATION = Announcement.ESCALATION
ESCALATION_DM = Announcement.ESCALATION_DM
ESCALATION_DM_CLOSED = Announcement.ESCALATION_DM_CLOSED
PENDING = Announcement.PENDING
HOME = Announcement.HOME
KINDS = tuple(Announcement)
#: Each announcement's class: the update that takes the buttons away goes before anything else.
CLASSES: dict[str, int] = {
    APPROVAL_UPDATE: DECIDE,
    APPROVAL_POST: POST,
    RESULT: REPORT,
    REQUESTER_DM: REPORT,
    TELL: REPORT,
    STATUS: BACKGROUND,
    PENDING: BACKGROUND,
    REMINDER: BACKGROUND,
    ESCALATION: POST,  # an unanswered request is an incident: before results and look-ups
    ESCALATION_DM: POST,
    ESCALATION_DM_CLOSED: REPORT,
    HOME: BACKGROUND,
}
LANES: dict[str, str] = {kind: HOME_LANE if kind == HOME else LANE for kind in KINDS}


@dataclass(frozen=True)
class Caller:
    user_id: str
    channel_id: str
    response_url: str | None = None
    #: For button clicks: the (channel, ts) of the message clicked, as Slack reports it.
    message: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Caller:
        message = data.get("message")
        return cls(data["user_id"], data.get("channel_id", ""), data.get("response_url"), (message[0], message[1]) if message else None)


@dataclass(frozen=True)
class AnnouncePayload:
    """An announcement's payload. Each kind sets only the fields it uses (see its builder below);
    `to_dict` writes just those, in the order they have always been stored."""

    request_id: str | None = None
    caller: Caller | None = None
    user_id: str | None = None
    text: str | None = None
    statuses: list[StatusAnswer] | None = None  # each job's state when it was looked up
    request_ids: list[str] | None = None
    approver: bool | None = None
    opened: bool | None = None  # Home: the user opened the tab (else a refresh after a change)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if value is not None:
                data[name] = value.to_dict() if isinstance(value, Caller) else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnouncePayload:
        caller = data.get("caller")
        return cls(
            request_id=data.get("request_id"),
            caller=Caller.from_dict(caller) if caller else None,
            user_id=data.get("user_id"),
            text=data.get("text"),
            statuses=data.get("statuses"),
            request_ids=data.get("request_ids"),
            approver=data.get("approver"),
            opened=data.get("opened"),
        )


def _task(kind: Announcement, key: str, stream: str, payload: AnnouncePayload) -> NewTask:
    return NewTask(key=key, kind=kind, lane=LANE, payload=payload.to_dict(), stream=stream)


def tell(caller: Caller, text: str, key: str, stream: str | None = None) -> NewTask:
    """A message only `caller` sees."""
    return _task(TELL, f"{key}:tell", stream or key, AnnouncePayload(caller=caller, text=text))


def status(caller: Caller, statuses: list[StatusAnswer], key: str) -> NewTask:
    return _task(STATUS, f"{key}:status", key, AnnouncePayload(caller=caller, statuses=statuses))


def approval_post(request_id: str, statuses: list[StatusAnswer]) -> NewTask:
    """The request with its buttons, in APPROVAL_CHANNEL; `statuses`: each job's state at request time."""
    return _task(APPROVAL_POST, f"{request_id}:post", request_id, AnnouncePayload(request_id=request_id, statuses=statuses))


def _round(retries: int) -> str:
    """Keys of a "Retry failed" round's announcements differ from the first round's."""
    return f":retry{retries}" if retries else ""


def approval_update(request_id: str, state: State, retries: int = 0) -> NewTask:
    """Re-render the approval message for the request's state (buttons gone once decided)."""
    return _task(APPROVAL_UPDATE, f"{request_id}:update:{state}{_round(retries)}", request_id, AnnouncePayload(request_id=request_id))


def result(request: Request, caller: Caller) -> NewTask:
    """The outcome of an on-call cancel, in the channel the command came from; after a retry,
    in place of the result message whose button was clicked (Slack told us which)."""
    return _task(RESULT, f"{request.id}:result{_round(request.retries)}", request.id, AnnouncePayload(request_id=request.id, caller=caller))


def evidence_update(request_id: str, statuses: list[StatusAnswer], key: str) -> NewTask:
    """Re-render the approval message with evidence just read (a Refresh click, `key`)."""
    return _task(APPROVAL_UPDATE, f"{request_id}{EVIDENCE_KEY}{key}", request_id, AnnouncePayload(request_id=request_id, statuses=statuses))


EVIDENCE_KEY = ":evidence:"  # in the key of each card update that stores a Refresh's answers


def requester_stream(request_id: str) -> str:
    """What the requester is told about a request, in order, apart from the approval message."""
    return f"{request_id}:requester"


def requester_dm(request_id: str, state: State, requester: str, retries: int = 0) -> NewTask:
    key = f"{request_id}:dm:{state}{_round(retries)}"
    return _task(REQUESTER_DM, key, requester_stream(request_id), AnnouncePayload(request_id=request_id, user_id=requester))


def reminder(request_id: str, after: float) -> NewTask:
    """One reminder in the approval message's thread `after` seconds from when it is stored (by
    the database's clock), if the request is still pending.

    No stream: it waits until then, and the request's other announcements must not wait for it.
    """
    return NewTask(key=f"{request_id}:reminder", kind=REMINDER, lane=LANE, payload=AnnouncePayload(request_id=request_id).to_dict(), delay=after)


def pending(caller: Caller, request_ids: list[str], approver: bool, key: str) -> NewTask:
    """The caller's open requests (on-call: everyone's), shown only to them."""
    return _task(PENDING, f"{key}:pending", key, AnnouncePayload(caller=caller, request_ids=request_ids, approver=approver))


def home(user_id: str, version: int) -> NewTask:
    """Refresh `user_id`'s Home tab after change `version` (store.homes.queue_refreshes coalesces a burst)."""
    return NewTask(
        key=f"home:{user_id}:{version}",
        kind=HOME,
        lane=HOME_LANE,
        payload=AnnouncePayload(user_id=user_id, opened=False).to_dict(),
        stream=home_stream(user_id),
    )


def home_opened(user_id: str, event_id: str) -> NewTask:
    """`user_id` opened the Home tab: remember them and show it (Slack's retries share the event id)."""
    return NewTask(
        key=f"home:opened:{event_id}",
        kind=HOME,
        lane=HOME_LANE,
        payload=AnnouncePayload(user_id=user_id, opened=True).to_dict(),
        stream=home_stream(user_id),
    )


def home_stream(user_id: str) -> str:
    """One user's Home publishes run one at a time, in order."""
    return f"home:{user_id}"
