"""A threaded HTTP server on 127.0.0.1 with an ephemeral port, shared by the stand-ins."""

from __future__ import annotations

import sys
import threading
from http.server import ThreadingHTTPServer

SHUTDOWN_POLL = 0.02  # seconds: how often serve_forever looks for a shutdown request


class _Server(ThreadingHTTPServer):
    # Real APIs have deep accept queues; the default of 5 drops SYNs under a burst and adds
    # one-second retransmits that would look like the bot's own fault.
    request_queue_size = 256
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # Clients hanging up mid-answer is what the timeout tests provoke; anything else is a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class LocalServer:
    def __init__(self, handler_class) -> None:
        self.server = _Server(("127.0.0.1", 0), handler_class)
        # A short poll: shutdown() waits up to one poll interval (the default 0.5 s, in every test's teardown).
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def respond(h, status: int, body: bytes, headers: dict) -> None:
    """Write one whole HTTP response; a client that already hung up is not an error here."""
    try:
        h.send_response(status)
        for name, value in headers.items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    except OSError:
        pass
