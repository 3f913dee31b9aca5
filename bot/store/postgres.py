"""The PostgreSQL engine, built so that losing the server is noticed in bounded time.

A server-side statement timeout cannot fire when the server is gone but the connection
stays open (a NAT, a proxy or pooler in front of a failed-over server keeps ACKing and
forwards nothing), and libpq then waits forever. So every call on a connection (execute,
fetch from a server cursor, commit, rollback, the pool's pre-ping) runs under a watchdog:
when a call overruns its limit, the watchdog shuts the connection's socket down. The
driver then fails at once as disconnected, SQLAlchemy invalidates the pool (every
connection made before is replaced, not reused) and the next call connects afresh, to
whichever server the address leads to now. Connect timeout and TCP keepalives bound the rest.
"""

from __future__ import annotations

import logging
import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.observe.logs import event
from bot.store.limits import CALL_LIMIT_SECONDS, IDLE_IN_TRANSACTION_SECONDS, current_limit, time_limit

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_SECONDS = 10  # server-side: a query the live server takes too long over
PING_LIMIT_SECONDS = 2.0  # the pool's check of an idle connection before handing it out
POOL_TIMEOUT_SECONDS = 10  # waiting for a free pooled connection
# libpq settings the URL may override (?connect_timeout=… wins). Keepalives notice a peer that
# vanished while idle; tcp_user_timeout one that stops ACKing what we sent.
CONNECT_DEFAULTS = {
    "connect_timeout": str(CONNECT_TIMEOUT_SECONDS),
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "15000",
    "options": f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000} -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_SECONDS * 1000}",
}


class Watchdog:
    """One thread per process: shuts down the socket of a call that overran its deadline."""

    TICK = 0.1

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, int, float]] = {}  # token -> (monotonic deadline, socket fd, limit)
        self._next = 0
        self._thread: threading.Thread | None = None
        self.fired = 0

    def arm(self, fd: int, seconds: float) -> int:
        with self._lock:
            self._next += 1
            self._armed[self._next] = (time.monotonic() + seconds, fd, seconds)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()
            return self._next

    def disarm(self, token: int) -> None:
        # Under the lock: once disarmed, the fd (which the caller may close next) is never touched.
        with self._lock:
            self._armed.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                overdue = [(token, fd, limit) for token, (deadline, fd, limit) in self._armed.items() if deadline <= now]
                for token, fd, limit in overdue:
                    del self._armed[token]
                    self._cut(fd, limit)

    def _cut(self, fd: int, limit: float) -> None:
        self.fired += 1
        event(log, "db.call_timed_out", logging.WARNING, limit_seconds=limit)
        try:
            sock = socket.socket(fileno=socket.dup(fd))
        except OSError:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        finally:
            sock.close()


WATCHDOG = Watchdog()


@contextmanager
def _guard(conn: psycopg.Connection) -> Iterator[None]:
    try:
        fd = conn.pgconn.socket
    except Exception:  # closed or broken: the call fails by itself, at once
        yield
        return
    token = WATCHDOG.arm(fd, current_limit())
    try:
        yield
    finally:
        WATCHDOG.disarm(token)


class GuardedCursor(psycopg.Cursor):
    def execute(self, *args, **kwargs):
        with _guard(self.connection):
            return super().execute(*args, **kwargs)

    def executemany(self, *args, **kwargs):
        with _guard(self.connection):
            return super().executemany(*args, **kwargs)


class GuardedServerCursor(psycopg.ServerCursor):
    """A server-side cursor (a long read in batches) reaches the server on every fetch."""

    def execute(self, *args, **kwargs):
        with _guard(self.connection):
            return super().execute(*args, **kwargs)

    def fetchone(self):
        with _guard(self.connection):
            return super().fetchone()

    def fetchmany(self, *args, **kwargs):
        with _guard(self.connection):
            return super().fetchmany(*args, **kwargs)

    def fetchall(self):
        with _guard(self.connection):
            return super().fetchall()


class GuardedConnection(psycopg.Connection):
    def commit(self) -> None:
        with _guard(self):
            super().commit()

    def rollback(self) -> None:
        with _guard(self):
            super().rollback()


def create_engine(url: str) -> Engine:
    """`url`: postgresql+psycopg://…"""
    engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40, pool_timeout=POOL_TIMEOUT_SECONDS)

    @sa.event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        for name, value in CONNECT_DEFAULTS.items():
            cparams.setdefault(name, value)
        # Connecting is no call the watchdog can cut: bound it by this thread's limit too (libpq's minimum is 2 s).
        cparams["connect_timeout"] = str(max(2, min(int(cparams["connect_timeout"]), math.ceil(current_limit()))))
        conn = GuardedConnection.connect(*cargs, **cparams)
        conn.cursor_factory = GuardedCursor
        conn.server_cursor_factory = GuardedServerCursor
        return conn

    @sa.event.listens_for(engine, "begin")
    def _long_transaction(conn) -> None:
        # A thread given more than the usual limit (a migration, an audit export) lifts the
        # server's timeouts for this transaction too (an export's reader may pause between
        # batches; a migrator never idles, so the migration sets the idle timeout back).
        limit = current_limit()
        if limit > CALL_LIMIT_SECONDS:  # on the driver's connection: the statement may be a streamed read
            with conn.connection.driver_connection.cursor() as cur:
                for setting in ("statement_timeout", "idle_in_transaction_session_timeout"):
                    cur.execute(f"SET LOCAL {setting} = {int(limit * 1000)}")

    ping = engine.dialect.do_ping

    def _quick_ping(dbapi_connection) -> bool:
        # An idle pooled connection to a server that went away fails this fast; the pool is then
        # invalidated, so one dead connection found means no other old one is tried.
        with time_limit(min(current_limit(), PING_LIMIT_SECONDS)):
            return ping(dbapi_connection)

    engine.dialect.do_ping = _quick_ping  # type: ignore[method-assign]  # the pool's pre-ping, bounded
    return engine
