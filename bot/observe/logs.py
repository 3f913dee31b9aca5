"""Structured logging: JSON lines on a host, readable lines in a terminal, never a secret.

Call sites log an event name plus fields: `log.info("ci.call", extra={"fields": {...}})`,
or use `event(logger, name, **fields)`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from collections.abc import Iterable

# Shapes of secrets that could reach a log line through an exception or a library.
_PATTERNS = [
    re.compile(r"(q-signature=)[0-9a-fA-F]+"),
    re.compile(r"()v0=[0-9a-fA-F]{16,}"),  # Slack request signatures (Bolt logs them on failure)
    re.compile(r"(q-ak=)[^&\s'\"]+"),
    re.compile(r"((?:Authorization|authorization)['\"]?\s*[:=]\s*['\"]?)[^'\"\n]+"),
    re.compile(r"()xox[abpre]-[0-9A-Za-z-]+"),
    re.compile(r"()xapp-[0-9A-Za-z-]+"),
    re.compile(r"(x-ci-security-token['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+", re.IGNORECASE),
    re.compile(r"(://[^:/@\s]+:)[^@\s]+(?=@)"),  # password in a URL
    # Slack payload fields that grant something, in form, dict or JSON shape (libraries print request bodies):
    # the legacy verification token, a response_url (posts to the channel for 30 minutes), a trigger_id.
    re.compile(r"((?<![\w-])(?:token|response_url|trigger_id)(?:\\?['\"])?\s*[:=]\s*(?:\\?['\"])?)[^'\"\\&,}\s]+"),
    re.compile(r"(%22(?:token|response_url|trigger_id)%22%3A(?:\+|%20)*%22)(?:(?!%22)[^&\s])+"),  # inside payload=<url-quoted JSON>
]

REDACTED = "[redacted]"


class Redactor:
    """Removes known secret values and secret-shaped strings from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self.secrets:
            text = text.replace(value, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text


class _Formatter(logging.Formatter):
    def __init__(self, redact: Redactor, as_json: bool) -> None:
        super().__init__()
        self.redact = redact
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        fields = dict(getattr(record, "fields", {}) or {})
        if self.as_json:
            doc = {
                "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                "level": record.levelname.lower(),
                "logger": record.name,
                "event": record.getMessage(),
                **fields,
            }
            if record.exc_info:
                doc["error"] = self.formatException(record.exc_info)
            text = json.dumps(doc, default=str, ensure_ascii=False)
        else:
            pairs = " ".join(f"{k}={_short(v)}" for k, v in fields.items())
            text = f"{time.strftime('%H:%M:%S', time.localtime(record.created))} {record.levelname:<7} {record.getMessage()} {pairs}".rstrip()
            if record.exc_info:
                text += "\n" + self.formatException(record.exc_info)
        return self.redact(text)


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if " " not in text else json.dumps(text)


def configure(level: str = "INFO", fmt: str = "auto", secrets: Iterable[str] = (), stream=None) -> Redactor:
    """Install one handler on the root logger. `fmt`: auto (text on a TTY), json or text."""
    stream = stream or sys.stderr
    as_json = fmt == "json" or (fmt == "auto" and not stream.isatty())
    redactor = Redactor(secrets)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Formatter(redactor, as_json))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    _route_stray_output(root)
    # Libraries that would otherwise log request headers or bodies at debug level.
    for noisy in ("urllib3", "slack_sdk", "slack_bolt", "qcloud_cos"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
    return redactor


def _route_stray_output(root: logging.Logger) -> None:
    """Warnings and uncaught exceptions would otherwise print plain text to stderr."""
    logging.captureWarnings(True)
    sys.excepthook = lambda kind, value, tb: root.critical("uncaught", exc_info=(kind, value, tb))

    def thread_hook(args) -> None:
        if args.exc_type is not SystemExit:
            root.critical(
                "thread.uncaught",
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
                extra={"fields": {"thread": getattr(args.thread, "name", "")}},
            )

    threading.excepthook = thread_hook


def gunicorn_logger_class():
    """gunicorn's Logger, minus its own handlers: its lines reach the root handler set up by
    configure() (JSON, redacted), like every other line. Imported late: only HTTP mode needs it."""
    from gunicorn.glogging import Logger

    class RootRoutedLogger(Logger):
        def setup(self, cfg) -> None:
            super().setup(cfg)
            for logger in (self.error_log, self.access_log):
                for handler in list(logger.handlers):
                    logger.removeHandler(handler)
                logger.propagate = True

    return RootRoutedLogger


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: object) -> None:
    """Log one structured event."""
    logger.log(level, name, extra={"fields": fields})
