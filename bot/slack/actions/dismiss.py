"""Dismiss, on a proposal: the Deny of a request without the reason form (nothing was
asked by a person who would read it); the task decides it once and audits it `dismissed`."""

from __future__ import annotations

from bot.domain import kinds
from bot.slack import proposal_blocks as pb
from bot.slack.actions.approve import decider_of
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def register(app, services: Services) -> None:
    @app.action(pb.DISMISS_ACTION)
    def on_dismiss(ack, body, context):
        caller, request_id = decider_of(body), body["actions"][0].get("value", "")
        problem = accept(services, kinds.click_task(new_key("click"), kinds.DENY, caller, request_id), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
