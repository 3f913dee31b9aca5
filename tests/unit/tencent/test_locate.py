"""Finding a job's target: one hit acts there; none says so, naming the targets asked; several
send nothing and ask for --target; a target that cannot be asked leaves nothing sent. Never a guess."""

from __future__ import annotations

import pytest

from bot.config import Secret, Settings, Target
from bot.tencent import InvalidJobId
from bot.tencent.results import CancelResult, CINetworkError, CINotLocated, CIServerError, CIServiceError, JobStatus
from bot.tencent.targets import CITargets, is_unknown_job, locate

JOB = "av" + "1" * 32


def status(job: str = JOB) -> JobStatus:
    return JobStatus(job, "Auditing", "data-1", "2026-11-24T10:00:00+0800", "rtmp://x/y", "req-1")


def unknown() -> CIServiceError:
    return CIServiceError("InvalidArgument", "job does not exist", status=400, job_id=JOB)


def test_a_job_known_to_one_target_is_there():
    located = locate(JOB, {"bj": status(), "sg": unknown()})
    assert located.target == "bj" and located.status == status() and located.error() is None


def test_a_job_known_to_none_names_every_target_asked():
    located = locate(JOB, {"bj": unknown(), "sg": unknown(), "hk": unknown()})
    error = located.error()
    assert located.target is None and isinstance(error, CINotLocated)
    assert error.code == "NotInAnyTarget" and error.message == "no target knows this job (asked bj, sg and hk)"
    assert not error.maybe_applied


def test_a_job_known_to_several_targets_is_not_guessed():
    located = locate(JOB, {"bj": status(), "sg": status(), "hk": unknown()})
    error = located.error(lambda name: name.upper())
    assert located.target is None and error is not None and error.code == "InSeveralTargets"
    assert error.message.startswith("found in BJ and SG: nothing was sent; repeat with --target NAME")


@pytest.mark.parametrize(
    "failure",
    [
        CINetworkError("NetworkError", "could not connect", job_id=JOB),
        CIServerError("InternalError", "boom", status=500, job_id=JOB),
        CIServiceError("AccessDenied", "no", status=403, job_id=JOB),
        CIServiceError("InvalidArgument", "odd", status=None, job_id=JOB),
    ],
)
def test_a_target_that_cannot_be_asked_leaves_the_job_unsent_and_is_named(failure):
    assert not is_unknown_job(failure)
    located = locate(JOB, {"bj": status(), "sg": failure})
    error = located.error()
    assert located.target is None and error is not None and error.code == "TargetUnreachable"
    assert error.message == f"could not ask sg: {failure.code}; nothing was sent"


class Stub:
    """One target's far side, as the CI client presents it."""

    def __init__(self, known: bool) -> None:
        self.known, self.cancelled, self.closed = known, [], False

    def describe(self, job_id: str) -> JobStatus:
        if not self.known:
            raise unknown()
        return status(job_id)

    def cancel(self, job_id: str, ambiguous: bool = False) -> CancelResult:
        self.cancelled.append(job_id)
        return CancelResult(job_id, "data-1", "t", "req-c")

    def close(self) -> None:
        self.closed = True


def targets_of(*names: str) -> tuple[Target, ...]:
    return tuple(Target(n, f"{n}-1250000000", "ap-beijing", f"http://{n}", "AKID", Secret("k"), Secret("")) for n in names)


def test_as_a_ci_port_it_cancels_in_the_one_target_that_knows_the_job():
    bj, sg = Stub(known=False), Stub(known=True)
    ci = CITargets(targets_of("bj", "sg"), {"bj": bj, "sg": sg})
    assert ci.cancel(JOB).request_id == "req-c"
    assert (bj.cancelled, sg.cancelled) == ([], [JOB])
    assert ci.describe(JOB).state == "Auditing"
    ci.close()
    assert bj.closed and sg.closed


def test_as_a_ci_port_it_sends_nothing_when_the_target_is_uncertain():
    bj, sg = Stub(known=True), Stub(known=True)
    ci = CITargets(targets_of("bj", "sg"), {"bj": bj, "sg": sg})
    with pytest.raises(CINotLocated) as err:
        ci.cancel(JOB)
    assert "bj (bj-1250000000 @ ap-beijing) and sg (sg-1250000000 @ ap-beijing)" in err.value.message
    assert bj.cancelled == sg.cancelled == []
    with pytest.raises(InvalidJobId):
        ci.locate("../etc")
    ci.close()


def test_one_target_is_its_client_as_before():
    only = Stub(known=False)
    ci = CITargets(targets_of("default"), {"default": only})
    ci.cancel(JOB)  # no look-up first: exactly the single-bucket behaviour
    assert only.cancelled == [JOB] and ci.single is only


def test_buckets_of_one_appid_share_one_limiter_and_other_accounts_have_their_own():
    settings = Settings(
        ci_targets=(
            Target("bj", "live-1250000000", "ap-beijing", "http://127.0.0.1:9", "AKID", Secret("k"), Secret("")),
            Target("sg", "archive-1250000000", "ap-singapore", "http://127.0.0.1:9", "AKID", Secret("k"), Secret("")),
            Target("partner", "p-1300000000", "ap-beijing", "http://127.0.0.1:9", "AKIDp", Secret("kp"), Secret("")),
        )
    )
    asked: list[str] = []

    def limiter_for(appid: str):
        asked.append(appid)
        return object()

    ci = CITargets.from_settings(settings, limiter_for)  # type: ignore[arg-type]
    assert asked == ["1250000000", "1300000000"]
    assert ci.clients["bj"].limiter is ci.clients["sg"].limiter is not ci.clients["partner"].limiter
    assert ci.clients["partner"]._secret_id == "AKIDp"
    ci.close()


def test_the_look_ups_keep_the_callers_ci_priority():
    from bot.tencent.ratelimit import URGENT, calls_at, priority_of

    seen: list[int] = []

    class Recording(Stub):
        def describe(self, job_id: str) -> JobStatus:
            seen.append(priority_of("GET"))
            return super().describe(job_id)

    ci = CITargets(targets_of("bj", "sg"), {"bj": Recording(known=True), "sg": Recording(known=False)})
    with calls_at(URGENT):  # a cancel's look-ups go before `status` ones
        ci.cancel(JOB)
    ci.close()
    assert seen == [URGENT, URGENT]
