"""A local stand-in for the Tencent CI API, on 127.0.0.1.

It verifies every request's COS signature on its own (a separate implementation from
bot/tencent/signer.py, recomputed from the header and parameter lists the client declares)
and refuses anything it cannot verify, like the real service. Faults are scripted per job.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import select
import socket
import ssl
import struct
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from xml.sax.saxutils import escape as xml_escape

from .server import LocalServer, respond

_SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux: stamp each received packet (ns); not exported by Python


@dataclass
class Snapshot:
    """One frame the query reports (documented shape: Url, SnapshotTime in ms since the epoch,
    Text, Label, Result, and per scene HitFlag, Score, Label, Category, SubLabel)."""

    time_ms: int
    label: str = "Porn"
    result: int = 1
    scores: dict[str, int] = field(default_factory=lambda: {"PornInfo": 90})  # scene element -> Score
    url: str = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/snapshot/frame-1.jpg?q-sign-algorithm=sha1&q-signature=abc"
    text: str = ""

    def xml(self) -> str:
        scenes = "".join(
            f"<{scene}><HitFlag>{1 if self.result else 0}</HitFlag><Score>{score}</Score><Label>{_x(self.label)}</Label>"
            f"<Category>{_x(self.label)}</Category><SubLabel/></{scene}>"
            for scene, score in self.scores.items()
        )
        return (
            f"<Snapshot><Url>{_x(self.url)}</Url><SnapshotTime>{self.time_ms}</SnapshotTime><Text>{_x(self.text)}</Text>"
            f"<Label>{_x(self.label)}</Label><Result>{self.result}</Result>{scenes}</Snapshot>"
        )


@dataclass
class AudioSection:
    """One audio section (documented shape: Url, Text, OffsetTime in ms since the epoch, Duration
    in ms, Label, Result, and per scene HitFlag, Score, Category, Keywords)."""

    offset_ms: int
    label: str = "Ads"
    result: int = 1
    scores: dict[str, int] = field(default_factory=lambda: {"AdsInfo": 80})
    url: str = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/audio/section-1.mp3?q-signature=def"
    text: str = ""
    duration_ms: int = 15000

    def xml(self) -> str:
        scenes = "".join(
            f"<{scene}><HitFlag>{1 if self.result else 0}</HitFlag><Score>{score}</Score><Category>{_x(self.label)}</Category><Keywords/></{scene}>"
            for scene, score in self.scores.items()
        )
        return (
            f"<AudioSection><Url>{_x(self.url)}</Url><Text>{_x(self.text)}</Text><OffsetTime>{self.offset_ms}</OffsetTime>"
            f"<Duration>{self.duration_ms}</Duration><Label>{_x(self.label)}</Label><Result>{self.result}</Result>{scenes}</AudioSection>"
        )


@dataclass
class Job:
    job_id: str
    state: str = "Auditing"
    data_id: str = ""
    creation_time: str = "2026-11-24T10:00:00+0800"
    url: str = "rtmp://live.example.com/app/stream"
    result: int | None = None  # the job's verdict (0, 1, 2); None: the answer has no Result/Label
    label: str = "Normal"
    snapshots: list[Snapshot] = field(default_factory=list)
    audio_sections: list[AudioSection] = field(default_factory=list)

    def evidence_xml(self) -> str:
        """What follows Url in the query's JobsDetail: the verdict, scenes, then each flag record."""
        if self.result is None and not self.snapshots and not self.audio_sections:
            return ""
        verdict = f"<SnapshotCount>{len(self.snapshots)}</SnapshotCount>"
        if self.result is not None:
            verdict += f"<Result>{self.result}</Result><Label>{_x(self.label)}</Label>"
        scenes = "".join(f"<{scene}><HitFlag>1</HitFlag><Count>{n}</Count></{scene}>" for scene, n in self._scene_counts().items())
        flags = "".join(s.xml() for s in self.snapshots) + "".join(a.xml() for a in self.audio_sections)
        return verdict + scenes + "<UserInfo/>" + flags

    def _scene_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in [*self.snapshots, *self.audio_sections]:
            if record.result:
                for scene in record.scores:
                    counts[scene] = counts.get(scene, 0) + 1
        return counts


