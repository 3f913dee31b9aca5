"""Fifth review of issues 18-20 (placement decided before the send's intent, Retry failed, the
checked cancel): the test reproduced a guarantee that did not hold, and now holds."""

from __future__ import annotations

from bot.domain.announce import Caller
from bot.domain.kinds import APPROVE
from bot.domain.oncall import retry_task
from bot.domain.states import State
from bot.tencent.targets import CITargets
from tests import test_regressions_targets as first_review
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.test_regressions_rev18 import MOVED
from tests.test_regressions_targets import click, command, global_policy, key, settings_for
from tests.unit.domain.conftest import drain, make_workflow

store = first_review.store  # the domain on a real SQLite store, as the earlier reviews

ONCALL, REQUESTER, CHANNEL = "UONCALL", "UREQ", "CWORK"


def test_a_job_whose_earlier_cancel_landed_is_not_reported_failed_when_a_redeploy_moves_its_target(store, ci, sg, partner):
    """Round 1 sends the cancel for a job in `sg`; Tencent cancels it but the answer is lost and
    the query cannot tell: the job is *unknown* (its `sends` is 1). A redeploy makes `sg` name
    another bucket; on-call clicks Retry failed. Placement now stops the job before its send
    (TargetChanged) and the stop is its outcome as is: *failed*, 'nothing was sent'. The job was
    cancelled by round 1. Contract: a job is never reported failed when it was cancelled (an
    outcome that cannot be known stays unknown)."""
    sg.add_job(job(1))
    before = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        then = make_workflow(store, before, global_policy())
        request_id = command(store, then, REQUESTER, job(1), target="sg")
        assert store.requests.get(request_id).state is State.PENDING
        # The cancel lands and its answer is lost; every later call about the job fails (5xx).
        sg.script(job(1), Fault.apply_then_drop(), *[Fault.error(500, "InternalError")] * 40)
        click(store, then, APPROVE, request_id, user=ONCALL)
    finally:
        before.close()
    [first] = store.requests.get(request_id).outcome
    assert first["result"] == "unknown" and sg.jobs[job(1)].state == "Cancelled", first
    sg.faults.clear()
    after = CITargets.from_settings(settings_for(ci, sg, partner, **MOVED, CI_TARGET_SG_ENDPOINT=partner.url))
    try:
        now = make_workflow(store, after, global_policy())
        store.work.enqueue([retry_task(key("click"), Caller(ONCALL, CHANNEL), request_id, 0)])
        drain(store, now)
    finally:
        after.close()
    request = store.requests.get(request_id)
    assert request.retries == 1 and request.state is State.DONE, request
    [outcome] = request.outcome
    assert outcome["result"] != "failed", f"the job our first cancel ended is reported failed: {outcome.get('code')}: {outcome.get('message')}"
