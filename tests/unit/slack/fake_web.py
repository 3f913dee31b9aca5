"""Slack's Web API faked at the far side of the wire: a real slack_sdk WebClient whose HTTP
transport answers from a script instead of a socket. Everything above the transport (request
building, SlackResponse, validate() raising SlackApiError) is the SDK's own code. Likewise
response_url posts: WebhookClient's transport answers from FakeResponseUrls."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse


@dataclass
class Sent:
    method: str
    args: dict


@dataclass
class FakeSlack:
    """What the far side holds: every call made, channels' messages, scripted answers."""

    calls: list[Sent] = field(default_factory=list)
    history: dict[str, list[dict]] = field(default_factory=dict)  # channel -> messages (threads included)
    script: dict[str, deque] = field(default_factory=dict)  # method -> answers to give before the normal one
    ts: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- scripting -------------------------------------------------------------------------
    def accept(self, method: str, times: int = 1) -> None:
        """Answer normally: a place in the script before what follows."""
        self._add(method, times, ("normal", 200, {}, {}))

    def refuse(self, method: str, error: str, times: int = 1) -> None:
        """Slack answers 200 with ok=false (a final refusal, unless `error` is a transient one)."""
        self._add(method, times, ("answer", 200, {"ok": False, "error": error}, {}))

    def rate_limit(self, method: str, retry_after: int, times: int = 1) -> None:
        self._add(method, times, ("answer", 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}))

    def server_error(self, method: str, status: int = 500, times: int = 1) -> None:
        self._add(method, times, ("answer", status, {"ok": False, "error": "internal_error"}, {}))

    def lose_answer(self, method: str, times: int = 1) -> None:
        """Carry the call out, then the answer never arrives (the connection drops)."""
        self._add(method, times, ("lose", 0, {}, {}))

    def unreachable(self, method: str, times: int = 1) -> None:
        """The request never reaches Slack."""
        self._add(method, times, ("unreachable", 0, {}, {}))

    def _add(self, method: str, times: int, answer: tuple) -> None:
        self.script.setdefault(method, deque()).extend([answer] * times)

    # -- reading -----------------------------------------------------------------------------
    def sent(self, method: str) -> list[dict]:
        return [c.args for c in self.calls if c.method == method]

    def posts(self, channel: str) -> list[dict]:
        return list(self.history.get(channel, []))

    # -- the far side ------------------------------------------------------------------------
    def handle(self, method: str, args: dict) -> tuple[int, dict, dict]:
        self.calls.append(Sent(method, args))
        kind, status, body, headers = self.script[method].popleft() if self.script.get(method) else ("normal", 200, {}, {})
        if kind == "unreachable":
            raise ConnectionRefusedError("connection refused")
        if kind == "answer":
            return status, body, headers
        answer = self._carry_out(method, args)
        if kind == "lose":
            raise TimeoutError("the read operation timed out")
        return 200, answer, {}

    def _carry_out(self, method: str, args: dict) -> dict:
        if method == "chat.postMessage":
            message = {"ts": f"{1700000000 + next(self.ts)}.000100", **args}
            self.history.setdefault(args["channel"], []).append(message)
            return {"ok": True, "channel": args["channel"], "ts": message["ts"]}
        if method == "conversations.history":
            top = [m for m in self.history.get(args["channel"], []) if not m.get("thread_ts")]
            return {"ok": True, "messages": list(reversed(top)), "has_more": False}
        if method == "conversations.replies":
            replies = [m for m in self.history.get(args["channel"], []) if m.get("thread_ts") == args["ts"]]
            return {"ok": True, "messages": replies, "has_more": False}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://example.slack.com/archives/{args['channel']}/p{args['message_ts']}"}
        return {"ok": True}


class FakeTransportClient(WebClient):
    """A WebClient configured as the runtime's delivery client (no SDK retries) whose HTTP
    request is answered by a FakeSlack."""

    def __init__(self, slack: FakeSlack) -> None:
        super().__init__(token="xoxb-unit-test", base_url="https://slack.invalid/api/", retry_handlers=[])
        self.far_side = slack

    def _perform_urllib_http_request(self, *, url: str, args: dict) -> dict:
        parsed = urllib.parse.urlparse(url)
        method = parsed.path.rsplit("/", 1)[-1]
        sent = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        for part in ("params", "json"):  # form body, JSON body
            sent |= args.get(part) or {}
        for key in ("metadata", "blocks", "view"):  # form-encoded calls send these as JSON text
            if isinstance(sent.get(key), str):
                sent[key] = json.loads(sent[key])
        status, body, headers = self.far_side.handle(method, sent)
        return {"status": status, "headers": headers, "body": json.dumps(body)}


@dataclass
class FakeResponseUrls:
    """Slack's response_url endpoints, faked at the far side of slack_sdk's WebhookClient."""

    sent: list[tuple[str, dict]] = field(default_factory=list)
    script: deque = field(default_factory=deque)  # "expired", "unreachable" or "lost", one per request

    def answer(self, client: WebhookClient, url: str, req: urllib.request.Request) -> WebhookResponse:
        what = self.script.popleft() if self.script else "ok"
        if what == "unreachable":
            raise urllib.error.URLError(ConnectionRefusedError("connection refused"))
        self.sent.append((url, json.loads(req.data)))
        if what == "lost":
            raise TimeoutError("the read operation timed out")
        if what == "expired":
            return WebhookResponse(url=url, status_code=404, body="expired_url", headers={})
        return WebhookResponse(url=url, status_code=200, body="ok", headers={})
