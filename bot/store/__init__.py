"""Durable state on SQLite (default) or PostgreSQL (DATABASE_URL).

schema.py      tables and engine                 database.py  connection and transaction helpers
migrations.py  upgrades of older databases
requests.py    cancellation requests             jobs.py      the per-job journal of an execution
audit.py       the audit log and its outbox      chain.py     the audit log's hash chain
work.py        workers, tasks, leases: store.work   homes.py     who opened the Home tab
fencing.py     checks before each Slack post (store.work's)   retention.py  pruning (RETENTION_DAYS)
slots.py       the shared CI rate limit          store.py     the Store that combines them
"""

from bot.store.audit import EVENTS, AuditEntry, AuditFilter
from bot.store.chain import Verdict
from bot.store.database import writes_first
from bot.store.jobs import JobRecord
from bot.store.migrations import SCHEMA_VERSION, MigrationFailed
from bot.store.requests import PendingLimit, Request
from bot.store.schema import metadata
from bot.store.slots import SharedLimiter
from bot.store.store import Store
from bot.store.work import WorkItems
from bot.work import CLASSES, NewTask, Priority, Task

# The classes by their old names (the domain's imports; bot.work.Priority is the one vocabulary).
DECIDE, POST, REPORT, BACKGROUND = Priority.DECIDE, Priority.POST, Priority.REPORT, Priority.BACKGROUND

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
    "WorkItems",
    "metadata",
    "writes_first",
]
