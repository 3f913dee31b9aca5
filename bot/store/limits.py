"""How long one database call may take, per thread (enforced on PostgreSQL by postgres.py).

Kept apart from postgres.py so that a bot on SQLite never imports the PostgreSQL driver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

CALL_LIMIT_SECONDS = 15.0  # client-side: longer than the server's statement timeout, so a live server answers first
# The server ends a session whose client went silent mid-transaction (behind a black hole),
# so the locks it holds do not block every other process. Our transactions never idle.
IDLE_IN_TRANSACTION_SECONDS = 20

_scope = threading.local()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Calls made by this thread inside the block get `seconds` each instead of the default
    (shorter for a health probe or an acknowledgement, longer for a migration)."""
    before = getattr(_scope, "limit", None)
    _scope.limit = seconds
    try:
        yield
    finally:
        _scope.limit = before


def current_limit() -> float:
    return getattr(_scope, "limit", None) or CALL_LIMIT_SECONDS
