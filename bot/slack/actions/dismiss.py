"""Dismiss, on a proposal: the Deny of a request without the reason form (nothing was
asked by a person who would read it); the task decides it once and audits it `dismissed`."""

from __future__ import annotations

from bot.domain import kinds
from bot.slack import proposal_blocks as pb
from bot.slack.actions.approve import stored_click
from bot.slack.services import Services


def register(app, services: Services) -> None:
    app.action(pb.DISMISS_ACTION)(stored_click(services, kinds.DENY))
