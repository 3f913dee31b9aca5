"""gunicorn's threaded worker, noting when each request became ready to read: before it waits
for one of the worker's threads. Slack's 3 s run from then, so a request that queued behind a
burst has that much less time to store its task (bot/slack/arrival.py), and one whose time is
gone is answered at once: the queue drains instead of growing."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

from gunicorn.workers.gthread import ThreadWorker

from bot.slack.arrival import ARRIVED

_ready = threading.local()  # .at: when the request this thread serves became ready


class ArrivalThreadWorker(ThreadWorker):
    def enqueue_req(self, conn) -> None:
        """A new connection, or a kept-alive one with a request to read: it waits for a thread now."""
        conn.ready_at = time.monotonic()
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        _ready.at = getattr(conn, "ready_at", None)
        try:
            return super().handle_request(req, conn)
        finally:
            _ready.at = None

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app: Any = cast(Any, self).wsgi  # set by load_wsgi above (untyped in gunicorn)

        def stamped(environ, start_response):
            if getattr(_ready, "at", None) is not None:
                environ[ARRIVED] = _ready.at
            return app(environ, start_response)

        self.wsgi = stamped
