"""Build the Bolt app: no network at construction, listeners registered by kind."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from ..config import Settings
from . import actions, commands, events, views
from .services import Services

log = logging.getLogger(__name__)


def create_app(settings: Settings, services: Services) -> App:
    app = App(
        client=services.client,
        signing_secret=settings.slack_signing_secret.reveal() or None,
        token_verification_enabled=False,  # no auth.test at start: `python -m bot check` does that
        # Listeners only parse, ack and hand off, but give bursts room anyway.
        listener_executor=ThreadPoolExecutor(max_workers=16, thread_name_prefix="bolt"),
        logger=logging.getLogger("slack_bolt.app"),
    )
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    events.register(app, services)

    @app.error
    def on_error(error, body):
        log.error("slack.listener_error", extra={"fields": {"error": type(error).__name__}}, exc_info=error)

    return app
