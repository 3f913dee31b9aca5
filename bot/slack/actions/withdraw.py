"""The Withdraw button (approval message or Home tab): store the click, acknowledge; the task
checks that the clicker is the requester (anyone else is refused and audited)."""

from __future__ import annotations

from bot.domain import oncall
from bot.slack.actions.approve import caller_of, stored_click
from bot.slack.request_blocks import WITHDRAW_ACTION
from bot.slack.services import Services


def register(app, services: Services) -> None:
    app.action(WITHDRAW_ACTION)(stored_click(services, oncall.WITHDRAW, who=caller_of))
