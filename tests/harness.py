"""Drive the real bot the way Slack does: signed HTTP requests to /slack/events, with the
Slack Web API and the CI API replaced by local stand-ins on 127.0.0.1."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.parse
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
import sqlalchemy as sa
from slack_sdk.signature import SignatureVerifier

from bot.config_load import load_settings
from bot.runtime import Runtime
from bot.store import Store, metadata
from tests.conftest import SECRET_ID, SECRET_KEY
from tests.fakes.server import SHUTDOWN_POLL

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
ONCALL, ONCALL2, MOD, OUTSIDER = "U0ONCALL1", "U0ONCALL2", "U0MOD1", "U0OUTSIDER"
CHANNEL, APPROVALS, AUDIT = "C0WORK", "C0APPROVALS", "C0AUDIT"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 256


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        return


def database_urls(tmp_path) -> list[str]:
    urls = [f"sqlite:///{tmp_path}/bot.db"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(os.environ["TEST_DATABASE_URL"])
    return urls


def reset_database(url: str) -> None:
    """PostgreSQL is shared between one worker's tests: start each from today's schema holding no
    data, as a first start leaves it. Creating the schema costs about a second a test; once it has
    been created here, emptying the tables and putting back the rows a fresh schema starts with
    (its version, its steps, the audit chain's head) takes milliseconds. A database of any other
    shape (an old release loaded, a trigger left behind) is dropped and created again. A test that
    needs no tables at all says so: tests.store.upgrades.empty_database()."""
    if not url.startswith("postgresql"):
        return
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        fresh = _FRESH.get(url)
        if fresh is not None and _shape(engine) == fresh[0]:
            _empty(engine, fresh[1], fresh[2])
            return
        with engine.begin() as conn:  # every table, today's or an old release's
            for table in sa.inspect(conn).get_table_names():
                conn.execute(sa.text(f'DROP TABLE "{table}" CASCADE'))
        store = Store(url)
        try:
            store.migrate()
        finally:
            store.close()
        _FRESH[url] = (_shape(engine), _rows(engine), _sequences(engine))
    finally:
        engine.dispose()


#: Per database URL: the shape of a freshly created schema, the rows it starts with, its sequences.
_FRESH: dict[str, tuple[set[str], dict[str, list[dict]], dict[str, tuple[int, bool]]]] = {}

_SHAPE = """
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull
       || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
  FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace
"""


def _shape(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text(_SHAPE)).scalars())


def _rows(engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {t.name: [dict(r._mapping) for r in conn.execute(sa.select(t))] for t in metadata.sorted_tables}


def _sequences(engine) -> dict[str, tuple[int, bool]]:
    """Every sequence of the schema: (last_value, is_called), as setval() takes them."""
    with engine.connect() as conn:
        names = (
            conn.execute(sa.text("SELECT schemaname || '.' || sequencename FROM pg_sequences WHERE schemaname = current_schema()")).scalars().all()
        )
        return {n: tuple(conn.execute(sa.text(f"SELECT last_value, is_called FROM {n}")).one()) for n in names}


def _empty(engine, rows: dict[str, list[dict]], sequences: dict[str, tuple[int, bool]]) -> None:
    """Every table emptied, then the fresh schema's rows put back, and every sequence where it stood
    then. DELETE, not TRUNCATE: for a test's few rows it is several times faster."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for table in metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
        for sequence, (value, called) in sequences.items():
            conn.execute(sa.text("SELECT setval(:s, :v, :c)"), {"s": sequence, "v": value, "c": called})


def age_requests(store, seconds: float) -> None:
    """Move every stored request `seconds` into the past, as if that much time had gone by on the
    database's clock (expiry is decided by the database, not by a process's clock)."""
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE requests SET created_at = created_at - :s, expires_at = expires_at - :s"), {"s": seconds})


def all_posted(store) -> bool:
    """At least one entry, and every entry posted (read in one query: no race with a new entry)."""
    entries = store.audit.entries()
    return bool(entries) and all(e.posted_at is not None for e in entries)


def bot_env(ci, slack, database_url: str, **overrides) -> dict:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "APPROVER_USERS": f"{ONCALL},{ONCALL2}",
        "REQUESTER_USERS": MOD,
        "APPROVAL_CHANNEL": APPROVALS,
        "AUDIT_CHANNEL": AUDIT,
        "TENCENTCLOUD_SECRET_ID": SECRET_ID,
        "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
        "CI_BUCKET": "examplebucket-1250000000",
        "CI_REGION": "ap-beijing",
        "CI_ENDPOINT": ci.url,
        "CI_READ_TIMEOUT": "3",
        "DATABASE_URL": database_url,
        "LOG_FORMAT": "json",
    }
    env.update({k: v for k, v in overrides.items() if v is not None})
    return {k: v for k, v in env.items() if v != ""}


def _element_state(value) -> dict:
    """A text input's state from a string; a dict is an element's state as Slack sends it (a select's selected_option)."""
    return value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}


