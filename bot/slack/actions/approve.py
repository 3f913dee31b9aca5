"""The Approve button (its confirm dialog is Slack's): decide in the background."""

from __future__ import annotations

from ...domain.workflow import Caller
from .. import blocks as bk
from ..services import Services


def caller_of(body: dict) -> Caller:
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return Caller(body["user"]["id"], channel, body.get("response_url"), (channel, ts) if ts else None)


def register(app, services: Services) -> None:
    @app.action(bk.APPROVE_ACTION)
    def on_approve(ack, body):
        ack()
        caller, request_id = caller_of(body), body["actions"][0].get("value", "")
        services.work.submit("approve", services.workflow.approve, caller, request_id)