def _x(text: str) -> str:
    return xml_escape(text)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most of these moments within any `window` seconds."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@dataclass
class Arrival:
    at: float  # time.monotonic() when its first byte reached this host (the kernel's stamp, not our thread's)
    method: str
    path: str
    verified: bool
    status: int = 0
    authorization: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    peer: tuple = ()  # the client's (host, port): the same port means a reused connection


class Fault:
    """Scripted behaviours, consumed one per request for a job."""

    @staticmethod
    def error(status: int, code: str, message: str = "", headers: dict | None = None):
        return ("error", status, code, message or code, headers or {})

    @staticmethod
    def raw(status: int, body: bytes, headers: dict | None = None):
        return ("raw", status, body, headers or {})

    @staticmethod
    def delay(seconds: float):
        return ("delay", seconds)

    @staticmethod
    def hold(until: threading.Event):
        """Keep the request (the connection open, nothing done) until the test sets `until`; then answer as usual."""
        return ("hold", until)

    @staticmethod
    def hang():
        return ("hang",)

    @staticmethod
    def until(released: threading.Event):
        """Answer only once `released` is set (at most 30 s): a call held in flight, on cue."""
        return ("until", released)

    @staticmethod
    def drop():
        """Close the connection without answering."""
        return ("drop",)

    @staticmethod
    def trickle(seconds: float):
        """Send headers, then one byte of body every `seconds`."""
        return ("trickle", seconds)

    @staticmethod
    def trickle_headers(seconds: float):
        """Send the status line and headers one byte every `seconds` (socket timeouts never fire)."""
        return ("trickle_headers", seconds)

    @staticmethod
    def apply_then(fault: tuple):
        """Do the work (cancel the job), then answer as `fault` says (a malformed 200, say)."""
        return ("apply_then", fault)

    @staticmethod
    def apply_then_drop():
        """Do the work (cancel the job), then lose the answer: the client sees a broken connection."""
        return ("apply_then_drop",)


class Trickler:
    """A TCP server that answers every connection with `data`, one byte every `seconds`.

    With a TLS record header announcing a long record, a client's handshake waits for ever
    (each byte resets its socket timeout): only a deadline on the whole attempt ends it.
    """

    TLS_RECORD_HEADER = b"\x16\x03\x03\x40\x00"  # handshake record, 16384 bytes to follow

    def __init__(self, data: bytes, seconds: float) -> None:
        self.data = data
        self.seconds = seconds
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"https://127.0.0.1:{self.server.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            while not self._stop.is_set():
                conn, _ = self.server.accept()
                threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            for i in range(len(self.data)):
                conn.sendall(self.data[i : i + 1])
                if self._stop.wait(self.seconds):
                    return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.server.close()


class FullBacklog:
    """A listening port whose accept queue is full: new connections are never accepted (connect timeout)."""

    def __init__(self, fillers: int = 3) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0)  # never accept(): the kernel queues one or two, then drops SYNs
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.fillers = [self._fill() for _ in range(fillers)]
        # The first filler's handshake completing means the queue is being taken up.
        select.select([], [self.fillers[0]], [], 5.0)

    def _fill(self) -> socket.socket:
        sock = socket.socket()
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            sock.connect(self.server.getsockname())
        return sock

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for sock in [*self.fillers, self.server]:
            sock.close()


def self_signed_cert(directory) -> tuple[str, str]:
    """A certificate for 127.0.0.1 (and its key), for an https stand-in the client verifies."""
    cert, key = f"{directory}/cert.pem", f"{directory}/key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


def _enc(value: str) -> str:
    out = []
    for byte in value.encode("utf-8"):
        ch = chr(byte)
        if ch.isascii() and (ch.isalnum() or ch in "-_.~"):
            out.append(ch)
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def expected_signature(secret_key: str, key_time: str, method: str, path: str, params: dict, headers: dict) -> str:
    def join(d: dict) -> str:
        pairs = sorted((_enc(k).lower(), _enc(v)) for k, v in d.items())
        return "&".join(k + "=" + v for k, v in pairs)

    text = "\n".join([method.lower(), path, join(params), join(headers)]) + "\n"
    to_sign = "sha1\n" + key_time + "\n" + hashlib.sha1(text.encode()).hexdigest() + "\n"
    key = hmac.new(secret_key.encode(), key_time.encode(), "sha1").hexdigest()
    return hmac.new(key.encode(), to_sign.encode(), "sha1").hexdigest()


