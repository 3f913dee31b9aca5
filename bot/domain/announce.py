"""What the workflow announces, as durable delivery tasks (the Slack layer delivers them).

Every announcement is stored, in the same transaction as the state change it reports where
there is one, and delivered by a retrying courier: a failed Slack call can delay a message
but never stop the work. Keys make storing idempotent (a re-run task stores nothing twice);
announcements about one request share a stream, so they arrive in the order they were made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..store import NewTask, Request

LANE = "slack"
TELL = "slack.tell"
STATUS = "slack.status"
APPROVAL_POST = "slack.approval_post"
APPROVAL_UPDATE = "slack.approval_update"
RESULT = "slack.result"
REQUESTER_DM = "slack.requester_dm"
KINDS = (TELL, STATUS, APPROVAL_POST, APPROVAL_UPDATE, RESULT, REQUESTER_DM)


@dataclass(frozen=True)
class Caller:
    user_id: str
    channel_id: str
    response_url: str | None = None
    #: For button clicks: the (channel, ts) of the message clicked, as Slack reports it.
    message: tuple[str, str] | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Caller:
        message = data.get("message")
        return cls(data["user_id"], data.get("channel_id", ""), data.get("response_url"),
                   tuple(message) if message else None)


def _task(kind: str, key: str, stream: str, **payload) -> NewTask:
    return NewTask(key=key, kind=kind, lane=LANE, payload=payload, stream=stream)


def tell(caller: Caller, text: str, key: str, stream: str | None = None) -> NewTask:
    """A message only `caller` sees."""
    return _task(TELL, f"{key}:tell", stream or key, caller=caller.to_dict(), text=text)


def status(caller: Caller, statuses: list[dict], key: str) -> NewTask:
    return _task(STATUS, f"{key}:status", key, caller=caller.to_dict(), statuses=statuses)


def approval_post(request_id: str, statuses: list[dict]) -> NewTask:
    """The request with its buttons, in APPROVAL_CHANNEL; `statuses`: each job's state at request time."""
    return _task(APPROVAL_POST, f"{request_id}:post", request_id, request_id=request_id, statuses=statuses)


def approval_update(request_id: str, state: str) -> NewTask:
    """Re-render the approval message for the request's state (buttons gone once decided)."""
    return _task(APPROVAL_UPDATE, f"{request_id}:update:{state}", request_id, request_id=request_id)


def result(request: Request, caller: Caller) -> NewTask:
    """The outcome of an on-call cancel, in the channel the command came from."""
    return _task(RESULT, f"{request.id}:result", request.id, request_id=request.id, caller=caller.to_dict())


def requester_dm(request_id: str, state: str, requester: str) -> NewTask:
    return _task(REQUESTER_DM, f"{request_id}:dm:{state}", request_id, request_id=request_id, user_id=requester)
