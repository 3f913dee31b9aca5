"""The Executor: each job journaled before it is sent, every outcome recorded, a job sent once
unless its outcome is unknown, and truthful outcomes when answers are lost."""

from __future__ import annotations

import threading
import uuid

import pytest

from bot.domain import outcomes as oc
from bot.domain.execution import Executor, LostHold
from bot.domain.execution_task import execute_task, finish
from bot.domain.states import Lane, RequestKind, Result, State
from bot.store import BACKGROUND, POST
from bot.tencent.ratelimit import URGENT
from bot.tencent.results import CIBadResponse, CINetworkError, CIServerError, CIServiceError
from tests.unit.domain.conftest import ME, ONCALL, job


def approved(store, *jobs: str):
    """An approved request and its execution task, claimed by this worker."""
    request_id = uuid.uuid4().hex
    request, _ = store.requests.create(
        request_id=request_id,
        kind=RequestKind.DIRECT,
        state=State.APPROVED,
        requester=ONCALL,
        origin_channel="C1",
        reason="why",
        job_ids=jobs,
        ttl=0,
        decided_by=ONCALL,
        tasks=[execute_task(request_id)],
    )
    [task] = store.work.claim_tasks(ME, [Lane.URGENT], running=())
    return request, task


def results(outcomes) -> list[str]:
    return [oc.result_of(o) for o in outcomes]


def test_each_job_is_journaled_before_it_is_sent(store, ci):
    request, task = approved(store, job(1), job(2))
    seen = {}
    ci.before_cancel.append(lambda job_id: seen.update({job_id: {r.job_id: r.sends for r in store.journal.records(request.id)}[job_id]}))
    Executor(store, ci, concurrency=2).run(task, request)
    assert seen == {job(1): 1, job(2): 1}


def test_outcomes_are_recorded_in_the_requests_order(store, ci):
    request, task = approved(store, job(3), job(1), job(2))
    heard = []
    outcomes = Executor(store, ci, concurrency=3).run(task, request, on_outcome=heard.append)
    assert [o["job_id"] for o in outcomes] == [job(3), job(1), job(2)]
    assert results(outcomes) == [Result.CANCELLED] * 3 and len(heard) == 3
    assert [r.outcome["job_id"] for r in store.journal.records(request.id)] == [job(3), job(1), job(2)]


def test_a_definite_refusal_fails_one_job_and_not_the_others(store, ci):
    ci.errors[job(2)] = CIServiceError("InvalidArgument", "job finished", status=400)
    request, task = approved(store, job(1), job(2))
    outcomes = Executor(store, ci).run(task, request)
    assert results(outcomes) == [Result.CANCELLED, Result.FAILED]
    assert outcomes[1]["code"] == "InvalidArgument" and outcomes[1]["confirmed"] is False and outcomes[1]["refused"] is True
    assert [c for c in ci.calls if c[0] == "describe"] == []  # nothing to confirm: Tencent said no


def test_a_lost_answer_is_confirmed_with_a_status_query(store, ci):
    ci.errors[job(1)] = CIServerError("InternalError", "boom", status=500)
    ci.states[job(1)] = "Cancelled"
    request, task = approved(store, job(1))
    [outcome] = Executor(store, ci).run(task, request)
    assert oc.result_of(outcome) is Result.CANCELLED and outcome["confirmed"] is True


@pytest.mark.parametrize(("state", "result"), [("Success", Result.CANCELLED), ("Failed", Result.CANCELLED), ("Auditing", Result.FAILED)])
def test_a_lost_answer_whose_job_has_ended_counts_as_cancelled(store, ci, state, result):
    """A cancelled job's state is not documented: ended in any state, it may be our cancel's doing."""
    ci.errors[job(1)] = CIServerError("InternalError", "boom", status=500)
    ci.states[job(1)] = state
    request, task = approved(store, job(1))
    [outcome] = Executor(store, ci).run(task, request)
    assert (oc.result_of(outcome), outcome["state"], outcome["confirmed"]) == (result, state, True)
    assert oc.unapplied([outcome]) == []  # a lost answer: even "still running", that cancel may yet land


