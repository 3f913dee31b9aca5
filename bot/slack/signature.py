"""Refuse requests Slack did not sign, before Bolt sees them, with our own log line.

Bolt logs a failed verification at info level with the whole request body: the legacy
verification `token`, a `response_url` that can post to the channel for 30 minutes and a
`trigger_id`. Our line carries only the reason, the path and the request's timestamp.
"""

from __future__ import annotations

import io
import json
import logging
import time

from slack_sdk.signature import SignatureVerifier

from bot.observe.logs import event

log = logging.getLogger(__name__)

MAX_SKEW_SECONDS = 300  # Slack's own rule for X-Slack-Request-Timestamp


def refusal_reason(verifier: SignatureVerifier, body: bytes, timestamp: str, signature: str, now: float) -> str | None:
    """Why a request is not Slack's, or None if it is."""
    if not timestamp or not signature:
        return "missing X-Slack-Signature or X-Slack-Request-Timestamp"
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return "timestamp more than 5 minutes off: a replay, or this host's clock is wrong"
    if not verifier.is_valid(body, timestamp, signature):
        return "signature does not match: check SLACK_SIGNING_SECRET"
    return None


def verify_signatures(app, signing_secret: str):
    """Wrap a WSGI app: POSTs must carry a valid Slack signature, else 401 and one `slack.bad_signature` line."""
    verifier = SignatureVerifier(signing_secret)

    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST":
            return app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)  # Bolt reads it again
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        reason = refusal_reason(verifier, body, timestamp, environ.get("HTTP_X_SLACK_SIGNATURE", ""), time.time())
        if reason is None:
            return app(environ, start_response)
        shown_ts = timestamp if timestamp.isdigit() and len(timestamp) <= 12 else "(not a Unix time)"
        event(log, "slack.bad_signature", logging.WARNING, reason=reason, path=environ.get("PATH_INFO", ""), request_timestamp=shown_ts)
        data = json.dumps({"error": "invalid request"}).encode()
        start_response("401 Unauthorized", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return application
