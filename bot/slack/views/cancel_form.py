"""The form opened by a bare /cancel-moderation: validated and stored in the ack, then acts as
the command would."""

from __future__ import annotations

from bot.domain import commands as grammar
from bot.domain.announce import Caller
from bot.observe import metrics
from bot.slack.commands.cancel_moderation import task_for
from bot.slack.form_blocks import ANY_TARGET, CANCEL_FORM
from bot.slack.services import Services, accept


def _value(view: dict, block: str) -> str:
    return ((view["state"]["values"].get(block) or {}).get("value") or {}).get("value") or ""


def _target(view: dict) -> str:
    """The picker's choice ("" without a picker, or to find each job's target)."""
    picked = ((view["state"]["values"].get("target") or {}).get("value") or {}).get("selected_option") or {}
    value = picked.get("value") or ""
    return "" if value == ANY_TARGET else value


def register(app, services: Services) -> None:
    @app.view(CANCEL_FORM)
    def on_submit(ack, body, view, context):
        try:
            parsed = grammar.parse_form(_value(view, "job_ids"), _value(view, "reason"), _target(view), services.workflow.target_names)
        except grammar.CommandError as exc:
            metrics.command("cancel", "invalid")
            return ack(response_action="errors", errors={exc.field: str(exc)[:150]})
        caller = Caller(body["user"]["id"], view.get("private_metadata", ""), None)
        problem = accept(services, task_for(services, caller, parsed), context)
        if problem:
            return ack(response_action="errors", errors={"job_ids": problem[:150]})
        ack()
