"""A hard deadline per CI attempt, however slowly the server sends its status line, headers or body.

Socket timeouts bound each wait for a byte, not the whole answer: a server sending one byte
every few hundred milliseconds would hold `session.send` for ever. So each attempt is watched:
the connection that carries it is recorded (through the connection class installed on the
requests adapter), and one watchdog thread per client shuts that connection's socket down when
the attempt's deadline passes. The blocked read then ends with EOF or an error, for http and
https alike, and the client reports the attempt as too slow.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

# The attempt the current thread is making; connections bind to it when they are used.
_current = threading.local()


class Watch:
    """One attempt's deadline and the connection carrying it."""

    def __init__(self, deadline: float, lock: threading.Lock) -> None:
        self.deadline = deadline
        self._lock = lock
        self._conn: HTTPConnection | None = None
        self._stopped = False
        self.fired = False  # the deadline passed while the attempt was still running

    def bind(self, conn: HTTPConnection) -> None:
        with self._lock:
            if not self._stopped:
                self._conn = conn
                conn._ci_watch = self  # type: ignore[attr-defined]  # a later attempt re-binds, so an old deadline cannot touch it

    def expire(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self.fired = True
            conn = self._conn
            if conn is not None and getattr(conn, "_ci_watch", None) is self:
                _shut(conn.sock)

    def stop(self) -> bool:
        """End the watch (before the connection goes back to the pool); True if it had fired."""
        with self._lock:
            self._stopped = True
            self._conn = None
            return self.fired


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    # The plain socket's shutdown, also for an SSLSocket (whose own shutdown also drops its
    # TLS state under the reading thread's feet): the reader just sees the stream end.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """One thread per client that expires watches at their deadlines (started on first use)."""

    def __init__(self, name: str = "ci-watchdog") -> None:
        self._name = name
        self._lock = threading.Lock()  # guards watches and their connections
        self._cond = threading.Condition(threading.Lock())  # guards the queue
        self._queue: list[tuple[float, int, Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    @contextlib.contextmanager
    def watch(self, deadline: float) -> Iterator[Watch]:
        """Watch the attempt this thread makes inside the block."""
        watch = Watch(deadline, self._lock)
        self._schedule(watch)
        _current.watch = watch
        try:
            yield watch
        finally:
            _current.watch = None
            watch.stop()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._queue.clear()
            self._cond.notify_all()

    def _schedule(self, watch: Watch) -> None:
        with self._cond:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            heapq.heappush(self._queue, (watch.deadline, next(self._seq), watch))
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                due = self._due()
                if due is None:
                    return
            for watch in due:
                watch.expire()

    def _due(self) -> list[Watch] | None:
        """Wait (holding the queue's condition) until some watches are due; None once closed."""
        while not self._closed:
            now = time.monotonic()
            if self._queue and self._queue[0][0] <= now:
                due = []
                while self._queue and self._queue[0][0] <= now:
                    due.append(heapq.heappop(self._queue)[2])
                return due
            self._cond.wait(self._queue[0][0] - now if self._queue else None)
        return None


def forget_written() -> None:
    """Before a request: this thread has written none yet."""
    _current.written_at = None


def last_written() -> float | None:
    """time.monotonic() when this thread's last request was fully written (None: not written).
    The rate limiter times the way out from here, not from before the client's own work."""
    return getattr(_current, "written_at", None)


def _bind_current(conn: HTTPConnection) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.bind(conn)


class WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        _bind_current(self)
        super().connect()

    def request(self, *args, **kwargs) -> None:
        _bind_current(self)  # a pooled connection is reused without connect()
        super().request(*args, **kwargs)
        _current.written_at = time.monotonic()


class WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        _bind_current(self)
        super().connect()

    def request(self, *args, **kwargs) -> None:
        _bind_current(self)
        super().request(*args, **kwargs)
        _current.written_at = time.monotonic()


class WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


WATCHED_POOLS = {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}


class WatchedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections (direct or through an HTTP proxy) can be watched."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = dict(WATCHED_POOLS)
        return manager
