"""Finding a message the bot already posted, by its metadata: after a crash (or a lost answer)
between Slack accepting a post and the store recording it, the retry looks before posting."""

from __future__ import annotations

from slack_sdk import WebClient


def find_posted(client: WebClient, channel: str, event_type: str, field: str, value: object, oldest: float) -> str | None:
    """The ts of the bot's message in `channel` whose metadata has `field == value`, or None.

    Needs channels:history (public channels) or groups:history (private ones). Raises on a
    Slack failure, so the caller retries rather than posting a second copy.
    """
    cursor = None
    while True:
        page = client.conversations_history(channel=channel, oldest=f"{max(oldest, 0):.6f}", limit=200,
                                            include_all_metadata=True, cursor=cursor)
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == event_type and (metadata.get("event_payload") or {}).get(field) == value:
                return message["ts"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
