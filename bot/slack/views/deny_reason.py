"""The deny-reason form: record the denial (with the optional note) in the background."""

from __future__ import annotations

from ...domain.workflow import Caller
from .. import blocks as bk
from ..services import Services
from .cancel_form import _value


def register(app, services: Services) -> None:
    @app.view(bk.DENY_FORM)
    def on_submit(ack, body, view):
        ack()
        request_id, channel, ts = ([*view.get("private_metadata", "").split("|"), "", ""])[:3]
        caller = Caller(body["user"]["id"], channel, None, (channel, ts) if ts else None)
        services.work.submit("deny", services.workflow.deny, caller, request_id, _value(view, "note"))
