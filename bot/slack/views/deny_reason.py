"""The deny-reason form: store the denial (with its optional note) before acknowledging."""

from __future__ import annotations

from bot.domain import kinds
from bot.domain.announce import Caller
from bot.slack.form_blocks import DENY_FORM
from bot.slack.services import Services, accept, new_key
from bot.slack.views.cancel_form import _value


def register(app, services: Services) -> None:
    @app.view(DENY_FORM)
    def on_submit(ack, body, view, context):
        request_id, channel, ts = ([*view.get("private_metadata", "").split("|"), "", ""])[:3]
        caller = Caller(body["user"]["id"], channel, None, (channel, ts) if ts else None)
        problem = accept(services, kinds.click_task(new_key("form"), kinds.DENY, caller, request_id, _value(view, "note")), context)
        if problem:
            return ack(response_action="errors", errors={"note": problem[:150]})
        ack()
