"""Review of issue 17 (the restructure into bot/work, repositories, typed vocabulary, one Slack
call helper): behaviour that the merge changed although the issue asks for none.

Each test states the rule as it held before the restructure (72fb150) and fails on the merged
code. None starts a server or a runtime; each runs in well under a second:

    python3 -m pytest -q -n 0 tests/test_regressions_review17.py
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass

from bot.observe import logs
from bot.work import Task
from bot.work.outbox import Outbox
from bot.work.registry import Kinds
from bot.work.runner import Runner

ME = "worker-review17"


# -- log lines keep the `logger` they had -----------------------------------------------------
# Every JSON log line carries `logger` (record.name), next to `ts`, `level` and `event`
# (docs/operations.md, "Logs"). Before the restructure the queue's lines came from `bot.worker`
# and the audit outbox's from `bot.outbox`; operators' filters and alerts select on it. The
# move to bot/work/ changed both (runner.py even says it keeps "the logger name operators
# already filter on", but names `bot.work.queue`, a logger that never existed before).


class _TaskStore:
    """Only what Runner records through: the task's end (no database needed for a log line)."""

    def __init__(self) -> None:
        self.completed: list[tuple[str, str | None]] = []
        self.retried: list[tuple[str, float, str]] = []

    def complete_task(self, key: str, me: str, error: str | None = None) -> bool:
        self.completed.append((key, error))
        return True

    def retry_task(self, key: str, me: str, delay: float, error: str) -> None:
        self.retried.append((key, delay, error))


