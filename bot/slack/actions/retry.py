"""Retry failed (on a result or a finished approval message): store the click, acknowledge; the
task sends the failed and unknown jobs again, once per round however many clicks arrive."""

from __future__ import annotations

from bot.domain import oncall
from bot.slack.actions.approve import caller_of
from bot.slack.request_blocks import RETRY_ACTION
from bot.slack.respond import say_privately
from bot.slack.services import Services, accept, new_key


def register(app, services: Services) -> None:
    @app.action(RETRY_ACTION)
    def on_retry(ack, body, context):
        caller = caller_of(body)
        request_id, _, round_seen = body["actions"][0].get("value", "").partition(":")
        task = oncall.retry_task(new_key("click"), caller, request_id, int(round_seen) if round_seen.isdigit() else 0)
        problem = accept(services, task, context)
        ack()
        if problem:
            say_privately(caller.response_url, problem)
