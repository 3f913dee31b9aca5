"""Review of issue 18 (several buckets and regions): reproductions of guarantees that did not hold.

Each was written to fail first (a strict expected failure) and passes since its fix. Each says
what the contract promises.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from bot.config import ConfigError
from bot.config_load import load_settings
from bot.domain import workflow as wf
from bot.domain.announce import Caller
from bot.domain.commands import Cancel
from bot.domain.kinds import APPROVE, DENY, click_task, command_task
from bot.domain.oncall import retry_task
from bot.domain.policy import Policy, PolicyRules, TargetOnCall
from bot.domain.states import State
from bot.store import Store
from bot.tencent.results import CancelResult, CIServiceError, JobStatus
from bot.tencent.targets import CITargets
from tests.conftest import PARTNER_ID, PARTNER_KEY, SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import Fault
from tests.targets import targets_env
from tests.test_config import BASE
from tests.unit.domain.conftest import drain, make_workflow

ME = "worker-1"
ONCALL, ONCALL2, REQUESTER, SG_ONCALL = "UONCALL", "UONCALL2", "UREQ", "USGONCALL"
CHANNEL = "CWORK"

# -- helpers: the domain on a real SQLite store, as tests/unit/domain does ---------------------


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    store = Store(f"sqlite:///{tmp_path / 'bot.db'}")
    store.migrate()
    store.work.register_worker(ME, "host", 1, "boot")
    yield store
    store.close()


class Directory:
    def members(self, group_id: str) -> set[str]:
        return set()


def key(prefix: str = "cmd") -> str:
    return f"{prefix}:{uuid.uuid4().hex}"


def command(store: Store, workflow: wf.Workflow, user: str, *jobs: str, target: str = "") -> str:
    """A cancel command from `user`, run to its end; the id of the request it made."""
    task = command_task(key(), Caller(user, CHANNEL), Cancel(tuple(jobs), "stream shows violence", target))
    store.work.enqueue([task])
    drain(store, workflow)
    return task.key.split(":", 1)[1][:32]


def click(store: Store, workflow: wf.Workflow, kind, request_id: str, user: str) -> None:
    store.work.enqueue([click_task(key("click"), kind, Caller(user, CHANNEL), request_id, "")])
    drain(store, workflow)


def settings_for(bj, sg, partner, **overrides: str):
    keys = {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    env = {k: v for k, v in {**BASE, **keys, **targets_env(bj, sg, partner, **overrides)}.items() if v}
    return load_settings(env)


def global_policy() -> Policy:
    return Policy(PolicyRules(approver_users=frozenset({ONCALL, ONCALL2}), requester_users=frozenset({REQUESTER})), Directory())


# -- 1. a malformed CI_TARGETS is accepted -----------------------------------------------------


@pytest.mark.parametrize("listed", [",", " , ,"])
def test_ci_targets_with_no_entry_stops_the_start(listed):
    env = {k: v for k, v in BASE.items() if k not in ("CI_BUCKET", "CI_REGION")}
    with pytest.raises(ConfigError) as err:
        settings = load_settings({**env, "CI_TARGETS": listed})
        # What starts today: one target `default` with an empty bucket, region and endpoint.
        pytest.fail(f"accepted: {[(t.name, t.bucket, t.region, t.endpoint) for t in settings.targets]}")
    assert any("CI_TARGETS" in p for p in err.value.problems)


# -- 2. a per-target on-call rule bypassed by a Retry click ------------------------------------


class Located:
    """Several targets as the CI port; without --target each job's target is found (`where`)."""

    def __init__(self, where: dict[str, str], errors: dict[str, dict[str, CIServiceError]]) -> None:
        self.names = ("bj", "sg")
        self.where, self.errors = where, errors
        self.sent: list[tuple[str, str]] = []  # (target, job) of every cancel that went out

    def target_of(self, job_id: str) -> str:
        return self.where[job_id]

    def on(self, name: str) -> Located:
        return _One(self, name)  # type: ignore[return-value]

    def describe(self, job_id: str) -> JobStatus:
        return JobStatus(job_id, "Auditing", "d", "2026-01-01", "rtmp://x", "req")

    def cancel(self, job_id: str) -> CancelResult:  # pragma: no cover - the guard routes through on()
        raise AssertionError("with a guard every job goes through its target's port")


class _One:
    def __init__(self, targets: Located, name: str) -> None:
        self.targets, self.name = targets, name

    def describe(self, job_id: str) -> JobStatus:
        return self.targets.describe(job_id)

    def cancel(self, job_id: str) -> CancelResult:
        self.targets.sent.append((self.name, job_id))
        if (error := self.targets.errors.get(self.name, {}).pop(job_id, None)) is not None:
            raise error
        return CancelResult(job_id, "d", "2026-01-01", "req", "Cancelled")


