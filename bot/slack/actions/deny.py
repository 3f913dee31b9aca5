"""The Deny button: store the click, acknowledge, and open the reason form at once (Slack's
trigger_id lasts a few seconds) if the clicker may decide; a refusal is recorded by the task."""

from __future__ import annotations

from bot.domain import kinds
from bot.slack.actions.approve import decider_of
from bot.slack.form_blocks import deny_form
from bot.slack.request_blocks import DENY_ACTION
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key, open_view


def register(app, services: Services) -> None:
    @app.action(DENY_ACTION)
    def on_deny(ack, body, context):
        caller, request_id = decider_of(body), body["actions"][0].get("value", "")
        problem = accept(services, kinds.click_task(new_key("click"), kinds.DENY_CLICK, caller, request_id), context)
        ack()
        if problem:
            return say_privately(caller.response_url, problem)
        _, why = services.workflow.check_decider(None, caller, request_id, "deny")
        if why is None:
            open_view(services, body["trigger_id"], deny_form(request_id, caller))
