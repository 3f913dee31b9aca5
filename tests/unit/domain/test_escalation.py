"""The escalation's rules, one task at a time on a real store whose clock the test moves: due
ESCALATE_AFTER_SECONDS after the request is stored, once, with its announcements; never once the
request is decided; the next level decides like on-call, never their own request."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain import escalation
from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Pending
from bot.domain.escalation import ESCALATE
from bot.domain.kinds import APPROVE, DENY, LOOKUP, LOOKUPS, command_task
from bot.domain.policy import Policy, PolicyRules, TargetOnCall
from bot.domain.states import Announcement, AuditEvent, RequestKind, State
from bot.store import Task
from bot.work import RetryLater
from tests.unit.conftest import Clock, sqlite_store
from tests.unit.domain.conftest import ME, ONCALL, REQUESTER, STRANGER, Directory, FakeCI, announcements, drain, job, make_workflow
from tests.unit.domain.test_workflow import ask, audit_events, click

BOSS, BOSS2, LEAD = "UBOSS", "UBOSS2", "ULEAD"
NEXT = "SNEXT"
AFTER = 300


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, sqlite_template, clock):
    store = sqlite_store(sqlite_template, tmp_path, clock=clock)
    store.work.register_worker(ME, "host", 1, "boot")
    yield store
    store.close()


def escalation_policy(directory: Directory | None = None, **rules) -> Policy:
    base = dict(
        approver_users=frozenset({ONCALL}),
        requester_users=frozenset({REQUESTER, LEAD}),
        escalation_usergroups=frozenset({NEXT}),
        escalation_users=frozenset({LEAD}),
    )
    return Policy(PolicyRules(**{**base, **rules}), directory or Directory({NEXT: {BOSS, BOSS2}}))


@pytest.fixture
def workflow(store):
    return make_workflow(store, FakeCI(), escalation_policy(), escalate_after_seconds=AFTER)


def escalation_of(store, request_id: str) -> Task:
    return store.work.get_task(f"{request_id}:escalate")


def test_a_request_is_stored_with_its_escalation_due_later_by_the_database_clock(store, workflow, clock):
    request_id = ask(store, workflow, job(1))
    assert escalation_of(store, request_id).kind == ESCALATE
    clock.advance(AFTER - 1)
    assert ESCALATE not in [t.kind for t in drain(store, workflow)], "not due yet"
    clock.advance(1)
    assert [t.kind for t in drain(store, workflow)] == [ESCALATE]
    request = store.requests.get(request_id)
    assert request.escalated_at == clock.now and request.escalated_to == f"<!subteam^{NEXT}> <@{LEAD}>"
    assert request.state == State.PENDING
    assert audit_events(store, request_id) == [AuditEvent.REQUESTED, AuditEvent.ESCALATED]
    escalation = [t for t in announcements(store) if t.key.startswith(f"{request_id}:escalation") or t.key.endswith(":update:escalated")]
    assert sorted(t.key for t in escalation) == sorted(
        [
            f"{request_id}:update:escalated",
            f"{request_id}:escalation",
            f"{request_id}:escalation:dm:{BOSS}",
            f"{request_id}:escalation:dm:{BOSS2}",
            f"{request_id}:escalation:dm:{LEAD}",
        ]
    )
    assert {t.kind for t in escalation} == {Announcement.APPROVAL_UPDATE, Announcement.ESCALATION, Announcement.ESCALATION_DM}


def test_a_rerun_escalation_stores_nothing_twice(store, workflow, clock):
    request_id = ask(store, workflow, job(1))
    clock.advance(AFTER)
    [task] = [t for t in drain(store, workflow) if t.kind == ESCALATE]
    before = len(announcements(store))
    workflow.on_escalate(task)  # a takeover runs it again
    assert len(announcements(store)) == before
    assert audit_events(store, request_id).count(AuditEvent.ESCALATED) == 1


@pytest.mark.parametrize("decision", [APPROVE, DENY])
def test_a_request_decided_before_it_is_due_is_never_escalated(store, workflow, clock, decision):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, decision, request_id)
    clock.advance(AFTER)
    assert ESCALATE in [t.kind for t in drain(store, workflow)]
    assert store.requests.get(request_id).escalated_at is None
    assert AuditEvent.ESCALATED not in audit_events(store, request_id)
    assert not [t for t in announcements(store) if ":escalation" in t.key]


def test_an_expired_request_is_never_escalated(store, workflow, clock):
    request_id = ask(store, workflow, job(1))
    clock.advance(600)  # the TTL, past the escalation's due time: the sweeper has not run yet
    drain(store, workflow)
    assert store.requests.get(request_id).escalated_at is None


def test_off_by_default(store, clock):
    workflow = make_workflow(store, FakeCI(), escalation_policy())
    request_id = ask(store, workflow, job(1))
    assert escalation_of(store, request_id) is None


def test_the_requester_in_the_next_level_is_not_sent_a_direct_message(store, workflow, clock):
    ask(store, workflow, job(1), user=LEAD)
    clock.advance(AFTER)
    drain(store, workflow)
    dms = [t.payload["user_id"] for t in announcements(store) if t.kind == Announcement.ESCALATION_DM]
    assert sorted(dms) == [BOSS, BOSS2]


def test_an_unreadable_next_level_group_is_retried_then_escalated_with_what_can_be_read(store, clock):
    workflow = make_workflow(store, FakeCI(), escalation_policy(Directory(down={NEXT})), escalate_after_seconds=AFTER)
    request_id = ask(store, workflow, job(1))
    clock.advance(AFTER)
    task = escalation_of(store, request_id)
    with pytest.raises(RetryLater):
        workflow.on_escalate(task)
    assert store.requests.get(request_id).escalated_at is None
    workflow.on_escalate(Task(task.seq, task.key, task.kind, task.lane, task.stream, task.payload, ME, attempts=3))
    assert store.requests.get(request_id).escalated_at is not None  # the thread reply still mentions the group
    [entry] = [e for e in store.audit.entries() if e.event == AuditEvent.ESCALATED]
    assert entry.detail["unread_groups"] == [NEXT] and entry.detail["members"] == [LEAD]


def test_the_next_level_decides_like_on_call_before_or_after_escalation(store, workflow, clock):
    first = ask(store, workflow, job(1))
    click(store, workflow, APPROVE, first, user=BOSS)  # before it was due
    assert store.requests.get(first).decided_by == BOSS
    second = ask(store, workflow, job(2))
    clock.advance(AFTER)
    drain(store, workflow)
    click(store, workflow, DENY, second, user=LEAD)
    assert store.requests.get(second).state == State.DENIED


def test_the_next_level_never_decides_their_own_request(store, workflow):
    request_id = ask(store, workflow, job(1), user=LEAD)
    _, why = workflow.check_decider(None, Caller(LEAD, "C1"), request_id, "approve")
    assert why and "your own request" in why


def test_others_still_may_not_decide(store, workflow):
    request_id = ask(store, workflow, job(1))
    _, why = workflow.check_decider(None, Caller(STRANGER, "C1"), request_id, "approve")
    assert why and "Only on-call" in why


def test_the_next_level_does_not_cancel_directly(store, workflow, clock):
    """LEAD is a requester and in the next level: their cancel is a request, never a direct cancel."""
    task = command_task("cmd:" + "b" * 32, Caller(LEAD, "CWORK"), Cancel((job(3),), "stop"))
    store.work.enqueue([task])
    drain(store, workflow)
    request = store.requests.get("b" * 32)
    assert request is not None and request.state == State.PENDING
    task = command_task("cmd:" + "c" * 32, Caller(BOSS, "CWORK"), Cancel((job(4),), "stop"))  # only in the group
    store.work.enqueue([task])
    drain(store, workflow)
    assert store.requests.get("c" * 32) is None
    assert workflow.ci.sent() == []


def test_the_next_level_decides_a_target_with_its_own_on_call(store, clock):
    policy = escalation_policy(target_oncall=(TargetOnCall("sg", frozenset({"USGONCALL"})),))
    workflow = make_workflow(store, FakeCI(), policy, escalate_after_seconds=AFTER)
    store.requests.create(
        request_id="t" * 32,
        kind="approval",
        state="pending",
        requester=REQUESTER,
        origin_channel="C",
        reason="r",
        job_ids=[job(5)],
        ttl=600,
        target="sg",
    )
    _, why = workflow.check_decider(None, Caller(BOSS, "C1"), "t" * 32, "approve")
    assert why is None
    decided = replace(store.requests.get("t" * 32), decided_by=BOSS)
    assert workflow._may_act(decided, "sg") is None
    assert workflow._may_act(replace(decided, decided_by=ONCALL), "sg") is not None
    assert workflow._may_act(replace(decided, kind=RequestKind.DIRECT), "sg") is not None  # the next level never cancels directly


def test_home_shows_the_next_level_pending_requests_escalated_first(store, workflow, clock):
    older = ask(store, workflow, job(1))
    newer = ask(store, workflow, job(2))
    workflow.on_escalate(escalation_of(store, newer))  # as if due first (its due time is its own)
    home = workflow.home_for(BOSS)
    assert home.approver and [r.id for r in home.pending] == [newer, older]
    assert [r.id for r in workflow.home_for(ONCALL).pending] == [newer, older]
    assert [r.id for r in workflow.home_for(REQUESTER).mine] == [newer, older]
    clock.advance(AFTER)
    drain(store, workflow)  # now both: the first escalated stays on top
    assert [r.id for r in workflow.home_for(ONCALL).pending] == [newer, older]


def test_the_next_level_lists_every_pending_request_escalated_first(store, workflow):
    older = ask(store, workflow, job(1))
    newer = ask(store, workflow, job(2))
    workflow.on_escalate(escalation_of(store, newer))
    task = command_task("look:" + "d" * 32, Caller(BOSS, "CWORK"), Pending(), lane=LOOKUPS, kind=LOOKUP)
    store.work.enqueue([task])
    drain(store, workflow)
    [listed] = [t for t in announcements(store) if t.kind == Announcement.PENDING]
    assert listed.payload["request_ids"] == [newer, older] and listed.payload["approver"]


def test_each_direct_message_is_closed_once_per_state_the_request_reaches_after_pending(store, workflow, clock):
    request_id = ask(store, workflow, job(1))
    assert escalation.dms_closed(store, store.requests.get(request_id)) == []  # pending, not escalated
    clock.advance(AFTER)
    drain(store, workflow)
    assert escalation.dms_closed(store, store.requests.get(request_id)) == []  # escalated, still waiting for them
    click(store, workflow, DENY, request_id, user=BOSS)
    closing = escalation.dms_closed(store, store.requests.get(request_id))
    assert sorted(t.key for t in closing) == sorted(f"{request_id}:escalation:dm-closed:denied:{user}" for user in (BOSS, BOSS2, LEAD))
    assert {t.kind for t in closing} == {Announcement.ESCALATION_DM_CLOSED}


def test_a_request_never_escalated_has_no_direct_messages_to_close(store, workflow):
    request_id = ask(store, workflow, job(1))
    click(store, workflow, DENY, request_id)
    assert escalation.dms_closed(store, store.requests.get(request_id)) == []
