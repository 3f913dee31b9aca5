"""The Workflow's rules, one task at a time on a real store: request, approve, deny, withdraw,
expire, retry failed, the pending limit, direct cancels and refusals."""

from __future__ import annotations

import uuid

from bot.domain.commands import Cancel, Help, Pending, Status
from bot.domain.kinds import APPROVE, DENY, LOOKUP, LOOKUPS, click_task, command_task
from bot.domain.oncall import WITHDRAW, retry_task
from bot.domain.states import Announcement, AuditEvent, RequestKind, Result, State
from bot.tencent.results import CIError
from tests.unit.domain.conftest import (
    ONCALL,
    ONCALL2,
    REQUESTER,
    STRANGER,
    announcements,
    caller,
    drain,
    job,
    kinds,
    make_workflow,
)


def key(prefix: str = "cmd") -> str:
    return f"{prefix}:{uuid.uuid4().hex}"


def ask(store, workflow, *jobs: str, user: str = REQUESTER, reason: str = "stream shows violence") -> str:
    """A cancel command from `user`, run to its end; the id of the request it made (if any)."""
    task = command_task(key(), caller(user), Cancel(tuple(jobs), reason))
    store.work.enqueue([task])
    drain(store, workflow)
    return task.key.split(":", 1)[1][:32]


def click(store, workflow, kind, request_id: str, user: str = ONCALL, note: str = "") -> None:
    store.work.enqueue([click_task(key("click"), kind, caller(user), request_id, note)])
    drain(store, workflow)


def audit_events(store, request_id: str | None = None) -> list[str]:
    return [e.event for e in store.audit.entries() if request_id is None or e.request_id == request_id]


def test_a_requesters_cancel_becomes_a_pending_request_with_its_post_and_evidence(store, workflow, ci):
    request_id = ask(store, workflow, job(1), job(2))
    request = store.requests.get(request_id)
    assert request.state is State.PENDING and request.kind is RequestKind.APPROVAL
    assert request.job_ids == (job(1), job(2)) and request.requester == REQUESTER
    assert ci.sent() == []  # nothing is cancelled before on-call decides
    post = store.work.get_task(f"{request_id}:post")
    assert post.kind == Announcement.APPROVAL_POST
    assert [s["job_id"] for s in post.payload["statuses"]] == [job(1), job(2)]  # looked up for the approver
    assert Announcement.TELL in kinds(announcements(store))
    assert audit_events(store, request_id) == [AuditEvent.REQUESTED]


def test_approval_executes_and_finishes_the_request(store, workflow, ci):
    request_id = ask(store, workflow, job(1), job(2))
    click(store, workflow, APPROVE, request_id)
    request = store.requests.get(request_id)
    assert request.state is State.DONE and request.decided_by == ONCALL
    assert sorted(ci.sent()) == [job(1), job(2)]
    assert [o["result"] for o in request.outcome] == [Result.CANCELLED, Result.CANCELLED]
    assert audit_events(store, request_id) == ["requested", "approved", "started", "cancelled"]
    assert store.work.get_task(f"{request_id}:update:done").kind == Announcement.APPROVAL_UPDATE
    assert store.work.get_task(f"{request_id}:dm:done").kind == Announcement.REQUESTER_DM


def test_deny_sends_nothing_and_keeps_the_note(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, DENY, request_id, note="  not\x00 a violation ")
    request = store.requests.get(request_id)
    assert request.state is State.DENIED and request.decision_note == "not a violation"
    assert ci.sent() == []
    assert store.work.get_task(f"{request_id}:dm:denied") is not None


def test_a_requester_cannot_decide_their_own_request(store, workflow, ci, policy):
    four_eyes = make_workflow(store, ci, policy, four_eyes=True)
    request_id = ask(store, four_eyes, job(1), user=ONCALL)  # four-eyes: on-call asks too
    click(store, four_eyes, APPROVE, request_id, user=ONCALL)
    assert store.requests.get(request_id).state is State.PENDING
    assert audit_events(store, request_id)[-1] == AuditEvent.REFUSED
    click(store, four_eyes, APPROVE, request_id, user=ONCALL2)
    assert store.requests.get(request_id).state is State.DONE


def test_only_on_call_decides(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, APPROVE, request_id, user=REQUESTER)
    assert store.requests.get(request_id).state is State.PENDING
    assert ci.sent() == []


