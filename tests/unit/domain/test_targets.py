"""Several targets in the domain: `--target NAME` in the grammar, kept with the request so an
approval acts on the same target; outcomes and answers name the target they came from; a target
with its own on-call: only they cancel or decide for it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain import outcomes as oc
from bot.domain.commands import Cancel, CommandError, Help, OpenForm, Status, parse
from bot.domain.kinds import APPROVE, command_task
from bot.domain.oncall import retry_task
from bot.domain.payloads import CommandPayload, command_from_dict, command_to_dict
from bot.domain.policy import Policy, PolicyRules, TargetOnCall
from bot.domain.states import JobTarget, State
from bot.store.schema import requests_table
from bot.tencent.results import CancelResult, CINotLocated, CIServiceError, JobStatus
from tests.unit.domain.conftest import ONCALL, ONCALL2, REQUESTER, Directory, FakeCI, caller, drain, job, make_workflow
from tests.unit.domain.test_workflow import ask, click, key

TARGETS = ("bj", "sg", "partner")


def test_target_is_named_before_the_job_ids():
    assert parse(f"--target sg {job(1)} stream shows violence", TARGETS) == Cancel((job(1),), "stream shows violence", "sg")
    assert parse(f"--target=bj {job(1)} why", TARGETS) == Cancel((job(1),), "why", "bj")
    assert parse(f"status --target partner {job(1)}", TARGETS) == Status((job(1),), "partner")
    assert parse(f"--target sg status {job(1)}", TARGETS) == Status((job(1),), "sg")
    assert parse(f"{job(1)} why", TARGETS) == Cancel((job(1),), "why")  # without it: found per job
    assert parse("", TARGETS) == OpenForm() and parse("help", TARGETS) == Help()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (f"--target hk {job(1)} why", "`hk` is not a target: use one of `bj`, `sg`, `partner`. Nothing was sent."),
        (f"--target ../x {job(1)} why", "is not a target"),
        ("--target", "`--target` needs a target name"),
        ("--target sg", "Give job IDs and a reason after `--target sg`"),
        ("--target sg help", "`--target` goes with a cancel or `status`"),
        (f"--target sg status --target bj {job(1)}", "Name `--target` once"),
    ],
)
def test_a_bad_target_is_refused_to_the_caller(text, fragment):
    with pytest.raises(CommandError) as err:
        parse(text, TARGETS)
    assert fragment in str(err.value)


def test_a_stored_command_keeps_its_target_and_one_without_is_stored_as_before():
    named = Cancel((job(1),), "why", "sg")
    assert command_from_dict(command_to_dict(named)) == named
    assert command_to_dict(Cancel((job(1),), "why")) == {"kind": "cancel", "job_ids": [job(1)], "reason": "why"}
    assert command_from_dict({"job_ids": [job(1)], "reason": "why"}) == Cancel((job(1),), "why")
    payload = CommandPayload(caller(), Status((job(1),), "bj"))
    assert CommandPayload.from_dict(payload.to_dict()) == payload


class Targets:
    """Several targets as the CI port: `on(name)` is that target's own fake."""

    def __init__(self, *names: str) -> None:
        self.names = names
        self.by_name = {n: FakeCI() for n in names}
        self.routed = FakeCI()  # without --target: each job's target is found

    def on(self, name: str) -> FakeCI:
        return self.by_name[name]

    def cancel(self, job_id: str) -> CancelResult:
        return self.routed.cancel(job_id)

    def describe(self, job_id: str) -> JobStatus:
        return self.routed.describe(job_id)


def test_a_request_keeps_its_target_and_its_approval_acts_there(store, policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, policy)
    task = command_task(key(), caller(), Cancel((job(1),), "why", "sg"))
    store.work.enqueue([task])
    drain(store, workflow)
    request_id = task.key.split(":", 1)[1][:32]
    assert store.requests.get(request_id).target == "sg"
    assert [c[0] for c in ci.on("sg").calls] == ["describe"]  # the card's evidence, from that target only
    click(store, workflow, APPROVE, request_id)
    assert store.requests.get(request_id).state is State.DONE
    assert ci.on("sg").sent() == [job(1)] and ci.on("bj").calls == [] and ci.routed.calls == []
    assert workflow.target_names == ("bj", "sg")


