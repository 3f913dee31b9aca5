"""Durable state on SQLite (default) or PostgreSQL (DATABASE_URL).

schema.py      tables and engine                 database.py  connection and transaction helpers
migrations.py  upgrades of older databases
dialect.py     where SQLite and PostgreSQL differ
requests.py    Requests: created, decided once   jobs.py      Journal: the per-job journal of an execution
audit.py       AuditLog and its outbox           chain.py     the audit log's hash chain
work.py        workers, durable tasks, leases    homes.py     HomeViews: who opened the Home tab
fencing.py     checks right before each Slack post   retention.py Retention: pruning (RETENTION_DAYS)
slots.py       RateSlots: the shared CI rate limit   store.py   the Store: the database and its repositories
"""

from bot.store.audit import EVENTS, AuditEntry, AuditFilter, AuditLog
from bot.store.chain import Verdict
from bot.store.database import Database
from bot.store.dialect import writes_first
from bot.store.homes import HomeViews
from bot.store.jobs import JobRecord, Journal
from bot.store.migrations import SCHEMA_VERSION, MigrationFailed
from bot.store.requests import PendingLimit, Request, Requests
from bot.store.retention import Retention
from bot.store.schema import metadata
from bot.store.slots import RateSlots, SharedLimiter
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
    "AuditLog",
    "Database",
    "HomeViews",
    "JobRecord",
    "Journal",
    "MigrationFailed",
    "NewTask",
    "PendingLimit",
    "RateSlots",
    "Request",
    "Requests",
    "Retention",
    "SharedLimiter",
    "Store",
    "Task",
    "Verdict",
    "WorkItems",
    "metadata",
    "writes_first",
]
