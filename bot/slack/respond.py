"""Answers through a command's or click's response_url (Slack's webhook, not the Web API).

Neither route can be looked up afterwards, so these never raise RetryLater: a caller-only
answer is sent by a second route only when the first certainly failed.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.error import URLError

from slack_sdk.webhook import WebhookClient

from bot.observe.logs import event
from bot.slack.calls import slack_call

log = logging.getLogger("bot.slack.courier")  # its name before the move: operators filter JSON lines on `logger`


def respond(response_url: str, **payload: Any) -> bool:
    """Answer through the command's or click's response_url; False only if Slack certainly did
    not take it (it said no, or the request never reached it), so another route may be tried.

    An answer lost or late after the request was sent may hide a post that landed, and Slack
    offers no look-up for either route: the caller would see it twice, so it counts as sent.
    No SDK retries either: its default one re-sends after a lost answer."""
    try:
        return WebhookClient(response_url, timeout=10, retry_handlers=[]).send(**payload).status_code == 200
    except URLError as exc:  # urllib raises it only while connecting or sending: nothing reached Slack
        event(log, "slack.respond_failed", logging.WARNING, error=type(exc.reason).__name__)
        return False
    except Exception as exc:
        event(log, "slack.respond_in_doubt", logging.WARNING, error=type(exc).__name__)
        return True


def say_privately(response_url: str | None, text: str) -> None:
    """For a click we could not take: the clicker hears why (there is no ack text for clicks)."""
    if not response_url:
        return
    with slack_call("response_url", failed="slack.respond_failed", retry=False, logger=log):
        WebhookClient(response_url, timeout=5).send(text=text, response_type="ephemeral", replace_original=False)
