"""Posts one audit entry to AUDIT_CHANNEL, with its number in the message metadata, so a
retry after a lost answer finds the earlier post instead of making a second one."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from ..store import AuditEntry
from ..worker import RetryLater
from . import blocks as bk
from .courier import retry_or_raise
from .history import find_posted

AUDIT_EVENT = "cancel_moderation_audit"


class AuditPoster:
    def __init__(self, client: WebClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    def __call__(self, entry: AuditEntry, maybe_posted: bool) -> None:
        try:
            if maybe_posted and find_posted(self.client, self.channel, AUDIT_EVENT, "audit_id", entry.id,
                                            oldest=entry.at - 5):
                return
            text, blocks = bk.audit_message(entry)
            self.client.chat_postMessage(channel=self.channel, text=text, blocks=bk.as_dicts(blocks),
                                         metadata={"event_type": AUDIT_EVENT, "event_payload": {"audit_id": entry.id}})
        except SlackApiError as exc:
            retry_or_raise(exc)
            # Refused for good (not_in_channel, say): an audit entry is never dropped, so keep
            # retrying slowly and loudly until an operator fixes the channel.
            raise RetryLater(30.0, f"Slack refused the audit post: {exc.response.get('error')}", refused=True) from None
        except Exception as exc:
            retry_or_raise(exc)
