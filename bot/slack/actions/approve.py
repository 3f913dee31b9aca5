"""The Approve button (its confirm dialog is Slack's): decide in the background."""

from __future__ import annotations

from ...domain.workflow import Caller
from .. import blocks as bk
from ..services import Services


def caller_of(body: dict) -> Caller:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    return Caller(body["user"]["id"], channel, body.get("response_url"))


def register(app, services: Services) -> None:
    @app.action(bk.APPROVE_ACTION)
    def on_approve(ack, body):
        ack()
        caller, request_id = caller_of(body), body["actions"][0].get("value", "")
        services.work.submit("approve", services.workflow.approve, caller, request_id)