def serve(wsgi_app) -> tuple[WSGIServer, str]:
    """Serve a WSGI app on a threaded server at 127.0.0.1; return the server and its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class SlackClient:
    """Sends what Slack sends: signed requests to an app's /slack/events at `url`."""

    def __init__(self, url: str, slack) -> None:
        self.url = url
        self.slack = slack
        self.http = requests.Session()
        self.verifier = SignatureVerifier(SIGNING_SECRET)

    # -- Slack-shaped requests -----------------------------------------------------------
    def post(
        self, body: str, timestamp: int | None = None, secret: str | None = None, content_type: str = "application/x-www-form-urlencoded"
    ) -> tuple[int, dict | str, float]:
        headers = self.signed_headers(body, timestamp, secret, content_type)
        started = time.monotonic()
        response = self.http.post(self.url + "/slack/events", data=body.encode(), headers=headers, timeout=10)
        elapsed = time.monotonic() - started
        try:
            payload = response.json() if response.text else {}
        except ValueError:
            payload = response.text
        return response.status_code, payload, elapsed

    def signed_headers(
        self, body: str, timestamp: int | None = None, secret: str | None = None, content_type: str = "application/x-www-form-urlencoded"
    ) -> dict[str, str]:
        """The headers Slack sends with `body`: its timestamp and signature."""
        ts = str(timestamp or int(time.time()))
        signature = (SignatureVerifier(secret) if secret else self.verifier).generate_signature(timestamp=ts, body=body)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}

    def command(self, user: str, text: str, channel: str = CHANNEL, response_name: str = "r", **kw):
        return self.post(self.command_body(user, text, channel, response_name), **kw)

    def command_body(self, user: str, text: str, channel: str = CHANNEL, response_name: str = "r") -> str:
        """The form body Slack posts for a slash command."""
        return urllib.parse.urlencode(
            {
                "token": "unused",
                "team_id": "T1",
                "channel_id": channel,
                "user_id": user,
                "command": "/cancel-moderation",
                "text": text,
                "response_url": self.slack.response_url(response_name),
                "trigger_id": "trig-1",
            }
        )

    def click(self, user: str, action_id: str, value: str, channel: str = APPROVALS, response_name: str = "click"):
        posted = [c for c in self.slack.calls_to("chat.postMessage", channel=channel) if c.result]
        message_ts = posted[-1].result["ts"] if posted else "1.000100"
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "trigger_id": "trig-2",
            "channel": {"id": channel},
            "container": {"type": "message", "channel_id": channel, "message_ts": message_ts},
            "response_url": self.slack.response_url(response_name),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "decision", "value": value, "action_ts": str(time.time())}],
        }
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))

    def home_opened(self, user: str, event_id: str | None = None):
        """The Events API's app_home_opened, as JSON (Slack retries it with the same event_id)."""
        body = {
            "token": "unused",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "event": {"type": "app_home_opened", "user": user, "channel": "D0BOT", "tab": "home", "event_ts": f"{time.time():.6f}"},
        }
        return self.post(json.dumps(body), content_type="application/json")

    def home_click(self, user: str, action_id: str, value: str):
        """A button on the Home tab: a view container, and no channel, message or response_url."""
        payload = {
            "type": "block_actions",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "trigger_id": "trig-home",
            "container": {"type": "view", "view_id": "VHOME"},
            "view": {"id": "VHOME", "type": "home", "blocks": []},
            "actions": [{"type": "button", "action_id": action_id, "block_id": f"home:{value}", "value": value, "action_ts": str(time.time())}],
        }
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))

    def submit_view(self, user: str, callback_id: str, values: dict, private_metadata: str = ""):
        payload = {
            "type": "view_submission",
            "team": {"id": "T1"},
            "user": {"id": user},
            "api_app_id": "A1",
            "trigger_id": "trig-3",
            "view": {
                "id": "V1",
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                # a dict value is an element's state as Slack sends it (a select's selected_option)
                "state": {
                    "values": {k: {"value": v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}} for k, v in values.items()}
                },
            },
        }
        return self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))

    def request_id_from_approval(self) -> str:
        call = self.slack.wait_calls("chat.postMessage", channel=APPROVALS)[-1]
        for block in call.args["blocks"]:
            for element in block.get("elements", []):
                if element.get("action_id") == "approve_request":
                    return element["value"]
        raise AssertionError("no Approve button in the approval message")


class Bot(SlackClient):
    """A running bot (Runtime behind a WSGI server), driven the way Slack drives it."""

    def __init__(self, env: dict, slack, sweep_every: float = 0.2, **runtime_options) -> None:
        self.settings = load_settings(env)
        options = {"outbox_poll": 0.1, "work_poll": 0.1, "heartbeat_every": 0.5, **runtime_options}
        self.runtime = Runtime(self.settings, sweep_every=sweep_every, **options).start()
        self.server, url = serve(self.runtime.wsgi())
        super().__init__(url, slack)

    def kill(self) -> None:
        """Die abruptly, like kill -9: no draining, no last audit posts, background threads stop."""
        self.server.shutdown()
        self.server.server_close()
        self.runtime.halt()
        self.killed = True

    def bury(self, timeout: float = 15.0) -> None:
        """After kill(): let the threads a kill -9 would have stopped (a test cannot stop a thread)
        finish what they were running, so nothing they write lands in a later test's database."""
        deadline = time.monotonic() + timeout
        while self.runtime.work.inflight and time.monotonic() < deadline:
            time.sleep(0.02)  # a condition polled: the threads' own work, not a guess at a duration
        self.runtime.store.close()

    def stop(self) -> None:
        if getattr(self, "killed", False):  # nothing to drain, but its threads may still run
            return self.bury()
        self.server.shutdown()
        self.server.server_close()
        self.runtime.shutdown(timeout=10)
        self.runtime.store.close()