def test_a_global_on_calls_retry_does_not_send_a_job_of_a_target_with_its_own_on_call(store):
    # sg has its own on-call (SG_ONCALL, who is also in the global on-call); bj has the global one.
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, SG_ONCALL}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})),),
    )
    policy = Policy(rules, Directory())
    ci = Located({job(1): "sg", job(2): "bj"}, errors={"sg": {job(1): CIServiceError("AccessDenied", "denied", status=403)}})
    workflow = make_workflow(store, ci, policy, max_pending=5)
    request_id = command(store, workflow, REQUESTER, job(1), job(2))  # found in two targets: kept as none
    assert store.requests.get(request_id).target is None
    click(store, workflow, APPROVE, request_id, user=SG_ONCALL)  # sg's on-call approves; sg refuses once
    request = store.requests.get(request_id)
    assert request.state is State.DONE and request.open_jobs == [job(1)]
    assert sorted(ci.sent) == [("bj", job(2)), ("sg", job(1))]
    # ONCALL is not sg's on-call: their Retry click must not send anything to sg.
    store.work.enqueue([retry_task(key("click"), Caller(ONCALL, CHANNEL), request_id, 0)])
    drain(store, workflow)
    assert ci.sent.count(("sg", job(1))) == 1, f"ONCALL's Retry click sent {job(1)} to sg: {ci.sent}"


# -- 3. the target found at request time is not kept when jobs are in different targets ---------


def test_an_approval_acts_where_the_request_found_each_job_without_asking_again(store, ci, sg, partner):
    ci.add_job(job(1))  # bj
    sg.add_job(job(2))
    targets = CITargets.from_settings(settings_for(ci, sg, partner, CI_MAX_ATTEMPTS="1"))
    try:
        workflow = make_workflow(store, targets, global_policy())
        request_id = command(store, workflow, REQUESTER, job(1), job(2))
        assert store.requests.get(request_id).state is State.PENDING
        asked = len(partner.requests_for("/video/auditing/"))
        partner.script(job(1), Fault.error(500, "InternalError"))  # the partner account is down now
        click(store, workflow, APPROVE, request_id, user=ONCALL)
    finally:
        targets.close()
    outcomes = {o["job_id"]: o for o in store.requests.get(request_id).outcome}
    # The request found job(1) in bj only: the approval acts there, without asking anyone again.
    assert outcomes[job(1)]["ok"], outcomes[job(1)]  # today: TargetUnreachable (partner: InternalError), nothing sent
    assert len(partner.requests_for("/video/auditing/")) == asked, "the approval asked the partner target again"
    assert ci.jobs[job(1)].state == "Cancelled"


# -- 4. an approval acts on a different bucket than the request's ------------------------------


def test_an_approval_never_sends_to_another_bucket_than_the_one_the_request_named(store, ci, sg, partner):
    sg.add_job(job(3))
    partner.add_job(job(3))  # the same job ID in another account's bucket (IDs do not say their bucket)
    before = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        request_id = command(store, make_workflow(store, before, global_policy()), REQUESTER, job(3), target="sg")
    finally:
        before.close()
    request = store.requests.get(request_id)
    assert request.state is State.PENDING and request.target == "sg"
    [requested] = [e for e in store.audit.entries() if e.event == "requested"]
    assert requested.detail["target_label"] == "sg (archive-1250000000 @ ap-singapore)"  # what on-call saw on the card
    # A redeploy before on-call decides: `sg` now names the partner's bucket.
    moved = settings_for(
        ci,
        sg,
        partner,
        CI_TARGETS="bj=live-1250000000@ap-beijing,sg=clips-1300000000@ap-beijing",
        CI_TARGET_SG_ENDPOINT=partner.url,
        CI_TARGET_PARTNER_ENDPOINT="",
        CI_TARGET_PARTNER_SECRET_ID="",
        CI_TARGET_PARTNER_SECRET_KEY="",
        CI_TARGET_SG_SECRET_ID=PARTNER_ID,
        CI_TARGET_SG_SECRET_KEY=PARTNER_KEY,
    )
    after = CITargets.from_settings(moved)
    try:
        click(store, make_workflow(store, after, global_policy()), APPROVE, request_id, user=ONCALL)
    finally:
        after.close()
    assert partner.requests_for("cancel_auditing") == [], "approved for archive-1250000000 @ ap-singapore, sent to clips-1300000000"
    assert partner.jobs[job(3)].state != "Cancelled"


# -- 5. a per-target on-call rule bypassed by a Deny click ---------------------------------------


