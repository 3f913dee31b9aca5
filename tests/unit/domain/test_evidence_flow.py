"""Evidence reads in the workflow: below cancels in priority, one call per job in a burst (the
per-process cache), Refresh re-reads and re-renders, and the checked cancel: a job the query
API showed ended gets no cancel and says so."""

from __future__ import annotations

import threading
import uuid

import pytest

from bot.domain import lookups
from bot.domain import outcomes as oc
from bot.domain.evidence import EvidenceCache
from bot.domain.kinds import APPROVE
from bot.domain.states import Announcement, AuditEvent, Result, State
from bot.store import POST
from bot.tencent.ratelimit import URGENT
from bot.tencent.results import CIServiceError, JobStatus
from tests.unit.domain.conftest import ONCALL, STRANGER, announcements, caller, drain, job
from tests.unit.domain.test_workflow import ask, audit_events, click


def refresh(store, workflow, request_id: str, user: str = ONCALL) -> None:
    store.work.enqueue([lookups.refresh_task(f"click:{uuid.uuid4().hex}", caller(user), request_id)])
    drain(store, workflow)


def test_card_and_refresh_reads_are_below_cancels(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    workflow.evidence.fresh_seconds = 0  # the Refresh asks again
    refresh(store, workflow, request_id)
    click(store, workflow, APPROVE, request_id)
    assert [(m, p) for m, _, p in ci.calls] == [("describe", POST), ("describe", POST), ("cancel", URGENT)]
    assert POST > URGENT  # a larger class waits: the limiter keeps part of every window for cancels


def test_a_refresh_stores_a_card_update_with_the_new_evidence(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    workflow.evidence.fresh_seconds = 0
    ci.states[job(1)] = "Success"
    refresh(store, workflow, request_id)
    [update] = [t for t in announcements(store) if t.kind == Announcement.APPROVAL_UPDATE and ":evidence:" in t.key]
    assert update.stream == request_id and [s["state"] for s in update.payload["statuses"]] == ["Success"]
    assert update.payload["statuses"][0]["running"] is False


def test_a_refresh_by_someone_who_may_not_look_jobs_up_is_refused_and_audited(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    refresh(store, workflow, request_id, user=STRANGER)
    assert [c for c in ci.calls if c[0] == "describe"] == [("describe", job(1), POST)]  # only the card's own read
    assert audit_events(store, request_id)[-1] == AuditEvent.REFUSED


def test_a_burst_of_reads_of_one_job_makes_one_call(store, workflow, ci):
    for reason in ("one", "two"):
        ask(store, workflow, job(1), reason=reason)
    refresh(store, workflow, store.requests.pending()[0].id)
    assert [c[0] for c in ci.calls] == ["describe"]


def test_approving_a_job_shown_ended_sends_no_cancel_and_says_why(store, workflow, ci):
    ci.states[job(1)] = "Success"
    request_id = ask(store, workflow, job(1), job(2))
    click(store, workflow, APPROVE, request_id)
    request = store.requests.get(request_id)
    assert ci.sent() == [job(2)]
    ended, cancelled = request.outcome
    assert (ended["code"], ended["state"], ended["result"], ended["ok"]) == ("AlreadyEnded", "Success", Result.FAILED, False)
    assert ended["message"] == "already ended (State Success): no cancel sent" and oc.is_already_ended(ended)
    assert ended["evidence"]["running"] is False and cancelled["evidence"]["state"] == "Auditing"  # results carry the evidence
    assert request.state is State.DONE
    assert audit_events(store, request_id) == ["requested", "approved", "started", "failed"]  # audited like any outcome


def test_a_job_shown_running_is_sent(store, workflow, ci):
    request_id = ask(store, workflow, job(1))
    ci.states[job(1)] = "Success"  # ended after the card was read: the cancel goes, and Tencent answers
    ci.errors[job(1)] = CIServiceError("InvalidArgument", "job finished", status=400)
    click(store, workflow, APPROVE, request_id)
    assert ci.sent() == [job(1)] and store.requests.get(request_id).outcome[0]["code"] == "InvalidArgument"


def test_a_direct_cancel_uses_what_this_process_read(store, workflow, ci):
    ci.states[job(1)] = "Failed"
    workflow.describe_all([job(1)])  # e.g. `status` a moment ago
    ask(store, workflow, job(1), user=ONCALL)
    assert ci.sent() == []


def test_an_answer_without_a_state_is_not_taken_for_ended(store, workflow, ci):
    ci.states[job(1)] = ""
    request_id = ask(store, workflow, job(1))
    click(store, workflow, APPROVE, request_id)
    assert ci.sent() == [job(1)]


def status(job_id: str, state: str = "Auditing") -> JobStatus:
    return JobStatus(job_id, state, "d", "t", "rtmp://x", "r")


def test_the_cache_answers_again_only_while_fresh_and_never_keeps_errors():
    now = [1000.0]
    cache, calls = EvidenceCache(fresh_seconds=10, clock=lambda: now[0]), []

    def fetch():
        calls.append(1)
        if len(calls) == 2:
            raise CIServiceError("InternalError", "boom", status=500)
        return status(job(1))

    assert cache.read("", job(1), fetch).read_at == 1000.0
    now[0] += 10
    cache.read("", job(1), fetch)
    assert len(calls) == 1
    now[0] += 0.5
    with pytest.raises(CIServiceError):
        cache.read("", job(1), fetch)
    assert cache.read("", job(1), fetch).read_at == 1010.5 and len(calls) == 3
    assert cache.newest(job(1)).read_at == 1010.5
    cache.forget(job(1))
    assert cache.newest(job(1)) is None and cache.fresh("", job(1)) is None


def test_concurrent_reads_of_one_job_wait_for_the_first_answer():
    cache, calls, started, release = EvidenceCache(), [], threading.Event(), threading.Event()

    def fetch():
        calls.append(1)
        started.set()
        release.wait(5)
        return status(job(1))

    threads = [threading.Thread(target=cache.read, args=("", job(1), fetch)) for _ in range(5)]
    threads[0].start()
    assert started.wait(5)  # the first read is in flight; the others come while it is
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert len(calls) == 1


def test_the_cache_keeps_at_most_its_limit():
    cache = EvidenceCache(keep=3)
    for n in range(5):
        cache.read("", job(n), lambda n=n: status(job(n)))
    assert cache.newest(job(0)) is None and cache.newest(job(4)) is not None
