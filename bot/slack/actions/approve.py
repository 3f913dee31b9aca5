"""The Approve button (its confirm dialog is Slack's): store the click, acknowledge, decide after."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain import kinds
from bot.domain.announce import Caller
from bot.domain.states import TaskKind
from bot.slack.request_blocks import APPROVE_ACTION
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def caller_of(body: dict) -> Caller:
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return Caller(body["user"]["id"], channel, body.get("response_url"), (channel, ts) if ts else None)


def decider_of(body: dict) -> Caller:
    """An Approve or Deny click. In a direct message (an escalation's) the clicked message is not
    the card: it names none, so it is never taken for the card (the decision updates the card)."""
    caller = caller_of(body)
    if caller.message and in_direct_message(body, caller.channel_id):
        return Caller(caller.user_id, caller.channel_id, caller.response_url)
    return caller


def in_direct_message(body: dict, channel: str) -> bool:
    """A click in a direct message with the bot (Slack names such a channel `directmessage`, its ID starts with D)."""
    return (body.get("channel") or {}).get("name") == "directmessage" or channel.startswith("D")


def stored_click(services: Services, kind: TaskKind, who: Callable[[dict], Caller] = decider_of) -> Callable[..., None]:
    """A button whose click is a task of `kind` on the request it names (Approve, Cancel stream,
    Dismiss, Withdraw): stored before the acknowledgement; a refusal is told to the clicker only."""

    def on_click(ack, body, context) -> None:
        caller, request_id = who(body), body["actions"][0].get("value", "")
        problem = accept(services, kinds.click_task(new_key("click"), kind, caller, request_id), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)

    return on_click


def register(app, services: Services) -> None:
    app.action(APPROVE_ACTION)(stored_click(services, kinds.APPROVE))
