"""/cancel-moderation: parse at once (no I/O), acknowledge, then work in the background."""

from __future__ import annotations

from ... import metrics
from ...domain import commands as grammar
from ...domain.workflow import Caller
from .. import blocks as bk
from ..services import Services, busy_text

COMMAND = "/cancel-moderation"


def register(app, services: Services) -> None:
    @app.command(COMMAND)
    def on_command(ack, command):
        caller = Caller(command["user_id"], command["channel_id"], command.get("response_url"))
        try:
            parsed = grammar.parse(command.get("text", ""))
        except grammar.CommandError as exc:
            metrics.command(_attempted(command.get("text", "")), "invalid")
            return ack(response_type="ephemeral", text=str(exc))
        task = _task(services, caller, parsed, command.get("trigger_id", ""))
        if not services.work.submit(type(parsed).__name__.lower(), task):
            metrics.command(_KINDS.get(type(parsed), "cancel"), "refused")
            return ack(response_type="ephemeral", text=busy_text())
        if isinstance(parsed, grammar.Help | grammar.OpenForm):  # no policy decision follows
            metrics.command(_KINDS[type(parsed)], "accepted")
        if isinstance(parsed, grammar.Cancel):
            return ack(response_type="ephemeral", text=f"⏳ Working on {len(parsed.job_ids)} job(s)…")
        return ack()


_KINDS = {grammar.Help: "help", grammar.OpenForm: "form", grammar.Status: "status", grammar.Cancel: "cancel"}


def _attempted(text: str) -> str:
    """The kind of command a caller tried, for counting ones that did not parse."""
    first = text.split()[0].lower() if text.split() else ""
    return first if first in ("status", "help") else "cancel"


def _task(services: Services, caller: Caller, parsed: grammar.Command, trigger_id: str):
    workflow = services.workflow
    if isinstance(parsed, grammar.Help):
        return lambda: services.announcer.tell(caller, f"{grammar.USAGE}\n\n{workflow.help_text(caller)}")
    if isinstance(parsed, grammar.Status):
        return lambda: workflow.status(caller, parsed.job_id)
    if isinstance(parsed, grammar.OpenForm):
        return lambda: services.client.views_open(trigger_id=trigger_id, view=bk.cancel_form(caller.channel_id))
    return lambda: workflow.submit(caller, parsed)
