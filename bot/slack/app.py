"""Build the Bolt app: no network at construction, listeners registered by kind."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from bot.config import Settings
from bot.slack import actions, commands, events, views
from bot.slack.arrival import count_from_dispatch
from bot.slack.services import Services

log = logging.getLogger(__name__)

#: Each HTTP request in flight holds a listener (the WSGI server has as many threads): while the
#: database does not answer, each holds it up to ACK_STORE_SECONDS, so a burst of that many is
#: answered without queueing, and /healthz still finds a thread. Idle threads are not created.
LISTENER_THREADS = 128


def create_app(settings: Settings, services: Services) -> App:
    app = App(
        client=services.client,
        signing_secret=settings.slack_signing_secret.reveal() or None,
        token_verification_enabled=False,  # no auth.test at start: `python -m bot check` does that
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="bolt"),
        logger=logging.getLogger("slack_bolt.app"),
    )
    app.use(count_from_dispatch)
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)

    @app.error
    def on_error(error, body):
        log.error("slack.listener_error", extra={"fields": {"error": type(error).__name__}}, exc_info=error)

    return app
