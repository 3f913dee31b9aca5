"""The Refresh button on a request card: store the click, acknowledge; the task re-reads the
jobs' evidence (below cancels, shared by a burst of clicks) and updates the card."""

from __future__ import annotations

from bot.domain import lookups
from bot.slack.actions.approve import caller_of
from bot.slack.request_blocks import REFRESH_ACTION
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def register(app, services: Services) -> None:
    @app.action(REFRESH_ACTION)
    def on_refresh(ack, body, context):
        caller, request_id = caller_of(body), body["actions"][0].get("value", "")
        problem = accept(services, lookups.refresh_task(new_key("click"), caller, request_id), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
