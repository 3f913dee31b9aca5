"""A minimal Socket Mode endpoint: the WebSocket that `apps.connections.open` points at.

Speaks just enough RFC 6455 for slack_sdk's built-in client: the handshake, text frames,
ping/pong and close. Slack's side sends envelopes; the app answers each with an ack.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _frame(opcode: int, payload: bytes) -> bytes:
    head = bytes([0x80 | opcode])
    size = len(payload)
    if size < 126:
        head += bytes([size])
    elif size < 1 << 16:
        head += bytes([126]) + struct.pack("!H", size)
    else:
        head += bytes([127]) + struct.pack("!Q", size)
    return head + payload


def _read_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class SocketModeStandIn:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.acks: list[dict] = []
        self.cond = threading.Condition()
        self.conn: socket.socket | None = None
        self.send_lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.listener.getsockname()[1]}/link/?ticket=test"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(4096)
        headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
        key = headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        conn.sendall(
            (f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode()
        )
        with self.cond:
            self.conn = conn
            self.cond.notify_all()
        self.send({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}, "debug_info": {}})
        try:
            while True:
                opcode, payload = self._read_frame(conn)
                if opcode == 0x8:
                    return
                if opcode == 0x9:
                    with self.send_lock:
                        conn.sendall(_frame(0xA, payload))
                elif opcode == 0x1:
                    with self.cond:
                        self.acks.append(json.loads(payload))
                        self.cond.notify_all()
        except (ConnectionError, OSError):
            return

    @staticmethod
    def _read_frame(conn: socket.socket) -> tuple[int, bytes]:
        first, second = _read_exact(conn, 2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", _read_exact(conn, 2))[0]
        elif size == 127:
            size = struct.unpack("!Q", _read_exact(conn, 8))[0]
        mask = _read_exact(conn, 4) if second & 0x80 else b"\0\0\0\0"
        data = _read_exact(conn, size)
        return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def send(self, message: dict) -> None:
        with self.send_lock:
            self.conn.sendall(_frame(0x1, json.dumps(message).encode()))

    def wait_connected(self, timeout: float = 30) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: self.conn is not None, timeout), "the app never connected"

    def wait_ack(self, envelope_id: str, timeout: float = 10) -> dict:
        with self.cond:
            found = self.cond.wait_for(lambda: next((a for a in self.acks if a.get("envelope_id") == envelope_id), None), timeout)
        assert found, f"no ack for {envelope_id}"
        return found

    def stop(self) -> None:
        self.listener.close()
        if self.conn:
            self.conn.close()