def test_without_a_target_the_job_is_found_per_job(store, policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, policy)
    request_id = ask(store, workflow, job(2), user=ONCALL)  # on-call: straight to execution
    assert store.requests.get(request_id).target is None
    assert ci.routed.sent() == [job(2)]


def test_outcomes_and_answers_name_their_target_only_when_there_are_several():
    single = CancelResult(job(1), "d", "t", "req")
    assert "target" not in oc.cancelled(job(1), single)
    assert oc.cancelled(job(1), CancelResult(job(1), "d", "t", "req", target="sg (a-1250000000 @ ap-singapore)"))["target"].startswith("sg (")
    error = CIServiceError("AccessDenied", "no", status=403)
    assert "target" not in oc.failed(job(1), error)
    error.target = "bj (live-1250000000 @ ap-beijing)"
    assert oc.failed(job(1), error)["target"] == error.target and oc.unknown(job(1), error)["target"] == error.target
    assert oc.status_dict(job(1), error)["target"] == error.target
    status = JobStatus(job(1), "Auditing", "d", "t", "rtmp://x", "req", target="bj (live-1250000000 @ ap-beijing)")
    assert oc.status_dict(job(1), status)["target"] == status.target


SG_ONCALL, SG_GROUP = "USGONCALL", "SSGONCALL"


@pytest.fixture
def sg_policy() -> Policy:
    """sg has its own on-call (a user group); bj and partner have the global one."""
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, ONCALL2}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", usergroups=frozenset({SG_GROUP})),),
    )
    return Policy(rules, Directory({SG_GROUP: {SG_ONCALL}}))


def command(store, workflow, user: str, target: str, *jobs: str) -> str:
    task = command_task(key(), caller(user), Cancel(tuple(jobs), "why", target))
    store.work.enqueue([task])
    drain(store, workflow)
    return task.key.split(":", 1)[1][:32]


def test_a_global_on_calls_command_for_a_target_with_its_own_on_call_becomes_a_request_to_them(store, sg_policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, sg_policy)
    request_id = command(store, workflow, ONCALL, "sg", job(1))
    request = store.requests.get(request_id)
    assert request.state is State.PENDING and request.target == "sg"
    assert ci.on("sg").sent() == []
    click(store, workflow, APPROVE, request_id, user=ONCALL2)  # a global on-call may not decide it
    assert store.requests.get(request_id).state is State.PENDING and ci.on("sg").sent() == []
    [refusal] = [e for e in store.audit.entries() if e.event == "refused"]
    assert "Only the on-call of target `sg` can decide this request: <!subteam^SSGONCALL>" in refusal.detail["why"]
    click(store, workflow, APPROVE, request_id, user=SG_ONCALL)
    assert store.requests.get(request_id).state is State.DONE and ci.on("sg").sent() == [job(1)]


def test_the_targets_own_on_call_cancels_directly_and_the_global_rules_still_hold_elsewhere(store, sg_policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, sg_policy)
    mine = command(store, workflow, SG_ONCALL, "sg", job(2))
    assert store.requests.get(mine).state is State.DONE and ci.on("sg").sent() == [job(2)]
    theirs = command(store, workflow, ONCALL, "bj", job(3))
    assert store.requests.get(theirs).state is State.DONE and ci.on("bj").sent() == [job(3)]
    stranger = command(store, workflow, SG_ONCALL, "bj", job(4))  # sg's on-call is nobody elsewhere
    assert store.requests.get(stranger) is None and ci.on("bj").sent() == [job(3)]


class Located(Targets):
    """Without --target, each job's target is found: `where` says which knows it."""

    def __init__(self, where: dict[str, str]) -> None:
        super().__init__("bj", "sg")
        self.where = where

    def target_of(self, job_id: str) -> str:
        return self.where[job_id]


