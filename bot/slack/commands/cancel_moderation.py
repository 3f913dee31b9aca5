"""/cancel-moderation: parse at once (no network), store the command, acknowledge, work after."""

from __future__ import annotations

from bot.domain import commands as grammar
from bot.domain import kinds
from bot.domain.announce import Caller
from bot.domain.states import CommandKind
from bot.observe import metrics
from bot.slack.form_blocks import cancel_form
from bot.slack.services import Services, accept, new_key, open_view

COMMAND = "/cancel-moderation"


def register(app, services: Services) -> None:
    @app.command(COMMAND)
    def on_command(ack, command, context):
        caller = Caller(command["user_id"], command["channel_id"], command.get("response_url"))
        try:
            parsed = grammar.parse(command.get("text", ""), services.workflow.target_names)
        except grammar.CommandError as exc:
            metrics.command(_attempted(command.get("text", "")), "invalid")
            return ack(response_type="ephemeral", text=str(exc))
        if isinstance(parsed, grammar.OpenForm):
            ack()
            return open_view(services, command.get("trigger_id", ""), cancel_form(caller.channel_id, services.workflow.target_labels))
        problem = accept(services, task_for(services, caller, parsed), context)
        if problem:
            return ack(response_type="ephemeral", text=problem)
        if isinstance(parsed, grammar.Cancel):
            return ack(response_type="ephemeral", text=f"⏳ Working on {len(parsed.job_ids)} job(s)…")
        return ack()


_KINDS = {grammar.Help: "help", grammar.Status: "status", grammar.Cancel: "cancel"}


def _attempted(text: str) -> str:
    """The kind of command a caller tried, for counting ones that did not parse."""
    first = text.split()[0].lower() if text.split() else ""
    return first if first in (CommandKind.STATUS, CommandKind.HELP, CommandKind.PENDING) else CommandKind.CANCEL


def task_for(services: Services, caller: Caller, parsed: grammar.Command):
    key = new_key("cmd")
    if isinstance(parsed, grammar.Cancel):
        return kinds.command_task(key, caller, services.workflow.pin_target(parsed))
    return kinds.command_task(key, caller, parsed, lane=kinds.LOOKUPS, kind=kinds.LOOKUP)  # status, pending, help