def test_only_a_targets_own_on_call_may_deny_a_request_for_one_of_its_jobs(store, ci, sg, partner):
    ci.add_job(job(4))  # bj: the global on-call
    sg.add_job(job(5))  # sg: its own on-call only
    rules = PolicyRules(
        approver_users=frozenset({ONCALL, ONCALL2}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})),),
    )
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        workflow = make_workflow(store, targets, Policy(rules, Directory()))
        request_id = command(store, workflow, REQUESTER, job(4), job(5))
        assert store.requests.get(request_id).state is State.PENDING
        click(store, workflow, DENY, request_id, user=ONCALL)  # not sg's on-call
    finally:
        targets.close()
    request = store.requests.get(request_id)
    # The request asks to cancel a job found in sg: ONCALL's Deny must be refused, naming sg's on-call.
    assert request.state is State.PENDING, f"denied by {request.decided_by}, who is not sg's on-call (target kept: {request.target})"


# -- 6. a per-target setting accepted at start, then silently ignored --------------------------

TWO = "bj=live-1250000000@ap-beijing,partner=clips-1300000000@ap-beijing"


def _applied(settings, var: str) -> bool:
    partner, bj = settings.target("partner"), settings.target("bj")
    return {
        "CI_TARGET_Partner_SECRET_ID": partner.secret_id == "AKIDpartner",
        "CI_TARGET_Partner_APPROVER_USERS": partner.own_oncall,
        "CI_TARGET_bj_ENDPOINT": bj.endpoint == "http://127.0.0.1:9",
    }[var]


@pytest.mark.parametrize(
    "extra",
    [
        {"CI_TARGET_Partner_SECRET_ID": "AKIDpartner", "CI_TARGET_Partner_SECRET_KEY": "partner-key"},  # signs with TENCENTCLOUD_*
        {"CI_TARGET_Partner_APPROVER_USERS": "U0PARTNER1"},  # its own on-call dropped: the global one acts
        {"CI_TARGET_bj_ENDPOINT": "http://127.0.0.1:9"},  # the private endpoint dropped: the public one is used
    ],
    ids=["secret_id", "approver_users", "endpoint"],
)
def test_a_per_target_setting_in_another_case_is_refused_or_applied_never_ignored(extra):
    env = {k: v for k, v in BASE.items() if k not in ("CI_BUCKET", "CI_REGION")}
    var = next(iter(extra))
    try:
        settings = load_settings({**env, "CI_TARGETS": TWO, **extra})
    except ConfigError as err:
        assert any(var in p for p in err.problems), err.problems
        return
    assert _applied(settings, var), f"{var} was accepted at start and then ignored"


# -- 7. audit entries about a job whose target is known do not name it -------------------------


def test_audit_by_target_finds_the_request_and_decision_about_a_job_found_there(store, ci, sg, partner):
    from bot.store.audit import AuditFilter

    ci.add_job(job(6))  # bj
    sg.add_job(job(7))
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        workflow = make_workflow(store, targets, global_policy())
        request_id = command(store, workflow, REQUESTER, job(6), job(7))
        click(store, workflow, APPROVE, request_id, user=ONCALL)
    finally:
        targets.close()
    assert store.requests.get(request_id).state is State.DONE and sg.jobs[job(7)].state == "Cancelled"
    every = {e.event for e in store.audit.entries() if e.request_id == request_id}
    about_sg = {e.event for e in store.audit.entries(where=AuditFilter(target="sg")) if e.request_id == request_id}
    # Each job's target was known when the request was made: `audit --target sg` shows its whole story.
    assert {"requested", "approved"} <= every
    assert {"requested", "approved"} <= about_sg, f"audit --target sg shows only {sorted(about_sg)} of {sorted(every)}"


# -- 8. a target's own on-call must name --target for their own jobs ---------------------------


def test_a_targets_own_on_call_cancels_a_job_found_there_without_naming_the_target(store, ci, sg, partner):
    sg.add_job(job(8))
    rules = PolicyRules(
        approver_users=frozenset({ONCALL}),
        requester_users=frozenset({REQUESTER}),
        target_oncall=(TargetOnCall("sg", users=frozenset({SG_ONCALL})),),
    )
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        workflow = make_workflow(store, targets, Policy(rules, Directory()))
        request_id = command(store, workflow, SG_ONCALL, job(8))  # no --target: found in sg only
    finally:
        targets.close()
    refusals = [e.detail.get("why") for e in store.audit.entries() if e.event == "refused"]
    assert store.requests.get(request_id) is not None, f"refused: {refusals}"
    assert sg.jobs[job(8)].state == "Cancelled"
