"""app_home_opened: remember who opened the Home tab (it is refreshed on every change) and
publish it. Slack retries an event it thinks was missed: the event id makes that a no-op."""

from __future__ import annotations

from slack_bolt import BoltResponse

from bot.domain import announce
from bot.slack.services import Services, accept

NOT_TAKEN = 503  # any answer but 200 makes Slack retry the event (over HTTP and in Socket Mode)


def register(app, services: Services) -> None:
    def store_first(event, body, context, next):
        """Bolt acknowledges an event before its listener runs, so the task is stored here,
        before that: an event the bot did not take (a full queue, the database away) is
        answered so that Slack sends it again, never acknowledged and dropped."""
        home = event.get("tab", "home") == "home"  # the Messages tab: nothing to show
        if home and accept(services, announce.home_opened(event["user"], body.get("event_id") or event.get("event_ts", "")), context):
            return BoltResponse(status=NOT_TAKEN, body="")
        next()

    @app.event("app_home_opened", middleware=[store_first])
    def on_home_opened(ack):
        ack()