def test_a_job_found_in_a_target_with_its_own_on_call_is_not_sent_for_anyone_else(store, sg_policy):
    ci = Located({job(5): "sg", job(6): "bj"})
    workflow = make_workflow(store, ci, sg_policy)
    request_id = ask(store, workflow, job(5), job(6), user=ONCALL)
    outcomes = {o["job_id"]: o for o in store.requests.get(request_id).outcome}
    assert outcomes[job(5)]["code"] == "NotOnCall" and "user group SSGONCALL" in outcomes[job(5)]["message"]
    assert "--target NAME" in outcomes[job(5)]["hint"]
    assert ci.on("sg").sent() == [] and ci.on("bj").sent() == [job(6)]


def test_the_home_tab_offers_a_targets_requests_to_its_own_on_call_only(store, sg_policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, sg_policy)
    sg_request = command(store, workflow, REQUESTER, "sg", job(7))
    bj_request = command(store, workflow, REQUESTER, "bj", job(8))
    assert [r.id for r in workflow.home_for(SG_ONCALL).pending] == [sg_request]
    assert [r.id for r in workflow.home_for(ONCALL).pending] == [bj_request]
    assert workflow.home_for(REQUESTER).pending == []


class Found(Targets):
    """Without --target, every target is asked: `where` says which knows each job."""

    def __init__(self, where: dict[str, str]) -> None:
        super().__init__("bj", "sg")
        self.where = where

    def describe(self, job_id: str) -> JobStatus:
        name = self.where[job_id]
        status = self.on(name).describe(job_id)
        return JobStatus(**{**status.__dict__, "target": f"{name} ({name}-1250000000 @ ap-beijing)"})


def test_a_request_keeps_the_target_its_jobs_were_found_in_so_the_approval_does_not_ask_again(store, policy):
    ci = Found({job(9): "sg", job(10): "sg"})
    workflow = make_workflow(store, ci, policy)
    request_id = ask(store, workflow, job(9), job(10))
    assert store.requests.get(request_id).target == "sg"
    click(store, workflow, APPROVE, request_id)
    assert sorted(ci.on("sg").sent()) == [job(9), job(10)] and ci.routed.calls == []
    [requested] = [e for e in store.audit.entries() if e.event == "requested"]
    assert requested.detail["target"] == "sg"


def test_jobs_found_in_different_targets_are_each_sent_where_they_were_found(store, policy):
    ci = Found({job(11): "sg", job(12): "bj"})
    workflow = make_workflow(store, ci, policy)
    request_id = ask(store, workflow, job(11), job(12))
    request = store.requests.get(request_id)
    assert request.target is None and {j: p.name for j, p in request.found_in.items()} == {job(11): "sg", job(12): "bj"}
    click(store, workflow, APPROVE, request_id)
    assert ci.on("sg").sent() == [job(11)] and ci.on("bj").sent() == [job(12)] and ci.routed.calls == []


def test_found_in_one_needs_every_job_found_in_the_same_target():
    def answer(target: str, ok: bool = True):
        return {"job_id": job(1), "ok": ok, "request_id": "r", **({"target": target} if target else {})}

    assert oc.found_in_one([answer("sg (a-1 @ ap-singapore)"), answer("sg (a-1 @ ap-singapore)")]) == "sg"
    assert oc.found_in_one([answer("sg (a-1 @ ap-singapore)"), answer("bj (b-1 @ ap-beijing)")]) is None
    assert oc.found_in_one([answer("sg (a-1 @ ap-singapore)"), answer("", ok=False)]) is None
    assert oc.found_in_one([answer("")]) is None and oc.found_in_one([]) is None


def test_audit_entries_name_the_target_with_its_bucket_and_region_when_known():
    class Labels:
        def label(self, name: str) -> str:
            return f"{name} (archive-1250000000 @ ap-singapore)"

    assert oc.named_target(None, Labels()) == {} and oc.named_target("sg") == {"target": "sg"}
    assert oc.named_target("sg", Labels()) == {"target": "sg", "target_label": "sg (archive-1250000000 @ ap-singapore)"}


# -- each job's target kept with the request (issue 18 review) ----------------------------------


