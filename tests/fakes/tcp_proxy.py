"""A TCP proxy in front of a real server (PostgreSQL), to play the network failing.

- forward()   new connections are passed through to the server
- blackhole() every open connection, and each new one, stays open and keeps being ACKed by
              the kernel, but nothing is passed on either way (a NAT or a proxy in front of a
              failed-over server); those connections stay dead for good
- refuse()    open connections are reset, and each new one is reset at once
- failover()  the open connections go dead as in blackhole(), and the server forgets their
              sessions (the old primary is gone: their locks with it); new ones reach the server
              (the address now leads to the new primary)
- slow_answers(seconds)  the server's answers reach the client this much later (in order);
              what the client sends still arrives at once (a congested or lossy path)
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from collections import deque


class _Link:
    """One client connection and, while it forwards, its connection to the server."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None, proxy: TCPProxy) -> None:
        self.client = client
        self.upstream = upstream
        self.proxy = proxy
        self.dead = upstream is None  # dead: read and drop, forward nothing
        self.closed = False
        self._late: deque[tuple[float, bytes]] = deque()  # answers held back by slow_answers()
        self._late_ready = threading.Condition()

    def pump(self) -> None:
        sockets = [s for s in (self.client, self.upstream) if s is not None]
        try:
            while not self.closed:
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for src in readable:
                    data = src.recv(65536)
                    if not data and src is self.upstream and self.dead:  # the old server is gone; the client hears nothing
                        sockets.remove(src)
                        continue
                    if not data:
                        return
                    if self.dead:
                        continue
                    if src is self.client:
                        self.upstream.sendall(data)
                    else:
                        self._answer(data)
        except OSError:
            return
        finally:
            self.close()

    def forget_session(self) -> None:
        """The server side ends (its transaction rolled back); the client side stays a black hole."""
        self.dead = True
        if self.upstream is not None:
            with contextlib.suppress(OSError):
                self.upstream.shutdown(socket.SHUT_RDWR)

    def _answer(self, data: bytes) -> None:
        with self._late_ready:
            if not self._late and not self.proxy.answer_delay:
                self.client.sendall(data)
                return
            self._late.append((time.monotonic() + self.proxy.answer_delay, data))
            self._late_ready.notify()

    def deliver_late(self) -> None:
        """Send held-back answers when due, in order."""
        while not self.closed:
            with self._late_ready:
                self._late_ready.wait_for(lambda: self._late or self.closed, 0.2)
                if not self._late:
                    continue
                due, data = self._late[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._late_ready.wait(wait)
                    continue
                self._late.popleft()
            try:
                if not self.dead:
                    self.client.sendall(data)
            except OSError:
                return

    def close(self, reset: bool = False) -> None:
        self.closed = True
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            try:
                if reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            except OSError:
                pass


class TCPProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = "forward"
        self.answer_delay = 0.0
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.accepted = 0
        self._stopped = False

    def start(self) -> TCPProxy:
        threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()

    # -- the network's moods ----------------------------------------------------------------
    def forward(self) -> None:
        self.mode = "forward"
        self.answer_delay = 0.0

    def slow_answers(self, seconds: float) -> None:
        self.answer_delay = seconds

    def blackhole(self) -> None:
        with self._lock:
            self.mode = "blackhole"
            for link in self._links:
                link.dead = True

    def refuse(self) -> None:
        with self._lock:
            self.mode = "refuse"
            links, self._links = self._links, []
        for link in links:
            link.close(reset=True)

    def failover(self) -> None:
        with self._lock:
            for link in self._links:
                link.forget_session()
            self.mode = "forward"

    def open_connections(self) -> int:
        with self._lock:
            return sum(1 for link in self._links if not link.closed and not link.dead)

    # -- serving -----------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        mode = self.mode
        if mode == "refuse":
            _Link(client, None, self).close(reset=True)
            return
        upstream = None
        if mode == "forward":
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _Link(client, None, self).close(reset=True)
                return
        link = _Link(client, upstream, self)
        with self._lock:
            if self.mode == "blackhole":
                link.dead = True
            self._links.append(link)
        threading.Thread(target=link.deliver_late, daemon=True).start()
        link.pump()


@contextlib.contextmanager
def postgres_behind_proxy(database_url: str):
    """The test PostgreSQL (emptied) behind a TCPProxy: yields the proxy and the URL that reaches
    the database through it. On the way out the proxy lets go of every connection first."""
    import urllib.parse

    from tests.harness import reset_database

    url = urllib.parse.urlsplit(database_url)
    reset_database(database_url)
    proxy = TCPProxy(url.hostname or "127.0.0.1", url.port or 5432).start()
    auth = f"{url.username}@" if url.username else ""
    try:
        yield proxy, urllib.parse.urlunsplit((url.scheme, f"{auth}127.0.0.1:{proxy.port}", url.path, url.query, ""))
    finally:
        proxy.failover()
        proxy.stop()
