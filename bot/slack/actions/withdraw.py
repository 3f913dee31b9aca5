"""The Withdraw button (approval message or Home tab): store the click, acknowledge; the task
checks that the clicker is the requester (anyone else is refused and audited)."""

from __future__ import annotations

from bot.domain import kinds, oncall
from bot.slack.actions.approve import caller_of
from bot.slack.request_blocks import WITHDRAW_ACTION
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def register(app, services: Services) -> None:
    @app.action(WITHDRAW_ACTION)
    def on_withdraw(ack, body, context):
        caller, request_id = caller_of(body), body["actions"][0].get("value", "")
        problem = accept(services, kinds.click_task(new_key("click"), oncall.WITHDRAW, caller, request_id), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
