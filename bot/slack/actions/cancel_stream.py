"""Cancel stream, on a proposal (its confirm dialog is Slack's): the Approve click of a
request, stored before the acknowledgement; the task decides it once and cancels."""

from __future__ import annotations

from bot.domain import kinds
from bot.slack import proposal_blocks as pb
from bot.slack.actions.approve import decider_of
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def register(app, services: Services) -> None:
    @app.action(pb.CANCEL_STREAM_ACTION)
    def on_cancel_stream(ack, body, context):
        caller, request_id = decider_of(body), body["actions"][0].get("value", "")
        problem = accept(services, kinds.click_task(new_key("click"), kinds.APPROVE, caller, request_id), context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
