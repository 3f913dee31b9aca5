"""The durable work queue: tasks stored through a TaskStore, claimed, run by lanes of threads
in priority order, retried, taken over from dead workers; the outbox and group commit.
It knows no application kind, lane or storage: the application registers them (bot/runtime.py).
See docs/work-queue.md."""

from bot.work.admission import ACK_STORE_SECONDS
from bot.work.group_commit import CommitUnknown, GroupCommit, NotCommitted
from bot.work.heartbeat import Heartbeat
from bot.work.outbox import Fence, LeaseLost, Outbox
from bot.work.ports import Entries, Entry, Leases, TaskFencing, TaskStore
from bot.work.queue import QUEUE_LIMIT, WorkQueue
from bot.work.runner import MAX_ATTEMPTS
from bot.work.tasks import CLASSES, NewTask, Payload, Priority, QueueFull, RetryLater, Task, boot_token

__all__ = [
    "ACK_STORE_SECONDS",
    "CLASSES",
    "MAX_ATTEMPTS",
    "QUEUE_LIMIT",
    "CommitUnknown",
    "Entries",
    "Entry",
    "Fence",
    "GroupCommit",
    "Heartbeat",
    "LeaseLost",
    "Leases",
    "NewTask",
    "NotCommitted",
    "Outbox",
    "Payload",
    "Priority",
    "QueueFull",
    "RetryLater",
    "Task",
    "TaskFencing",
    "TaskStore",
    "WorkQueue",
    "boot_token",
]
