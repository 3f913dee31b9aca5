"""Finding a message the bot already posted, by its metadata: after a crash (or a lost answer)
between Slack accepting a post and the store recording it, the retry looks before posting."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.observe.logs import event

log = logging.getLogger(__name__)


# Slack answers that mean "you may not look here": looking would never succeed, so the post
# goes ahead (a possible duplicate beats an audit channel stuck for good) and we say so.
CANNOT_LOOK = {"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"}


def find_posted(client: WebClient, channel: str, event_type: str, field: str, value: object, oldest: float) -> str | None:
    """The ts of the bot's message in `channel` whose metadata has `field == value`, or None.

    Needs channels:history (public channels) or groups:history (private ones). Raises on a
    passing Slack failure, so the caller retries rather than posting a second copy.
    """
    cursor = None
    while True:
        try:
            page = client.conversations_history(channel=channel, oldest=f"{max(oldest, 0):.6f}", limit=200, include_all_metadata=True, cursor=cursor)
        except SlackApiError as exc:
            if exc.response.get("error") not in CANNOT_LOOK:
                raise
            event(log, "slack.history_unavailable", logging.WARNING, channel=channel, error=exc.response.get("error"))
            return None
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == event_type and (metadata.get("event_payload") or {}).get(field) == value:
                return message["ts"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None


def posted_replies(client: WebClient, channel: str, thread_ts: str, event_type: str, field: str, value: object) -> set[int]:
    """The `part` numbers of the bot's replies under `thread_ts` whose metadata has `field == value`."""
    parts: set[int] = set()
    cursor = None
    while True:
        page = client.conversations_replies(channel=channel, ts=thread_ts, limit=200, include_all_metadata=True, cursor=cursor)
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == event_type and payload.get(field) == value and "part" in payload:
                parts.add(int(payload["part"]))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return parts
