"""Posts the workflow's decisions to Slack (the domain's Announcer port)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from ..domain.workflow import Caller
from ..logs import event
from ..outbox import RetryLater
from ..store import AuditEntry, Request
from . import blocks as bk

log = logging.getLogger(__name__)


class SlackAnnouncer:
    def __init__(self, client: WebClient, approval_channel: str, wake_outbox: Callable[[], None]) -> None:
        self.client = client
        self.approval_channel = approval_channel
        self._wake = wake_outbox

    # -- caller-only -----------------------------------------------------------------
    def tell(self, caller: Caller, text: str, blocks: list | None = None) -> None:
        payload = {"text": text, **({"blocks": bk.as_dicts(blocks)} if blocks else {})}
        if caller.response_url and _respond(caller.response_url, response_type="ephemeral",
                                            replace_original=False, **payload):
            return
        try:
            self.client.chat_postEphemeral(channel=caller.channel_id, user=caller.user_id, **payload)
        except SlackApiError:
            self._dm(caller.user_id, **payload)  # e.g. the bot is not in that channel

    def status(self, caller: Caller, status: dict) -> None:
        text, blocks = bk.status_message(status)
        self.tell(caller, text, blocks)

    # -- results -----------------------------------------------------------------------
    def direct_result(self, caller: Caller, request: Request) -> None:
        text, blocks = bk.result_message(request)
        payload = {"text": text, "blocks": bk.as_dicts(blocks)}
        try:
            self.client.chat_postMessage(channel=caller.channel_id, **payload)
            return
        except SlackApiError as exc:
            event(log, "slack.post_failed", logging.WARNING, channel=caller.channel_id,
                  error=exc.response.get("error"))
        if caller.response_url and _respond(caller.response_url, response_type="in_channel", **payload):
            return
        self._dm(caller.user_id, **payload)

    # -- approvals ---------------------------------------------------------------------
    def approval_posted(self, request: Request, statuses: list[dict]) -> tuple[str, str] | None:
        text, blocks = bk.approval_message(request, statuses)
        response = self.client.chat_postMessage(channel=self.approval_channel, text=text, blocks=bk.as_dicts(blocks))
        return response["channel"], response["ts"]

    def approval_updated(self, request: Request) -> None:
        if not (request.message_channel and request.message_ts):
            return
        text, blocks = bk.approval_message(request)
        self.client.chat_update(channel=request.message_channel, ts=request.message_ts, text=text,
                                blocks=bk.as_dicts(blocks))

    def tell_requester(self, request: Request) -> None:
        self._dm(request.requester, text=bk.requester_update(request))

    def audit_written(self) -> None:
        self._wake()

    def _dm(self, user_id: str, **payload) -> None:
        try:
            self.client.chat_postMessage(channel=user_id, **payload)
        except SlackApiError as exc:
            event(log, "slack.dm_failed", logging.WARNING, user=user_id, error=exc.response.get("error"))


def _respond(response_url: str, **payload) -> bool:
    """Answer through the command's or click's response_url; False if Slack did not take it."""
    try:
        return WebhookClient(response_url, timeout=10).send(**payload).status_code == 200
    except Exception as exc:
        event(log, "slack.respond_failed", logging.WARNING, error=type(exc).__name__)
        return False


class AuditPoster:
    """Posts one audit entry; turns Slack failures into RetryLater so the outbox keeps it."""

    def __init__(self, client: WebClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    def __call__(self, entry: AuditEntry) -> None:
        text, blocks = bk.audit_message(entry)
        try:
            self.client.chat_postMessage(channel=self.channel, text=text, blocks=bk.as_dicts(blocks))
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise RetryLater(float(exc.response.headers.get("Retry-After", 1) or 1), "rate limited") from None
            raise RetryLater(5.0, str(exc.response.get("error"))) from None
        except Exception as exc:  # network trouble: Slack may be down; keep the entry
            raise RetryLater(5.0, type(exc).__name__) from None
