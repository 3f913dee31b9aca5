"""The domain on a real SQLite store in tmp_path, with in-test doubles of its two far sides:
the CI API (the CIPort) and Slack's user groups (the GroupDirectory). No server, no Runtime."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Set
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from bot.domain import workflow as wf
from bot.domain.announce import Caller
from bot.domain.kinds import CLASSES
from bot.domain.policy import Policy, PolicyRules
from bot.domain.states import Lane
from bot.store import Store, Task
from bot.store.schema import tasks_table
from bot.tencent.ratelimit import priority_of
from bot.tencent.results import CancelResult, CIError, JobStatus
from tests.unit.conftest import sqlite_store

ME = "worker-1"
ONCALL, ONCALL2, REQUESTER, STRANGER = "UONCALL", "UONCALL2", "UREQ", "USTRANGER"
CHANNEL = "CWORK"


def job(n: int) -> str:
    return "av" + f"{n:032x}"


@dataclass
class FakeCI:
    """The CI client port: answers per job, and remembers every call (with the CI priority it
    was made at, as the rate limiter would see it)."""

    errors: dict[str, CIError] = field(default_factory=dict)  # cancel(job) raises this
    states: dict[str, str] = field(default_factory=dict)  # describe(job) answers this state
    describe_errors: dict[str, CIError] = field(default_factory=dict)
    calls: list[tuple[str, str, int]] = field(default_factory=list)  # (method, job, priority)
    before_cancel: list = field(default_factory=list)  # callbacks(job_id), e.g. to read the journal
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cancel(self, job_id: str) -> CancelResult:
        for check in self.before_cancel:
            check(job_id)
        with self.lock:
            self.calls.append(("cancel", job_id, priority_of("POST")))
        if job_id in self.errors:
            raise self.errors[job_id]
        return CancelResult(job_id, f"data-{job_id[-4:]}", "2026-01-01 00:00:00", f"req-{job_id[-4:]}", "Cancelled")

    def describe(self, job_id: str) -> JobStatus:
        with self.lock:
            self.calls.append(("describe", job_id, priority_of("GET")))
        if job_id in self.describe_errors:
            raise self.describe_errors[job_id]
        return JobStatus(job_id, self.states.get(job_id, "Auditing"), f"data-{job_id[-4:]}", "2026-01-01", "rtmp://x", "req-d")

    def sent(self) -> list[str]:
        return [j for method, j, _ in self.calls if method == "cancel"]


class Directory:
    """Slack's user groups: `down` groups cannot be read."""

    def __init__(self, groups: dict[str, set[str]] | None = None, down: set[str] | None = None) -> None:
        self.groups = groups or {}
        self.down = down or set()

    def members(self, group_id: str) -> Set[str]:
        if group_id in self.down:
            raise RuntimeError(f"{group_id} unreadable")
        return self.groups.get(group_id, set())


@pytest.fixture
def store(tmp_path, sqlite_template) -> Iterator[Store]:
    store = sqlite_store(sqlite_template, tmp_path)
    store.work.register_worker(ME, "host", 1, "boot")
    yield store
    store.close()


@pytest.fixture
def ci() -> FakeCI:
    return FakeCI()


@pytest.fixture
def policy() -> Policy:
    rules = PolicyRules(approver_users=frozenset({ONCALL, ONCALL2}), requester_users=frozenset({REQUESTER}))
    return Policy(rules, Directory())


def make_workflow(store: Store, ci: FakeCI, policy: Policy, **options) -> wf.Workflow:
    settings = dict(ttl_seconds=600, four_eyes=False, max_pending=2, lookup_concurrency=2, execution_concurrency=2)
    settings.update(options)
    return wf.Workflow(store=store, ci=ci, policy=policy, **settings)


@pytest.fixture
def workflow(store, ci, policy) -> wf.Workflow:
    return make_workflow(store, ci, policy)


def caller(user: str = REQUESTER, channel: str = CHANNEL) -> Caller:
    return Caller(user, channel)


def drain(store: Store, workflow: wf.Workflow, lanes=(Lane.URGENT, Lane.LOOKUPS)) -> list[Task]:
    """Run the workflow's due tasks in `lanes` (not the announcements: the courier's) until none
    is left, as a worker would; return the tasks run."""
    handlers, ran = workflow.handlers(), []
    for _ in range(50):
        tasks = store.work.claim_tasks(ME, list(lanes), running=(), classes=CLASSES)
        if not tasks:
            return ran
        for task in tasks:
            handlers[task.kind](task)
            store.work.complete_task(task.key, ME)
            ran.append(task)
    raise AssertionError("the workflow kept making work")


def announcements(store: Store) -> list[Task]:
    """Stored, undelivered announcements, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(tasks_table.c.key).where(tasks_table.c.lane.in_([Lane.SLACK, Lane.HOME])).order_by(tasks_table.c.seq)).all()
    return [t for t in (store.work.get_task(r.key) for r in rows) if t is not None]


def kinds(tasks: list[Task]) -> list[str]:
    return [t.kind for t in tasks]
