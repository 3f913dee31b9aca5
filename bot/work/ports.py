"""What the queue and the outbox need from storage: Protocols the application's repository
implements (bot/store/work.py on SQLite or PostgreSQL). Times are the database's clock."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from bot.work.tasks import NewTask, Task


class TaskStore(Protocol):
    """Workers (liveness by heartbeat) and the tasks they own."""

    def register_worker(self, worker_id: str, host: str, pid: int, boot: str) -> None: ...

    def heartbeat(self, worker_id: str) -> bool:
        """False: another worker declared us dead (our tasks are gone)."""
        ...

    def reap_workers(self, me: str, timeout: float) -> list[str]: ...

    def bury_process(self, boot: str) -> list[str]:
        """Free at once the work of one OS process its parent saw exit (by its boot_token)."""
        ...

    def retire_worker(self, worker_id: str) -> int: ...

    def enqueue(self, tasks: Iterable[NewTask], owner: str | None = None, urgent: bool = False) -> None: ...

    def claim_tasks(
        self,
        me: str,
        lanes: Sequence[str],
        running: Iterable[str],
        limit: int = 20,
        classes: Mapping[str, int] | None = None,
        admit: Callable[[str, str], bool] | None = None,
        kinds: Collection[str] | None = None,
    ) -> list[Task]: ...

    def ready_tasks(self, keys: Sequence[str], me: str) -> list[Task]: ...

    def release_tasks(self, keys: Sequence[str], me: str) -> int: ...

    def complete_task(self, key: str, me: str, error: str | None = None) -> bool: ...

    def retry_task(self, key: str, me: str, delay: float, error: str) -> None: ...

    def get_task(self, key: str) -> Task | None: ...

    def time_limit(self, seconds: float) -> AbstractContextManager[None]:
        """Each call this thread makes inside the block is cut off after `seconds`."""
        ...


class Leases(Protocol):
    """Named singleton leases and the fence checked right before each irrevocable post."""

    def hold_lease(self, name: str, me: str) -> bool: ...

    def fence_audit_post(self, lease: str, entry_id: int, me: str, fresh: float | None = None) -> bool: ...

    def audit_in_doubt(self, entry_id: int) -> bool: ...

    def audit_post_refused(self, lease: str, entry_id: int, me: str) -> None: ...


class TaskFencing(Protocol):
    """The fence for a post made by a task: only while its worker still owns it."""

    def task_attempts(self, key: str) -> int: ...

    def fence_task_attempt(self, key: str, me: str, fresh: float | None = None, pending_request: str | None = None) -> bool: ...


class Entry(Protocol):
    """An outbox entry: what the outbox reads of it."""

    @property
    def id(self) -> int: ...

    @property
    def event(self) -> str: ...


E = TypeVar("E", bound=Entry)
E_co = TypeVar("E_co", bound=Entry, covariant=True)


class Entries(Protocol[E_co]):
    """The outbox's entries, in the order they must be posted."""

    def unposted(self) -> Sequence[E_co]: ...

    def mark_posted(self, entry_id: int) -> None: ...
