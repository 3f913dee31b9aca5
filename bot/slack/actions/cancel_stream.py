"""Cancel stream, on a proposal (its confirm dialog is Slack's): the Approve click of a
request, stored before the acknowledgement; the task decides it once and cancels."""

from __future__ import annotations

from bot.domain import kinds
from bot.slack import proposal_blocks as pb
from bot.slack.actions.approve import stored_click
from bot.slack.services import Services


def register(app, services: Services) -> None:
    app.action(pb.CANCEL_STREAM_ACTION)(stored_click(services, kinds.APPROVE))