def _json_lines(run) -> list[dict]:
    """What the process prints while `run()` runs, with LOG_FORMAT=json."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        logs.configure("INFO", "json", (), stream=stream)
        run()
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved_handlers:
            root.addHandler(handler)
        root.setLevel(saved_level)
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def _failing(task: Task) -> None:
    raise ValueError("a bug")


def test_a_failed_task_is_logged_by_the_bot_worker_logger_as_before():
    kinds = Kinds()
    kinds.register({"k": _failing})
    runner = Runner(_TaskStore(), kinds, lambda: ME)  # type: ignore[arg-type]
    lines = _json_lines(lambda: runner.run(Task(1, "t1", "k", "main", None, {}, ME, 0)))
    [failed] = [d for d in lines if d["event"] == "task.failed"]
    assert failed["logger"] == "bot.worker", failed["logger"]


def test_a_task_given_up_is_logged_by_the_bot_worker_logger_as_before():
    kinds = Kinds()
    kinds.register({"k": _failing})
    runner = Runner(_TaskStore(), kinds, lambda: ME)  # type: ignore[arg-type]
    lines = _json_lines(lambda: runner.run(Task(1, "t1", "k", "main", None, {}, ME, 11)))
    [given_up] = [d for d in lines if d["event"] == "task.given_up"]
    assert given_up["logger"] == "bot.worker", given_up["logger"]


@dataclass(frozen=True)
class _Entry:
    id: int
    event: str


class _Entries:
    def __init__(self, entries: list[_Entry]) -> None:
        self.waiting = list(entries)

    def unposted(self) -> list[_Entry]:
        return list(self.waiting)

    def mark_posted(self, entry_id: int) -> None:
        self.waiting = [e for e in self.waiting if e.id != entry_id]


class _Leases:
    def hold_lease(self, name: str, me: str) -> bool:
        return True

    def fence_audit_post(self, lease: str, entry_id: int, me: str, fresh: float | None = None) -> bool:
        return True

    def audit_in_doubt(self, entry_id: int) -> bool:
        return False

    def audit_post_refused(self, lease: str, entry_id: int, me: str) -> None:
        pass


def test_an_audit_post_is_logged_by_the_bot_outbox_logger_as_before():
    def post(entry, maybe_posted, fence) -> None:
        fence()

    outbox = Outbox(_Entries([_Entry(1, "approved")]), _Leases(), post, lambda: ME)  # type: ignore[arg-type]
    lines = _json_lines(outbox.flush)
    [posted] = [d for d in lines if d["event"] == "audit.posted"]
    assert posted["logger"] == "bot.outbox", posted["logger"]


# -- a failed permalink logs what it always logged ---------------------------------------------
# Before: `slack.permalink_failed` with error=type(exc).__name__ for every failure (a refusal
# logged "SlackApiError"). Through slack_call(retry=False) it now logs Slack's error code
# instead ("message_not_found"): a log field's value changed (tests/unit/slack pins the new one).


# -- a decision taken while its worker stops -----------------------------------------------------
# Before: a decision's follow-ups (the message update, the execution) were stored free, so any
# live worker claimed the execution at once. Since the hot-path merge they are stored owned by
# the deciding worker, which starts them itself (WorkQueue.run_now) -- except while it stops:
# run_now starts nothing once `accepting` is off, the drain claims only the slack lane, and no
# other worker may claim a task a live worker owns. The cancel then waits for the stopping
# process to retire (up to SHUTDOWN_GRACE_SECONDS) instead of running elsewhere at once.


def test_an_approval_decided_while_its_worker_stops_leaves_the_execution_to_the_other_workers(tmp_path):
    from bot.domain.kinds import APPROVE, CLASSES, click_task
    from bot.domain.policy import Policy, PolicyRules
    from bot.domain.states import Lane, TaskKind
    from bot.store import Store
    from bot.work import WorkQueue
    from tests.unit.domain.conftest import ME as DRAINER
    from tests.unit.domain.conftest import ONCALL, REQUESTER, Directory, FakeCI, caller, job, make_workflow
    from tests.unit.domain.test_workflow import ask, key

    store = Store(f"sqlite:///{tmp_path}/review17.db")
    store.migrate()
    queue = WorkQueue(store.work, {Lane.URGENT: 1, Lane.LOOKUPS: 1, Lane.SLACK: 1, Lane.HOME: 1}, poll=30.0)
    try:
        for worker in (DRAINER, queue.id, "other-process"):
            store.work.register_worker(worker, "host", 1, f"boot-{worker}")
        policy = Policy(PolicyRules(approver_users=frozenset({ONCALL}), requester_users=frozenset({REQUESTER})), Directory())
        workflow = make_workflow(store, FakeCI(), policy, wake=queue.wake, run_now=queue.run_now)
        request_id = ask(store, workflow, job(1))
        assert store.requests.get(request_id).is_open

        queue.accepting = False  # SIGTERM: WorkQueue.shutdown() turns this off first, then drains running tasks
        click = click_task(key("click"), APPROVE, caller(ONCALL), request_id)
        store.work.enqueue([click], owner=queue.id)  # the click this worker was running when the signal came
        workflow.on_approve(store.work.get_task(click.key))
        assert store.requests.get(request_id).state == "approved"

        # Another live process looks for work: the execution must be there for it.
        claimed = store.work.claim_tasks("other-process", [Lane.URGENT], running=(), classes=CLASSES)
        assert TaskKind.EXECUTE in [t.kind for t in claimed], [(t.key, t.owner) for t in claimed]
    finally:
        queue.halt()
        for pool in queue._pools.values():
            pool.stop()
        store.close()


# Every Slack failure event is now logged by `bot.slack.calls` (the helper), no longer by the
# module whose call failed (bot.slack.courier, bot.slack.services, bot.slack.audit_poster).


def test_a_modal_that_would_not_open_is_logged_by_the_services_logger_as_before():
    from types import SimpleNamespace

    from bot.slack.services import open_view
    from tests.unit.slack.fake_web import FakeSlack, FakeTransportClient

    slack = FakeSlack()
    slack.refuse("views.open", "expired_trigger_id")
    services = SimpleNamespace(client=FakeTransportClient(slack))
    lines = _json_lines(lambda: open_view(services, "trigger-1", {"type": "modal"}))  # type: ignore[arg-type]
    [failed] = [d for d in lines if d["event"] == "slack.views_open_failed"]
    assert failed["error"] == "expired_trigger_id"
    assert failed["logger"] == "bot.slack.services", failed["logger"]
