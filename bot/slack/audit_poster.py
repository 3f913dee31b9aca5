"""Posts one audit entry to AUDIT_CHANNEL (continued in thread replies when long), with its
number in the message metadata, so a retry after a lost answer finds the earlier post
instead of making a second one."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.slack import blocks as bk
from bot.slack.audit_blocks import audit_message
from bot.slack.calls import error_of, slack_call
from bot.slack.courier import LOOKBACK, NO_UNFURL
from bot.slack.history import find_posted, posted_replies
from bot.store import AuditEntry
from bot.work import RetryLater
from bot.work.outbox import Fence, LeaseLost

log = logging.getLogger(__name__)

AUDIT_EVENT = "cancel_moderation_audit"


class AuditPoster:
    def __init__(self, client: WebClient, channel: str, message_of: Callable[[str], tuple[str, str] | None] = lambda _r: None) -> None:
        self.client = client
        self.channel = channel
        self.message_of = message_of  # request id -> (channel, ts) of its approval message

    def __call__(self, entry: AuditEntry, maybe_posted: bool, fence: Fence) -> None:
        with slack_call("chat.postMessage", logger=log) as call:
            self._post(entry, maybe_posted, fence)
        if call.failed:
            # Refused for good (not_in_channel, say): an audit entry is never dropped, so keep
            # retrying slowly and loudly until an operator fixes the channel.
            raise RetryLater(30.0, f"Slack refused the audit post: {call.error}", refused=True)

    def _post(self, entry: AuditEntry, maybe_posted: bool, fence: Fence) -> None:
        """Look before a post that may have landed; fence() right before each post, so a poster
        that stalled (in a look-up, say) and lost the lease meanwhile posts nothing."""
        text, blocks, replies = audit_message(entry, self._link(entry))
        ts = find_posted(self.client, self.channel, AUDIT_EVENT, "audit_id", entry.id, oldest=entry.at - LOOKBACK) if maybe_posted else None
        done_parts: set[int] = set()
        if ts is None:
            fence()
            # An entry's results may carry a job's stream URL (as text): Slack must not fetch or preview it.
            ts = self.client.chat_postMessage(
                channel=self.channel, text=text, blocks=bk.as_dicts(blocks), metadata=_metadata(entry.id, 1), **NO_UNFURL
            )["ts"]
        elif replies:
            done_parts = posted_replies(self.client, self.channel, ts, AUDIT_EVENT, "audit_id", entry.id)
        try:
            for part, reply in enumerate(replies, start=2):
                if part not in done_parts:
                    fence()
                    self.client.chat_postMessage(
                        channel=self.channel,
                        thread_ts=ts,
                        text=f"{text} (continued)",
                        blocks=bk.as_dicts(reply),
                        metadata=_metadata(entry.id, part),
                        **NO_UNFURL,
                    )
        except LeaseLost:
            raise
        except Exception as exc:
            # The entry itself is in the channel: the retry must look for it, never post it again.
            raise RetryLater(5.0, f"a thread reply failed: {error_of(exc)}", refused=False) from None

    def _link(self, entry: AuditEntry) -> str | None:
        """A link to the request's approval message, where there is one."""
        message = self.message_of(entry.request_id) if entry.request_id else None
        if not message:
            return None
        with slack_call("chat.getPermalink", failed="slack.permalink_failed", retry=False, logger=log):  # the entry is complete without it
            return self.client.chat_getPermalink(channel=message[0], message_ts=message[1]).get("permalink")
        return None


def _metadata(entry_id: int, part: int) -> dict:
    return {"event_type": AUDIT_EVENT, "event_payload": {"audit_id": entry_id, "part": part}}
