"""Durable state on SQLite (default) or PostgreSQL (DATABASE_URL).

schema.py      tables, engine, migrations        database.py  connection and transaction helpers
requests.py    cancellation requests             audit.py     the audit log and its outbox
chain.py       the audit log's hash chain        slots.py     the shared CI rate limit
store.py       the Store that combines them
"""

from .audit import EVENTS, AuditEntry, AuditFilter
from .chain import Verdict
from .requests import Request
from .schema import SCHEMA_VERSION, metadata
from .slots import SharedLimiter
from .store import Store

__all__ = ["EVENTS", "SCHEMA_VERSION", "AuditEntry", "AuditFilter", "Request", "SharedLimiter", "Store", "Verdict", "metadata"]
