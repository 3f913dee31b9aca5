"""Review of issue 18 (several buckets and regions), second round: reproductions of guarantees
that did not hold, each written to fail first (as a strict expected failure) and passing since its
fix. A new reproduction goes here marked `xfail(strict=True)` until its fix drops the mark."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from bot.domain import workflow as wf
from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Status
from bot.domain.kinds import APPROVE, LOOKUP, command_task
from bot.domain.lookups import refresh_task
from bot.domain.policy import Policy, PolicyRules, TargetOnCall
from bot.domain.states import Lane, State
from bot.store import AuditFilter, Store
from bot.tencent.targets import CITargets
from tests import test_regressions_targets as first_review
from tests.conftest import PARTNER_ID, PARTNER_KEY, job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, MOD
from tests.harness import ONCALL as ONCALL_USER
from tests.targets import targets_env
from tests.test_cli import cli_env, wait_until
from tests.test_regressions_targets import Directory, click, command, global_policy, key, settings_for
from tests.unit.domain.conftest import announcements, drain, make_workflow

store = first_review.store  # the same fixture: the domain on a real SQLite store

ME = "worker-1"
ONCALL, ONCALL2, REQUESTER = "UONCALL", "UONCALL2", "UREQ"
CHANNEL = "CWORK"


def status(store: Store, workflow: wf.Workflow, user: str, *jobs: str, target: str = "") -> None:
    """`/cancel-moderation status [--target NAME] <jobs>`, run to its end."""
    task = command_task(key("status"), Caller(user, CHANNEL), Status(tuple(jobs), target), lane=Lane.LOOKUPS, kind=LOOKUP)
    store.work.enqueue([task])
    drain(store, workflow)


# -- 1. another target's answer about the same job ID decides the checked cancel ------------------


def test_an_ended_job_in_another_target_does_not_stop_the_approved_cancel_in_the_named_one(store, ci, sg, partner):
    ci.add_job(job(1), state="Success")  # bj: the same job ID, ended long ago
    sg.add_job(job(1))  # sg: the stream the request is about, still moderating
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        workflow = make_workflow(store, targets, global_policy())
        request_id = command(store, workflow, REQUESTER, job(1), target="sg")
        assert store.requests.get(request_id).state is State.PENDING
        status(store, workflow, ONCALL, job(1), target="bj")  # someone looks the ID up in bj meanwhile
        click(store, workflow, APPROVE, request_id, user=ONCALL2)
    finally:
        targets.close()
    [outcome] = store.requests.get(request_id).outcome
    assert sg.jobs[job(1)].state == "Cancelled", f"sg's running stream was not cancelled: {outcome}"


# -- 2. a command queued before a redeploy acts on the bucket its target name means after it -----

MOVED = dict(  # a redeploy: `sg` now names the partner account's bucket
    CI_TARGETS="bj=live-1250000000@ap-beijing,sg=clips-1300000000@ap-beijing",
    CI_TARGET_PARTNER_ENDPOINT="",
    CI_TARGET_PARTNER_SECRET_ID="",
    CI_TARGET_PARTNER_SECRET_KEY="",
    CI_TARGET_SG_SECRET_ID=PARTNER_ID,
    CI_TARGET_SG_SECRET_KEY=PARTNER_KEY,
)


def test_a_cancel_queued_before_a_redeploy_is_not_sent_to_the_bucket_its_target_names_after_it(store, ci, sg, partner):
    sg.add_job(job(2))
    partner.add_job(job(2))  # the same ID in the partner's bucket
    before = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        then = make_workflow(store, before, global_policy())
        targets_then = dict(then.target_labels)
        # On-call's `--target sg` is stored as the listener stores it (Slack has its acknowledgement);
        # the process is replaced before it runs.
        task = command_task(key(), Caller(ONCALL, CHANNEL), then.pin_target(Cancel((job(2),), "stream shows violence", "sg")))
    finally:
        before.close()
    assert targets_then["sg"] == "sg (archive-1250000000 @ ap-singapore)"  # what the picker and usage showed the caller
    store.work.enqueue([task])
    after = CITargets.from_settings(settings_for(ci, sg, partner, **MOVED, CI_TARGET_SG_ENDPOINT=partner.url))
    try:
        drain(store, make_workflow(store, after, global_policy()))
    finally:
        after.close()
    assert partner.requests_for("cancel_auditing") == [], "asked for archive-1250000000 @ ap-singapore, cancelled in clips-1300000000"


# -- 3. a queued request or look-up naming a target a redeploy removed is never answered ---------

REMOVED = dict(CI_TARGETS="bj=live-1250000000@ap-beijing,partner=clips-1300000000@ap-beijing", CI_TARGET_SG_ENDPOINT="")


@pytest.mark.parametrize("kind", ["request", "status"])
def test_a_queued_command_for_a_target_removed_by_a_redeploy_tells_the_caller(store, ci, sg, partner, kind):
    sg.add_job(job(3))
    if kind == "request":  # a requester's `--target sg`: its look-ups run in the look-up lane
        task = command_task(key(), Caller(REQUESTER, CHANNEL), Cancel((job(3),), "stream shows violence", "sg"))
    else:
        task = command_task(key("status"), Caller(ONCALL, CHANNEL), Status((job(3),), "sg"), lane=Lane.LOOKUPS, kind=LOOKUP)
    store.work.enqueue([task])
    after = CITargets.from_settings(settings_for(ci, sg, partner, **REMOVED))
    try:
        try:
            drain(store, make_workflow(store, after, global_policy()))
        except Exception as exc:  # a worker retries it with backoff, and gives it up after MAX_ATTEMPTS, silently
            pytest.fail(f"the task failed: {type(exc).__name__}: {exc}")
    finally:
        after.close()
    told = [t for t in announcements(store) if "sg" in str(t.payload)]
    assert told, "the caller was never told that `sg` is no longer a target"


def test_refresh_of_a_request_whose_target_a_redeploy_removed_tells_the_clicker(store, ci, sg, partner):
    sg.add_job(job(3))
    before = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        request_id = command(store, make_workflow(store, before, global_policy()), REQUESTER, job(3), target="sg")
    finally:
        before.close()
    assert store.requests.get(request_id).state is State.PENDING
    after = CITargets.from_settings(settings_for(ci, sg, partner, **REMOVED))
    try:
        workflow = make_workflow(store, after, global_policy())
        store.work.enqueue([refresh_task(key("refresh"), Caller(ONCALL, CHANNEL), request_id)])
        drain(store, workflow)  # raises if the task failed
    finally:
        after.close()
    [told] = [t for t in announcements(store) if "cannot be refreshed" in str(t.payload)]
    assert "`sg` is no longer in CI_TARGETS (bj, partner)" in str(told.payload)


# -- 4. `audit --target` misses the refusals about a target's jobs -------------------------------

SG_ONCALL, BJ_ONCALL = "USGONCALL", "UBJONCALL"


def sg_policy() -> Policy:
    """sg and bj each have their own on-call; the global one acts for the partner target."""
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, ONCALL2}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})), TargetOnCall("bj", users=frozenset({BJ_ONCALL}))),
    )
    return Policy(rules, Directory())


def test_audit_by_target_finds_the_refusals_about_that_targets_jobs(store, ci, sg, partner):
    sg.add_job(job(4))
    sg.add_job(job(5))
    targets = CITargets.from_settings(settings_for(ci, sg, partner, CI_TARGET_SG_APPROVER_USERS=SG_ONCALL, CI_TARGET_BJ_APPROVER_USERS=BJ_ONCALL))
    try:
        workflow = make_workflow(store, targets, sg_policy())
        request_id = command(store, workflow, REQUESTER, job(4), target="sg")
        assert store.requests.get(request_id).state is State.PENDING
        click(store, workflow, APPROVE, request_id, user=ONCALL)  # refused: only sg's on-call decides
        command(store, workflow, BJ_ONCALL, job(5))  # refused: bj's own on-call, and job(5) was found in sg
    finally:
        targets.close()
    refused = [e for e in store.audit.entries() if e.event == "refused"]
    assert len(refused) == 2, [e.detail for e in refused]
    about_sg = [e for e in store.audit.entries(where=AuditFilter(target="sg")) if e.event == "refused"]
    assert len(about_sg) == 2, f"`audit --target sg` shows {len(about_sg)} of the refusals: {[e.detail for e in refused]}"


# -- 5. an operator's `cancel --target` taken over by a bot acts on the bot's idea of the name -----


def test_a_cli_cancel_resumed_by_a_bot_is_not_sent_to_another_bucket(ci, sg, partner, tmp_path):
    sg.add_job(job(6))
    partner.add_job(job(6))  # the same ID in the partner account's bucket
    released = threading.Event()
    sg.script(job(6), Fault.hold(released))  # the operator's cancel is in flight at sg...
    env = {**targets_env(ci, sg, partner), "CI_READ_TIMEOUT": "60", "CI_MAX_ATTEMPTS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "cancel", job(6), "--target", "sg", "--reason", "operator"],
        cwd=tmp_path,
        env=cli_env("", tmp_path, env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: sg.requests_for("cancel_auditing"), "the operator's cancel reaching sg", timeout=30)
        proc.kill()  # ...when the operator's process dies (kill -9)
        proc.communicate(timeout=30)
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
    shared = Store(f"sqlite:///{tmp_path}/cli.db")
    try:
        assert shared.work.reap_workers(ME, timeout=-3600)  # presumed dead: a bot takes its work over
        shared.work.register_worker(ME, "host", 1, "boot")
        # The bots run with another CI_TARGETS, where `sg` names the partner's bucket.
        bots = CITargets.from_settings(settings_for(ci, sg, partner, **MOVED, CI_TARGET_SG_ENDPOINT=partner.url))
        try:
            drain(shared, make_workflow(shared, bots, global_policy()))
        finally:
            bots.close()
        [request] = [shared.requests.get(r.request_id) for r in shared.audit.entries() if r.event == "started"]
    finally:
        shared.close()
    assert partner.requests_for("cancel_auditing") == [], (
        f"the operator named archive-1250000000; the bot cancelled in clips-1300000000: {request.outcome}"
    )


# -- 6. the audit channel's post of a request over several targets names none --------------------


def test_the_audit_post_of_a_request_over_two_targets_names_both(make_bot, ci, sg, partner, slack):
    bot = make_bot(**targets_env(ci, sg, partner))
    ci.add_job(job(7))  # bj
    sg.add_job(job(8))
    bot.command(MOD, f"{job(7)} {job(8)} stream shows violence")
    [requested] = slack.wait_calls("chat.postMessage", channel=AUDIT, timeout=20)
    shown = json.dumps(requested.args.get("blocks")) + requested.args.get("text", "")
    assert "requested" in shown
    stored = [e.detail for e in bot.runtime.store.audit.entries() if e.event == "requested"]
    assert stored[0]["target_labels"], stored  # the entry knows both targets
    assert "live-1250000000" in shown and "archive-1250000000" in shown, f"the audit post names no target: {shown}"


# -- 7. an on-call's cancel waits for its job's target behind every queued `status` look-up --------


def test_a_cancel_is_located_ahead_of_queued_status_look_ups(store, ci, sg, partner):
    looked_up = [job(100 + n) for n in range(20)]
    for j in looked_up:
        ci.add_job(j)
    sg.add_job(job(9))
    targets = CITargets.from_settings(settings_for(ci, sg, partner, CI_RATE_LIMIT="4"))  # look-ups: 3 a second per account
    try:
        workflow = make_workflow(store, targets, global_policy(), lookup_concurrency=20)
        status = threading.Thread(target=workflow.describe_all, args=(looked_up,), daemon=True)  # a bulk `status`
        status.start()
        wait_until(lambda: len(ci.requests_for("/video/auditing/")) >= 3, "the look-ups under way", timeout=10)
        started = time.monotonic()
        task = command_task(key(), Caller(ONCALL, CHANNEL), Cancel((job(9),), "stream shows violence"))  # on-call: at once
        store.work.enqueue([task])
        drain(store, workflow, lanes=(Lane.URGENT,))
        took = time.monotonic() - started
        status.join(timeout=60)
    finally:
        targets.close()
    assert sg.jobs[job(9)].state == "Cancelled"
    assert took < 2.0, f"the approved cancel took {took:.1f} s: its target look-up queued behind {len(looked_up)} status look-ups"


# -- 8. `audit --target` misses the `started` entry of an on-call's cancel without --target ---------


def test_audit_by_target_finds_every_entry_of_a_direct_cancel_found_there(store, ci, sg, partner):
    sg.add_job(job(10))
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        request_id = command(store, make_workflow(store, targets, global_policy()), ONCALL, job(10))
    finally:
        targets.close()
    assert sg.jobs[job(10)].state == "Cancelled"
    every = [e.event for e in store.audit.entries() if e.request_id == request_id]
    about_sg = [e.event for e in store.audit.entries(where=AuditFilter(target="sg")) if e.request_id == request_id]
    assert about_sg == every, f"`audit --target sg` shows {about_sg} of {every}"


# -- 9. the CLI's line for a job Ctrl-C kept from being sent does not name the target -------------


def test_every_cli_line_of_an_interrupted_cancel_names_the_target(ci, sg, partner, tmp_path):
    first, second = job(11), job(12)
    sg.add_job(first)
    sg.add_job(second)
    released = threading.Event()
    sg.script(first, Fault.hold(released))
    env = {**targets_env(ci, sg, partner), "CI_RATE_LIMIT": "1", "CI_READ_TIMEOUT": "60"}  # one job in flight at a time
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "cancel", first, second, "--target", "sg", "--reason", "operator"],
        cwd=tmp_path,
        env=cli_env("", tmp_path, env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: sg.requests_for(f"cancel_auditing/{first}"), "the first cancel in flight", timeout=30)
        proc.send_signal(signal.SIGINT)
        wait_until(lambda: "Interrupted" in proc.stderr.readline(), "the interrupt noticed", timeout=30)
        released.set()
        out, err = proc.communicate(timeout=60)
    finally:
        released.set()
        if proc.poll() is None:
            proc.kill()
    lines = [line for line in out.splitlines() if line.startswith(("CANCELLED", "FAILED", "UNKNOWN"))]
    assert any(second in line and "NotSent" in line for line in lines), out + err
    assert all(" in sg (archive-1250000000 @ ap-singapore)" in line for line in lines), "\n".join(lines)


# -- 10. the next level's membership lets a global on-call cancel a target's job directly ----------

BOSS = "UBOSS"  # a global on-call who is also in the escalation level


def test_a_global_on_call_in_the_next_level_does_not_cancel_a_job_of_a_target_with_its_own_on_call_directly(store, ci, sg, partner):
    sg.add_job(job(13))
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, BOSS}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})),),
        escalation_users=frozenset({BOSS}),
    )
    targets = CITargets.from_settings(settings_for(ci, sg, partner, CI_TARGET_SG_APPROVER_USERS=SG_ONCALL))
    try:
        workflow = make_workflow(store, targets, Policy(rules, Directory()))
        command(store, workflow, ONCALL, job(13))  # a global on-call: refused or asked of sg's on-call, not sent
        assert sg.requests_for("cancel_auditing") == []
        command(store, workflow, BOSS, job(13))  # the same command from a global on-call who is also the next level
    finally:
        targets.close()
    assert sg.requests_for("cancel_auditing") == [], "sent to sg for someone who is not sg's on-call (only the next level)"


# -- 11. a NotOnCall result for a job found in sg when sent does not name sg's bucket ------------


def test_a_not_on_call_result_names_the_target_the_job_was_found_in(store, ci, sg, partner):
    sg.add_job(job(14))
    rules = PolicyRules(
        approver_users=frozenset({ONCALL}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})),),
    )
    targets = CITargets.from_settings(settings_for(ci, sg, partner, CI_TARGET_SG_APPROVER_USERS=SG_ONCALL))
    try:
        request_id = command(store, make_workflow(store, targets, Policy(rules, Directory())), ONCALL, job(14))
    finally:
        targets.close()
    [outcome] = store.requests.get(request_id).outcome
    assert outcome["code"] == "NotOnCall" and sg.requests_for("cancel_auditing") == []
    about_sg = [e.event for e in store.audit.entries(where=AuditFilter(target="sg")) if e.request_id == request_id]
    assert outcome.get("target") == "sg (archive-1250000000 @ ap-singapore)", outcome
    assert "failed" in about_sg, about_sg


# -- 12. the Home tab's last decisions name the target without its bucket and region --------------


def test_the_home_tabs_last_decisions_name_the_targets_bucket_and_region(make_bot, ci, sg, partner, slack):
    bot = make_bot(**targets_env(ci, sg, partner))
    ci.add_job(job(15))
    sg.add_job(job(15))  # one ID in two buckets: --target says which
    bot.command(MOD, f"--target sg {job(15)} looks like spam")
    slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)
    bot.click(ONCALL_USER, "approve_request", bot.request_id_from_approval())
    slack.wait_for(lambda: [r.state for r in bot.runtime.store.requests.recent_decisions(1)] == [State.DONE], what="the request done", timeout=20)
    published = len(slack.calls_to("views.publish"))
    bot.home_opened(MOD)
    [view] = slack.wait_calls("views.publish", published + 1, timeout=20)[published:]
    recent = json.dumps(view.args["view"]["blocks"])
    assert "cancelled 1 of 1" in recent and "*sg*" in recent
    assert "archive-1250000000" in recent, f"the last decisions name `sg` only: {recent}"