def test_a_second_decision_loses(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, DENY, request_id, user=ONCALL)
    click(store, workflow, APPROVE, request_id, user=ONCALL2)
    assert store.requests.get(request_id).state is State.DENIED
    assert ci.sent() == []
    assert audit_events(store, request_id).count(AuditEvent.APPROVED) == 0


def test_the_requester_withdraws(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, WITHDRAW, request_id, user=ONCALL)  # not theirs to withdraw
    assert store.requests.get(request_id).state is State.PENDING
    click(store, workflow, WITHDRAW, request_id, user=REQUESTER)
    request = store.requests.get(request_id)
    assert request.state is State.WITHDRAWN and request.decided_by == REQUESTER
    click(store, workflow, APPROVE, request_id)
    assert store.requests.get(request_id).state is State.WITHDRAWN and ci.sent() == []


def test_sweep_expires_overdue_requests(store, ci, policy):
    workflow = make_workflow(store, ci, policy, ttl_seconds=0)  # overdue as soon as stored
    request_id = ask(store, workflow, job(1))
    workflow.sweep()
    request = store.requests.get(request_id)
    assert request.state is State.EXPIRED and request.decided_by == "system"
    assert store.work.get_task(f"{request_id}:dm:expired") is not None
    click(store, workflow, APPROVE, request_id)
    assert store.requests.get(request_id).state is State.EXPIRED and ci.sent() == []


def test_the_pending_limit_refuses_before_any_look_up(store, workflow, ci):
    first, second = ask(store, workflow, job(1)), ask(store, workflow, job(2))
    looked_up = len(ci.calls)
    third = ask(store, workflow, job(3))
    assert store.requests.get(first) and store.requests.get(second)
    assert store.requests.get(third) is None
    assert len(ci.calls) == looked_up  # refused before the CI API was asked anything
    assert audit_events(store)[-1] == AuditEvent.REFUSED


def test_on_calls_cancel_goes_straight_to_execution(store, workflow, ci):
    request_id = ask(store, workflow, job(1), user=ONCALL)
    request = store.requests.get(request_id)
    assert request.kind is RequestKind.DIRECT and request.state is State.DONE
    assert ci.sent() == [job(1)]
    result = store.work.get_task(f"{request_id}:result")
    assert result.kind == Announcement.RESULT and result.payload["caller"]["user_id"] == ONCALL


def test_a_stranger_is_refused_and_audited(store, workflow, ci):
    assert ask(store, workflow, job(1), user=STRANGER) and ci.calls == []
    assert audit_events(store) == [AuditEvent.REFUSED]
    assert kinds(announcements(store)) == [Announcement.TELL]


def test_retry_failed_sends_only_the_failed_jobs_once_per_round(store, workflow, ci):
    ci.errors[job(2)] = CIError("InvalidArgument", "no such job", maybe_applied=False)
    request_id = ask(store, workflow, job(1), job(2))
    click(store, workflow, APPROVE, request_id)
    request = store.requests.get(request_id)
    assert request.state is State.DONE and request.open_jobs == [job(2)]
    del ci.errors[job(2)]
    for _ in range(2):  # a double click: one round only
        store.work.enqueue([retry_task(key("click"), caller(ONCALL), request_id, 0)])
        drain(store, workflow)
    request = store.requests.get(request_id)
    assert request.retries == 1 and request.open_jobs == []
    assert sorted(ci.sent()) == [job(1), job(2), job(2)]


def test_a_rerun_command_stores_one_request(store, workflow):
    task = command_task(key(), caller(), Cancel((job(1),), "why"))
    store.work.enqueue([task])
    drain(store, workflow)
    request_task = store.work.get_task(f"request:{task.key.split(':', 1)[1]}")
    workflow.on_request(request_task)  # a re-run after a crash
    assert len(store.requests.pending()) == 1


def test_status_help_and_pending_answer_only_the_caller(store, workflow, ci):
    ask(store, workflow, job(1))
    before = len(announcements(store))
    for command in (Status((job(5),)), Help(), Pending()):
        store.work.enqueue([command_task(key(), caller(), command, lane=LOOKUPS, kind=LOOKUP)])
    drain(store, workflow)
    new = announcements(store)[before:]
    assert sorted(kinds(new)) == sorted([Announcement.STATUS, Announcement.TELL, Announcement.PENDING])
    status = next(t for t in new if t.kind == Announcement.STATUS)
    assert status.payload["statuses"][0]["job_id"] == job(5)
    pending = next(t for t in new if t.kind == Announcement.PENDING)
    assert len(pending.payload["request_ids"]) == 1 and pending.payload["approver"] is False
