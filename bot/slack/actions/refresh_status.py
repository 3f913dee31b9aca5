"""Refresh on a `status` answer: the button holds the command (`status [--target NAME] IDs`);
the click is parsed as that command and stored as a look-up, answered only to the clicker."""

from __future__ import annotations

from bot.domain import commands as grammar
from bot.domain import kinds
from bot.slack.actions.approve import caller_of
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key
from bot.slack.status_blocks import REFRESH_STATUS_ACTION


def register(app, services: Services) -> None:
    @app.action(REFRESH_STATUS_ACTION)
    def on_refresh_status(ack, body, context):
        caller = caller_of(body)
        try:  # the value is our own text, but parsed like a typed command all the same
            parsed = grammar.parse(body["actions"][0].get("value", ""), services.workflow.target_names)
        except grammar.CommandError as exc:
            ack()
            return say_privately(caller.response_url, str(exc))
        if not isinstance(parsed, grammar.Status):
            ack()
            return say_privately(caller.response_url, "That button does not hold a `status` command.")
        problem = accept(services, kinds.command_task(new_key("click"), caller, parsed, lane=kinds.LOOKUPS, kind=kinds.LOOKUP), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
