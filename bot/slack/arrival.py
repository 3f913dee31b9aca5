"""When a Slack request arrived: an acknowledgement's wait for its store counts from then.

Slack's 3 s run from sending, not from when a listener thread got to the request. A request
that waited for a thread (a burst while the database does not answer holds every thread) has
less time left to store its task; one whose time is gone is refused at once, to the caller,
instead of Bolt answering HTTP 404 at 3 s.
"""

from __future__ import annotations

import time

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.work import ACK_STORE_SECONDS

ARRIVED = "cancel_moderation.arrived"  # WSGI environ and Bolt context key: time.monotonic() at arrival


def stamp_arrival(app):
    """WSGI middleware, outermost: the moment the request reached this process (unless the
    server noted it already: bot/serve/web_worker.py, before the request waited for a thread)."""

    def stamped(environ, start_response):
        environ.setdefault(ARRIVED, time.monotonic())
        return app(environ, start_response)

    return stamped


class ArrivalRequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, passing the arrival stamp on in the listener's context."""

    def dispatch(self, request) -> BoltResponse:
        context = {ARRIVED: request.environ.get(ARRIVED, time.monotonic())}
        return self.app.dispatch(BoltRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers(), context=context))


def count_from_dispatch(context, next_) -> None:
    """Bolt middleware: without a WSGI stamp (Socket Mode), count from when Bolt got the request."""
    context.setdefault(ARRIVED, time.monotonic())
    next_()


def store_budget(context) -> float:
    """Seconds this request's listener may still wait for its store (0 or less: none)."""
    return ACK_STORE_SECONDS - (time.monotonic() - context.get(ARRIVED, time.monotonic()))