class Placed(Targets):
    """As Found (`located` says which target knows each job; no target knows the others), and able
    to say which bucket and region each target name means (`where`); a redeploy changes `buckets`."""

    def __init__(self, located: dict[str, str]) -> None:
        super().__init__("bj", "sg")
        self.located = located
        self.buckets = {"bj": ("live-1250000000", "ap-beijing"), "sg": ("archive-1250000000", "ap-singapore")}

    def where(self, name: str) -> tuple[str, str] | None:
        return self.buckets.get(name)

    def describe(self, job_id: str) -> JobStatus:
        if job_id not in self.located:
            raise CINotLocated("NotInAnyTarget", "no target knows this job", job_id=job_id)
        name = self.located[job_id]
        bucket, region = self.buckets[name]
        return replace(self.on(name).describe(job_id), target=f"{name} ({bucket} @ {region})")


def test_a_request_keeps_each_jobs_target_with_its_bucket_and_region(store, policy):
    ci = Placed({job(20): "sg", job(21): "bj"})
    workflow = make_workflow(store, ci, policy)
    request_id = ask(store, workflow, job(20), job(21), job(22))  # job(22): no target knows it
    request = store.requests.get(request_id)
    assert request.found_in == {
        job(20): JobTarget("sg", "archive-1250000000", "ap-singapore"),
        job(21): JobTarget("bj", "live-1250000000", "ap-beijing"),
    }
    assert request.target_of(job(22)) is None and request.job_targets == ("sg", "bj", None)
    [requested] = [e for e in store.audit.entries() if e.event == "requested"]
    assert requested.detail["targets"] == ["sg", "bj"] and "target" not in requested.detail
    assert requested.detail["target_labels"] == ["sg (archive-1250000000 @ ap-singapore)", "bj (live-1250000000 @ ap-beijing)"]


def test_with_one_target_nothing_more_is_kept_nor_audited(store, workflow, ci):
    request_id = ask(store, workflow, job(23))
    assert store.requests.get(request_id).found_in == {}
    [requested] = [e for e in store.audit.entries() if e.event == "requested"]
    assert set(requested.detail) == {"reason", "job_ids", "channel"}


@pytest.mark.parametrize(
    ("redeploy", "why"),
    [
        (lambda buckets: buckets.update(sg=("clips-1300000000", "ap-beijing")), "is clips-1300000000 @ ap-beijing now"),
        (lambda buckets: buckets.pop("sg"), "is no longer in CI_TARGETS"),
    ],
    ids=["another-bucket", "removed"],
)
def test_an_approval_sends_nothing_where_the_target_now_means_another_bucket(store, policy, redeploy, why):
    ci = Placed({job(24): "sg", job(25): "bj"})
    workflow = make_workflow(store, ci, policy)
    request_id = ask(store, workflow, job(24), job(25))
    redeploy(ci.buckets)
    if "sg" not in ci.buckets:
        ci.names = ("bj",)
    click(store, workflow, APPROVE, request_id)
    outcomes = {o["job_id"]: o for o in store.requests.get(request_id).outcome}
    assert outcomes[job(24)]["code"] == "TargetChanged" and why in outcomes[job(24)]["message"]
    assert outcomes[job(24)]["target"] == "sg (archive-1250000000 @ ap-singapore)"  # what on-call approved
    assert "nothing was sent" in outcomes[job(24)]["message"] and outcomes[job(24)]["hint"].startswith("The request's target")
    assert ci.on("sg").sent() == [] and ci.on("bj").sent() == [job(25)] and ci.routed.calls == []


def test_a_request_of_an_earlier_release_naming_a_removed_target_sends_nothing(store, policy):
    ci = Targets("bj", "sg")
    workflow = make_workflow(store, ci, policy)
    request_id = command(store, workflow, REQUESTER, "sg", job(26))
    with store.engine.begin() as conn:  # as stored before each job's target was kept
        conn.execute(requests_table.update().where(requests_table.c.id == request_id).values(job_targets=None))
    ci.names = ("bj",)
    click(store, workflow, APPROVE, request_id)
    [outcome] = store.requests.get(request_id).outcome
    assert outcome["code"] == "TargetChanged" and ci.on("sg").sent() == []