class CIStandIn(LocalServer):
    def __init__(
        self,
        keys: dict[str, str] | None = None,
        tokens: set[str] | None = None,
        latency: float = 0.0,
        clock_offset: float = 0.0,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.keys = keys or {"AKIDtest": "test-secret-key"}
        self.tokens = tokens  # None: no STS required; a set: token must be one of them
        self.latency = latency
        self.clock_offset = clock_offset  # the server's clock minus ours
        self.jobs: dict[str, Job] = {}
        self.faults: dict[str, list[tuple]] = {}
        self.arrivals: list[Arrival] = []
        self.lock = threading.Lock()
        self._release = threading.Event()  # frees hung handlers at shutdown
        super().__init__(self._handler_class())
        self.tls = tls
        if tls:  # (certfile, keyfile): serve https; the handshake runs in the handler thread
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def url(self) -> str:
        return self.base_url.replace("http://", "https://") if self.tls else self.base_url

    def stop(self) -> None:
        self._release.set()
        super().stop()

    # -- scripting -------------------------------------------------------------------
    def add_job(self, job_id: str, **kwargs) -> Job:
        job = Job(job_id, **kwargs)
        with self.lock:
            self.jobs[job_id] = job
        return job

    def flag(self, job_id: str, *records: Snapshot | AudioSection, result: int | None = None, label: str | None = None) -> None:
        """Moderation found more on a running job: its next query answers with these records too."""
        with self.lock:
            job = self.jobs[job_id]
            job.snapshots += [r for r in records if isinstance(r, Snapshot)]
            job.audio_sections += [r for r in records if isinstance(r, AudioSection)]
            job.result = job.result if result is None else result
            job.label = job.label if label is None else label

    def script(self, job_id: str, *faults: tuple) -> None:
        with self.lock:
            self.faults.setdefault(job_id, []).extend(faults)

    def requests_for(self, path_fragment: str = "") -> list[Arrival]:
        with self.lock:
            return [a for a in self.arrivals if path_fragment in a.path]

    def max_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any `window` seconds."""
        with self.lock:
            times = [a.at for a in self.arrivals]
        return max_in_window(times, window)

    # -- the server ------------------------------------------------------------------
    def _handler_class(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                return

            def date_time_string(self, timestamp=None) -> str:  # the server's (possibly skewed) clock
                return formatdate(time.time() + stand_in.clock_offset, usegmt=True)

            def handle_one_request(self) -> None:
                self.arrived = stand_in._arrival_stamp(self)
                super().handle_one_request()

            def do_GET(self) -> None:
                stand_in._handle(self)

            def do_POST(self) -> None:
                stand_in._handle(self)

            def do_PUT(self) -> None:
                stand_in._handle(self)

        return Handler

    def _verify(self, h: BaseHTTPRequestHandler, path: str, query: dict) -> tuple[bool, str]:
        auth = h.headers.get("Authorization", "")
        fields = dict(p.split("=", 1) for p in auth.split("&") if "=" in p)
        needed = {"q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature"}
        if not needed <= fields.keys() or fields["q-sign-algorithm"] != "sha1":
            return False, "AccessDenied"
        secret = self.keys.get(fields["q-ak"])
        if secret is None:
            return False, "InvalidAccessKeyId"
        try:
            start, end = (int(x) for x in fields["q-sign-time"].split(";"))
        except ValueError:
            return False, "AccessDenied"
        now = time.time() + self.clock_offset
        if not start <= now <= end:
            return False, "RequestTimeTooSkewed"
        header_names = [n for n in fields["q-header-list"].split(";") if n]
        param_names = [n for n in fields["q-url-param-list"].split(";") if n]
        received = {k.lower(): v for k, v in h.headers.items()}
        received["host"] = received.get("host", "").rsplit(":", 1)[0]
        if "host" not in header_names:
            return False, "AccessDenied"
        # Send what you sign, sign what you send: every x-ci-/x-cos- header must be covered.
        for name in received:
            if name.startswith(("x-ci-", "x-cos-")) and name not in header_names:
                return False, "AccessDenied"
        signed_headers = {}
        for name in header_names:
            original = urllib.parse.unquote(name)
            if original not in received:
                return False, "SignatureDoesNotMatch"
            signed_headers[original] = received[original]
        signed_params = {}
        for name in param_names:
            original = urllib.parse.unquote(name)
            if original not in query:
                return False, "SignatureDoesNotMatch"
            signed_params[original] = query[original]
        want = expected_signature(secret, fields["q-key-time"], h.command, path, signed_params, signed_headers)
        if not hmac.compare_digest(want, fields["q-signature"]):
            return False, "SignatureDoesNotMatch"
        if self.tokens is not None and received.get("x-ci-security-token") not in self.tokens:
            return False, "InvalidToken"
        return True, ""

    def _arrival_stamp(self, h: BaseHTTPRequestHandler) -> float | None:
        """When the next request's first byte reached this host, by the kernel's receive stamp
        (time.monotonic() terms), or None where that cannot be read (TLS, not Linux). Arrival is
        what a rate limit counts; the moment this thread got round to reading it is later by
        however long a busy machine kept the thread waiting, and would bunch requests sent
        apart (rate-limit tests failed on that under load)."""
        if self.tls or not hasattr(socket, "CMSG_SPACE"):
            return None
        try:
            h.connection.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
            _, ancillary, _, _ = h.connection.recvmsg(1, socket.CMSG_SPACE(16), socket.MSG_PEEK)  # waits for the request
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS and len(data) >= 16:
                    seconds, nanoseconds = struct.unpack("qq", data[:16])
                    return seconds + nanoseconds / 1e9 - (time.time() - time.monotonic())
        except OSError:
            pass
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        arrived = getattr(h, "arrived", None) or time.monotonic()
        parts = urllib.parse.urlsplit(h.path)
        path = urllib.parse.unquote(parts.path)
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        length = int(h.headers.get("Content-Length") or 0)
        if length:
            h.rfile.read(length)
        ok, code = self._verify(h, path, query)
        record = Arrival(
            arrived,
            h.command,
            path,
            ok,
            authorization=h.headers.get("Authorization", ""),
            headers=dict(h.headers.items()),
            peer=tuple(h.client_address),
        )
        with self.lock:
            self.arrivals.append(record)
        if self.latency:
            time.sleep(self.latency)
        if not ok:
            status = 403
            record.status = status
            self._send_error(h, status, code, f"signature check failed: {code}")
            return
        job_id = path.rsplit("/", 1)[-1]
        fault = self._next_fault(job_id)
        if fault is not None and self._apply_fault(h, fault, record, job_id):
            return
        if h.command == "POST" and path.startswith("/video/cancel_auditing/"):
            self._cancel(h, job_id, record)
        elif h.command == "GET" and path.startswith("/video/auditing/"):
            self._describe(h, job_id, record)
        else:
            record.status = 404
            self._send_error(h, 404, "NoSuchResource", "unknown API")

    def _next_fault(self, job_id: str):
        with self.lock:
            queue = self.faults.get(job_id) or self.faults.get("*")
            return queue.pop(0) if queue else None

    def _apply_fault(self, h, fault: tuple, record: Arrival, job_id: str) -> bool:
        kind = fault[0]
        if kind == "delay":
            time.sleep(fault[1])
            return False
        if kind == "until":
            fault[1].wait(30)
            return False
        if kind == "error":
            _, status, code, message, headers = fault
            record.status = status
            self._send_error(h, status, code, message, headers)
            return True
        if kind == "raw":
            _, status, body, headers = fault
            record.status = status
            self._send(h, status, body, {"Content-Type": "application/xml", **headers})
            return True
        if kind == "hold":
            while not (fault[1].is_set() or self._release.is_set()):
                fault[1].wait(0.1)  # also freed when the stand-in stops
            return False
        if kind == "hang":
            self._release.wait(60)
            h.close_connection = True
            return True
        if kind == "drop":
            self._drop(h)
            return True
        if kind == "apply_then":
            with self.lock:
                job = self.jobs.get(job_id)
                if job is not None:
                    job.state = "Cancelled"
            return self._apply_fault(h, fault[1], record, job_id)
        if kind == "apply_then_drop":
            with self.lock:
                job = self.jobs.get(job_id)
                if job is not None:
                    job.state = "Cancelled"
            self._drop(h)
            return True
        if kind == "trickle":
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", "1000")
            h.end_headers()
            try:
                for _ in range(1000):
                    h.wfile.write(b" ")
                    h.wfile.flush()
                    if self._release.wait(fault[1]):
                        break
            except OSError:
                pass
            h.close_connection = True
            return True
        if kind == "trickle_headers":
            record.status = 200
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nx-ci-request-id: slow\r\nContent-Length: 0\r\n\r\n"
            self._trickle(h, head, fault[1])
            return True
        raise ValueError(f"unknown fault {fault!r}")

    def _trickle(self, h, data: bytes, seconds: float) -> None:
        """Write `data` one byte at a time, until the client hangs up or the stand-in stops."""
        try:
            for i in range(len(data)):
                h.wfile.write(data[i : i + 1])
                h.wfile.flush()
                if self._release.wait(seconds):
                    break
        except OSError:
            pass
        h.close_connection = True

    def _drop(self, h) -> None:
        with contextlib.suppress(OSError):
            h.connection.shutdown(socket.SHUT_RDWR)
        h.close_connection = True

    def _cancel(self, h, job_id: str, record: Arrival) -> None:
        with self.lock:
            job = self.jobs.get(job_id)
            live = job is not None and job.state in {"Auditing", "Submitted"}
            if live:
                job.state = "Cancelled"
        if not live:
            record.status = 400
            self._send_error(h, 400, "InvalidArgument", "job does not exist or has finished")
            return
        body = (
            f"<Response><JobsDetail><DataId>{job.data_id}</DataId><JobId>{job.job_id}</JobId>"
            f"<CreationTime>{job.creation_time}</CreationTime><State>Cancelled</State></JobsDetail>"
            f"<RequestId>req-{job_id[-6:]}-{len(self.arrivals)}</RequestId></Response>"
        ).encode()
        record.status = 200
        self._send(h, 200, body, {"Content-Type": "application/xml"})

    def _describe(self, h, job_id: str, record: Arrival) -> None:
        with self.lock:  # the body is made under the lock: a test may add flags meanwhile
            job = self.jobs.get(job_id)
            body = b"" if job is None else self.query_body(job)
        if job is None:
            record.status = 400
            self._send_error(h, 400, "InvalidArgument", "job does not exist")
            return
        record.status = 200
        self._send(h, 200, body, {"Content-Type": "application/xml"})

    @staticmethod
    def query_body(job: Job) -> bytes:
        """The query API's answer for `job` (reference: "Query a live moderation job")."""
        return (
            "<Response><JobsDetail><Code>Success</Code><Message>Success</Message>"
            f"<DataId>{job.data_id}</DataId><JobId>{job.job_id}</JobId><State>{job.state}</State>"
            f"<CreationTime>{job.creation_time}</CreationTime><Type>live_video</Type>"
            f"<Url>{_x(job.url)}</Url>{job.evidence_xml()}</JobsDetail><RequestId>req-q-{job.job_id[-6:]}</RequestId></Response>"
        ).encode()

    def _send_error(self, h, status: int, code: str, message: str, headers: dict | None = None) -> None:
        body = (
            f"<Error><Code>{code}</Code><Message>{message}</Message><Resource>{h.path}</Resource>"
            f"<RequestId>err-req-{code}</RequestId><TraceId>trace-{code}</TraceId></Error>"
        ).encode()
        self._send(h, status, body, {"Content-Type": "application/xml", **(headers or {})})

    def _send(self, h, status: int, body: bytes, headers: dict) -> None:
        request_id = f"hdr-{status}-{int(time.monotonic() * 1000) % 100000}"
        respond(h, status, body, {"x-ci-request-id": request_id, **headers})
