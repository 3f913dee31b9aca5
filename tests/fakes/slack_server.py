"""A local stand-in for Slack's Web API (/api/<method>) and response_url targets (/response/<id>).

Records every call; failures and rate limits are scripted per method (and channel).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from .server import LocalServer, respond


@dataclass
class Call:
    method: str
    args: dict
    token: str
    at: float
    result: dict | None = None  # what the stand-in answered


class SlackStandIn(LocalServer):
    def __init__(self, token: str = "xoxb-test-token", app_token: str = "xapp-test-app-token") -> None:
        self.token = token
        self.app_token = app_token
        self.socket_mode_url = ""  # what apps.connections.open hands out
        self.calls: list[Call] = []
        self.responses: list[Call] = []  # posts to response_url
        self.groups: dict[str, list[str]] = {}
        self.group_error: str | None = None
        self.scopes: str | None = None  # the bot token's scopes, sent as Slack does (X-OAuth-Scopes); None: not sent
        self.history: dict[str, list[dict]] = {}  # channel -> messages posted there (newest last)
        self.lose_answers: dict[tuple[str, str | None], int] = {}  # accept the call, then drop the connection
        self.delays: dict[tuple[str, str | None], float] = {}  # answer every such call this much later
        self.failures: dict[tuple[str, str | None], list[tuple[int, dict, dict]]] = {}
        self.stalls: dict[tuple[str, str | None], list[threading.Event]] = {}  # hold one answer until released
        self.stalled: list[Call] = []  # calls whose answer is being held
        self.holds: dict[str, threading.Event] = {}  # response_url name -> answered once set
        self.expired: set[str] = set()  # response_url names Slack refuses (404 expired_url): nothing posted
        self.cond = threading.Condition()
        self._ts = itertools.count(1)
        super().__init__(self._handler_class())

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}"

    # -- scripting -----------------------------------------------------------------------
    def fail(
        self, method: str, times: int, status: int = 200, error: str = "internal_error", headers: dict | None = None, channel: str | None = None
    ) -> None:
        body = {"ok": False, "error": error}
        with self.cond:
            self.failures.setdefault((method, channel), []).extend([(status, body, headers or {})] * times)

    def slow(self, method: str, seconds: float, channel: str | None = None) -> None:
        """Answer every call to `method` (in `channel`) `seconds` late (the call is applied first)."""
        with self.cond:
            self.delays[(method, channel)] = seconds

    def lose_answer(self, method: str, times: int = 1, channel: str | None = None) -> None:
        """Carry out the next `times` calls, then drop the connection instead of answering."""
        with self.cond:
            self.lose_answers[(method, channel)] = self.lose_answers.get((method, channel), 0) + times

    def stall(self, method: str, channel: str | None = None) -> threading.Event:
        """Carry out the next call to `method` (in `channel`), then hold its answer until the
        returned event is set: the caller's thread is stuck in the call (a frozen poster)."""
        release = threading.Event()
        with self.cond:
            self.stalls.setdefault((method, channel), []).append(release)
        return release

    def hold_responses(self, name: str) -> threading.Event:
        """Posts to response_url `name` are recorded, then answered only once the returned
        event is set (at most 30 s): a reply to the caller still on its way, on cue."""
        with self.cond:
            return self.holds.setdefault(name, threading.Event())

    def rate_limit(self, method: str, times: int, retry_after: int = 1, channel: str | None = None) -> None:
        self.fail(method, times, status=429, error="ratelimited", headers={"Retry-After": str(retry_after)}, channel=channel)

    # -- reading ---------------------------------------------------------------------------
    def calls_to(self, method: str, **match) -> list[Call]:
        with self.cond:
            return [c for c in self.calls if c.method == method and all(c.args.get(k) == v for k, v in match.items())]

    def wait_for(self, predicate, timeout: float = 10.0, what: str = "condition"):
        """Wait until predicate() is truthy (re-checked on every call); return its value."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}; calls: {[(c.method, c.args.get('channel')) for c in self.calls][-20:]}")
                self.cond.wait(min(remaining, 0.05))  # predicates on other state (CI, database) are re-checked this often

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0, **match) -> list[Call]:
        return self.wait_for(
            lambda: (lambda c: c if len(c) >= count else None)(self.calls_to(method, **match)), timeout, f"{count} x {method} {match}"
        )

    def wait_response(self, predicate=lambda c: True, timeout: float = 10.0) -> Call:
        return self.wait_for(lambda: next((c for c in self.responses if predicate(c)), None), timeout, "a response_url post")

    # -- server ----------------------------------------------------------------------------
    def _handler_class(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                return

            def do_POST(self) -> None:
                stand_in._handle(self)

            def do_GET(self) -> None:
                stand_in._handle(self)

        return Handler

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        parts = urllib.parse.urlsplit(h.path)
        if "json" in (h.headers.get("Content-Type") or ""):
            args = json.loads(raw or b"{}")
        else:
            args = dict(urllib.parse.parse_qsl(raw.decode() or parts.query))
        for key in ("blocks", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        token = (h.headers.get("Authorization") or "").removeprefix("Bearer ")
        if parts.path.startswith("/response/"):
            if parts.path.removeprefix("/response/") in self.expired:
                return self._send(h, 404, b"expired_url", "text/plain")
            with self.cond:
                self.responses.append(Call(parts.path, args, token, time.monotonic()))
                self.cond.notify_all()
                hold = self.holds.get(parts.path.removeprefix("/response/"))
            if hold is not None:
                hold.wait(30)
            return self._send(h, 200, b"ok", "text/plain")
        method = parts.path.removeprefix("/api/")
        call = Call(method, args, token, time.monotonic())
        with self.cond:
            queue = self.failures.get((method, args.get("channel"))) or self.failures.get((method, None))
            failure = queue.pop(0) if queue else None
            expected = self.app_token if method == "apps.connections.open" else self.token
            if token == expected and not failure:
                call.result = self._answer(method, args)
            self.calls.append(call)
            self.cond.notify_all()
        if call.result is None and not failure:
            return self._json(h, 200, {"ok": False, "error": "invalid_auth"})
        delay = self.delays.get((method, args.get("channel")), self.delays.get((method, None), 0.0))
        if delay:
            time.sleep(delay)  # a slow Slack: the call already took effect, the answer is late
        release = self._take_stall(method, args.get("channel")) if call.result is not None else None
        if release is not None:
            with self.cond:
                self.stalled.append(call)
                self.cond.notify_all()
            release.wait(60)
        if call.result is not None and self._take_lost_answer(method, args.get("channel")):
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(socket.SHUT_RDWR)
            return None
        if failure:
            status, body, headers = failure
            return self._json(h, status, body, headers)
        self._json(h, 200, call.result, {"X-OAuth-Scopes": self.scopes} if self.scopes is not None else None)

    def _take_stall(self, method: str, channel: str | None) -> threading.Event | None:
        with self.cond:
            for key in ((method, channel), (method, None)):
                if self.stalls.get(key):
                    return self.stalls[key].pop(0)
        return None

    def _take_lost_answer(self, method: str, channel: str | None) -> bool:
        with self.cond:
            for key in ((method, channel), (method, None)):
                if self.lose_answers.get(key):
                    self.lose_answers[key] -= 1
                    return True
        return False

    def _answer(self, method: str, args: dict) -> dict:
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"  # like Slack's: epoch seconds, unique
            message = {"type": "message", "ts": ts, "text": args.get("text"), "thread_ts": args.get("thread_ts")}
            if args.get("metadata"):
                message["metadata"] = args["metadata"] if isinstance(args["metadata"], dict) else json.loads(args["metadata"])
            channel = str(args.get("channel", ""))
            # A post to a user ID lands in the bot's direct message with them (its ID: D + the user's).
            posted_in = f"D{channel}" if channel.startswith("U") else channel
            self.history.setdefault(posted_in, []).append(message)
            return {"ok": True, "channel": posted_in, "ts": ts, "message": {"text": args.get("text")}}  # Slack answers with the DM's ID
        if method == "conversations.history":
            oldest = float(args.get("oldest") or 0)
            messages = [m for m in reversed(self.history.get(args.get("channel"), [])) if float(m["ts"]) > oldest and not m.get("thread_ts")]
            if str(args.get("include_all_metadata")).lower() not in {"1", "true"}:
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            return {"ok": True, "messages": messages[: int(args.get("limit") or 100)], "has_more": False}
        if method == "conversations.replies":
            thread = [m for m in self.history.get(args.get("channel"), []) if args.get("ts") in (m["ts"], m.get("thread_ts"))]
            if str(args.get("include_all_metadata")).lower() not in {"1", "true"}:
                thread = [{k: v for k, v in m.items() if k != "metadata"} for m in thread]
            return {"ok": True, "messages": thread, "has_more": False}
        if method == "chat.getPermalink":
            return {
                "ok": True,
                "permalink": f"https://example.slack.com/archives/{args.get('channel')}/p{str(args.get('message_ts')).replace('.', '')}",
            }
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "usergroups.users.list":
            if self.group_error:
                return {"ok": False, "error": self.group_error}
            return {"ok": True, "users": self.groups.get(args.get("usergroup"), [])}
        if method == "auth.test":
            return {"ok": True, "user_id": "UBOT", "team_id": "T1", "bot_id": "B1", "team": "Test"}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_mode_url}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{args.get('users')}"}}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": args.get("channel"), "is_member": True}}
        return {"ok": True}

    def _json(self, h, status: int, body: dict, headers: dict | None = None) -> None:
        self._send(h, status, json.dumps(body).encode(), "application/json", headers)

    def _send(self, h, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        respond(h, status, body, {"Content-Type": content_type, **(headers or {})})
