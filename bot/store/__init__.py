"""Durable state on SQLite (default) or PostgreSQL (DATABASE_URL).

schema.py      tables and engine                 database.py  connection and transaction helpers
migrations.py  upgrades of older databases
requests.py    cancellation requests             jobs.py      the per-job journal of an execution
audit.py       the audit log and its outbox      chain.py     the audit log's hash chain
work.py        workers, durable tasks, leases    homes.py     who opened the Home tab
fencing.py     checks right before each Slack post   retention.py pruning (RETENTION_DAYS)
slots.py       the shared CI rate limit          store.py     the Store that combines them
"""

from .audit import EVENTS, AuditEntry, AuditFilter
from .chain import Verdict
from .database import writes_first
from .jobs import JobRecord
from .migrations import SCHEMA_VERSION, MigrationFailed
from .requests import PendingLimit, Request
from .schema import metadata
from .slots import SharedLimiter
from .store import Store
from .work import BACKGROUND, CLASSES, DECIDE, POST, REPORT, NewTask, Task

__all__ = [
    "BACKGROUND",
    "CLASSES",
    "DECIDE",
    "EVENTS",
    "POST",
    "REPORT",
    "SCHEMA_VERSION",
    "AuditEntry",
    "AuditFilter",
    "JobRecord",
    "MigrationFailed",
    "NewTask",
    "PendingLimit",
    "Request",
    "SharedLimiter",
    "Store",
    "Task",
    "Verdict",
    "metadata",
    "writes_first",
]