def test_a_lost_answer_whose_query_shows_no_state_is_unknown(store, ci):
    ci.errors[job(1)] = CIServerError("InternalError", "boom", status=500)
    ci.states[job(1)] = ""
    request, task = approved(store, job(1))
    [outcome] = Executor(store, ci).run(task, request)
    assert oc.result_of(outcome) is Result.UNKNOWN and oc.unapplied([outcome]) == []


def test_a_lost_answer_the_query_cannot_settle_is_unknown(store, ci):
    ci.errors[job(1)] = CIBadResponse("BadResponse", "unreadable")
    ci.describe_errors[job(1)] = CINetworkError("NetworkError", "down")
    request, task = approved(store, job(1))
    [outcome] = Executor(store, ci).run(task, request)
    assert oc.result_of(outcome) is Result.UNKNOWN and outcome["hint"] == oc.UNKNOWN_HINT


def test_a_job_sent_before_a_crash_is_asked_about_not_trusted(store, ci):
    """An earlier attempt may have cancelled it: "no such job" now does not mean it failed."""
    request, task = approved(store, job(1))
    store.journal.ensure(request.id, request.job_ids)
    assert store.journal.mark_sending(request.id, job(1), task.key, ME)  # the crashed attempt's journal
    ci.errors[job(1)] = CIServiceError("InvalidArgument", "job finished", status=400)
    ci.states[job(1)] = "Cancelled"
    [outcome] = Executor(store, ci).run(task, request)
    assert oc.result_of(outcome) is Result.CANCELLED and outcome["confirmed"] is True
    assert store.journal.records(request.id)[0].sends == 2


def test_a_retry_skips_jobs_whose_outcome_is_stored(store, ci):
    request, task = approved(store, job(1), job(2))
    store.journal.ensure(request.id, request.job_ids)
    store.journal.mark_sending(request.id, job(1), task.key, ME)
    store.journal.record_outcome(request.id, job(1), dict(oc.not_sent(job(1), "earlier")), task.key, ME)
    outcomes = Executor(store, ci).run(task, request)
    assert ci.sent() == [job(2)]
    assert results(outcomes) == [Result.FAILED, Result.CANCELLED]


def test_a_stop_records_unsent_jobs_as_not_sent(store, ci):
    request, task = approved(store, job(1), job(2))
    stop = threading.Event()
    stop.set()
    outcomes = Executor(store, ci).run(task, request, stop=stop)
    assert ci.sent() == []
    assert [o["code"] for o in outcomes] == ["NotSent", "NotSent"]


def test_another_holder_means_nothing_is_sent(store, ci):
    request, task = approved(store, job(1))
    store.work.register_worker("worker-2", "host", 2, "boot")
    store.work.retire_worker(ME)  # presumed dead: the task is free for worker-2
    [taken] = store.work.claim_tasks("worker-2", [Lane.URGENT], running=())
    assert taken.key == task.key
    with pytest.raises(LostHold):
        Executor(store, ci).run(task, request)
    assert ci.sent() == []


def test_confirming_a_cancel_runs_at_the_cancels_priority_and_look_ups_at_theirs(store, ci, workflow):
    ci.errors[job(1)] = CIServerError("InternalError", "boom", status=500)
    request, task = approved(store, job(1))
    Executor(store, ci).run(task, request)
    assert [(m, p) for m, _, p in ci.calls] == [("cancel", URGENT), ("describe", URGENT)]
    ci.calls.clear()
    workflow.describe_all([job(5)])
    workflow.describe_all([job(6)], priority=POST)
    assert [p for _, _, p in ci.calls] == [BACKGROUND, POST]


def test_finish_stores_the_verdict_once(store, ci):
    ci.errors[job(2)] = CIServiceError("InvalidArgument", "gone", status=400)
    request, task = approved(store, job(1), job(2))
    outcomes = Executor(store, ci).run(task, request)
    assert finish(store, task, request, outcomes, []) is True
    assert finish(store, task, request, outcomes, []) is False
    done = store.requests.get(request.id)
    assert done.state is State.DONE and done.open_jobs == [job(2)]
    [verdict] = [e for e in store.audit.entries() if e.event in (Result.CANCELLED, Result.FAILED)]
    assert verdict.event == Result.FAILED and verdict.detail["failed_jobs"] == [job(2)]