@pytest.fixture
def sg_and_global() -> Policy:
    """sg has its own on-call; BOTH is on call for sg and globally."""
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, ONCALL2, BOTH}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL, BOTH})),),
    )
    return Policy(rules, Directory())


BOTH = "UBOTH"


def test_a_request_over_two_targets_is_decided_only_by_someone_on_call_for_each(store, sg_and_global):
    ci = Placed({job(27): "sg", job(28): "bj"})
    workflow = make_workflow(store, ci, sg_and_global)
    request_id = ask(store, workflow, job(27), job(28))
    for user in (ONCALL, SG_ONCALL):  # on call for one of its targets only
        click(store, workflow, APPROVE, request_id, user=user)
        assert store.requests.get(request_id).state is State.PENDING
    refusals = [e.detail["why"] for e in store.audit.entries() if e.event == "refused"]
    assert all(
        "only someone on call for each of them can decide it (`sg`: <@UBOTH> <@USGONCALL>; `bj`: the on-call approvers)" in w for w in refusals
    )
    assert [r.id for r in workflow.home_for(BOTH).pending] == [request_id]
    assert workflow.home_for(ONCALL).pending == workflow.home_for(SG_ONCALL).pending == []
    click(store, workflow, APPROVE, request_id, user=BOTH)
    assert store.requests.get(request_id).state is State.DONE
    assert ci.on("sg").sent() == [job(27)] and ci.on("bj").sent() == [job(28)]


def test_a_retry_click_needs_someone_on_call_for_each_failed_jobs_target(store, sg_and_global):
    ci = Placed({job(29): "sg", job(30): "bj"})
    ci.on("sg").errors[job(29)] = CIServiceError("AccessDenied", "denied", status=403)
    workflow = make_workflow(store, ci, sg_and_global)
    request_id = ask(store, workflow, job(29), job(30))
    click(store, workflow, APPROVE, request_id, user=BOTH)
    assert store.requests.get(request_id).open_jobs == [job(29)]
    del ci.on("sg").errors[job(29)]
    store.work.enqueue([retry_task(key("click"), caller(ONCALL), request_id, 0)])  # global on-call, not sg's
    drain(store, workflow)
    assert ci.on("sg").sent() == [job(29)]  # once: the Retry click was refused
    [refusal] = [e for e in store.audit.entries() if e.event == "refused"]
    assert "Only the on-call of target `sg` can decide this request" in refusal.detail["why"]
    store.work.enqueue([retry_task(key("click"), caller(SG_ONCALL), request_id, 0)])  # sg's own on-call: only sg's job is open
    drain(store, workflow)
    assert ci.on("sg").sent() == [job(29), job(29)] and store.requests.get(request_id).open_jobs == []


def test_a_targets_own_on_call_cancels_directly_only_jobs_found_in_their_target(store, sg_policy):
    ci = Placed({job(31): "sg", job(32): "bj"})
    workflow = make_workflow(store, ci, sg_policy)
    mine = ask(store, workflow, job(31), user=SG_ONCALL)  # no --target: found in sg
    assert store.requests.get(mine).state is State.DONE and ci.on("sg").sent() == [job(31)]
    elsewhere = ask(store, workflow, job(31), job(32), user=SG_ONCALL)  # job(32) is bj's
    assert store.requests.get(elsewhere) is None and ci.on("bj").sent() == [] and ci.on("sg").sent() == [job(31)]
    [refusal] = [e for e in store.audit.entries() if e.event == "refused"]
    assert f"You may not cancel `{job(32)}` (found in `bj`): you are on call only for other targets" in refusal.detail["why"]


def test_with_four_eyes_a_targets_own_on_call_asks_another_of_them(store, sg_policy):
    ci = Placed({job(33): "sg"})
    workflow = make_workflow(store, ci, sg_policy, four_eyes=True)
    request_id = ask(store, workflow, job(33), user=SG_ONCALL)
    request = store.requests.get(request_id)
    assert request.state is State.PENDING and request.target == "sg" and ci.on("sg").sent() == []
