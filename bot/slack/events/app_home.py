"""app_home_opened: remember who opened the Home tab (it is refreshed on every change) and
publish it. Slack retries an event it thinks was missed: the event id makes that a no-op."""

from __future__ import annotations

from ...domain import announce
from ..services import Services, accept


def register(app, services: Services) -> None:
    @app.event("app_home_opened")
    def on_home_opened(ack, body, event, context):
        if event.get("tab", "home") != "home":
            return ack()  # the Messages tab: nothing to show
        accept(services, announce.home_opened(event["user"], body.get("event_id") or event.get("event_ts", "")), context)
        ack()
