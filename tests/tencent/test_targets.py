"""Several targets against three CI stand-ins: each signs with its own keys and acts only where
the job is; buckets of one APPID share CI_RATE_LIMIT across processes, another APPID has its own;
`python -m bot check` probes every target and names each failure."""

from __future__ import annotations

import threading

import pytest

from bot.config_load import load_settings
from bot.store import SharedLimiter, Store
from bot.tencent.results import CINotLocated
from bot.tencent.targets import CITargets
from tests.conftest import SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import max_in_window
from tests.targets import targets_env
from tests.test_check import row, run_check
from tests.test_config import BASE


def settings_for(ci, sg, partner, **overrides):
    keys = {"TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    env = {k: v for k, v in {**BASE, **keys, **targets_env(ci, sg, partner, **overrides)}.items() if v}
    return load_settings(env)


def test_each_target_signs_with_its_own_keys_and_acts_only_where_the_job_is(ci, sg, partner):
    sg.add_job(job(1))
    partner.add_job(job(2))
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        assert targets.cancel(job(1)).job_id == job(1)
        assert targets.cancel(job(2)).job_id == job(2)
    finally:
        targets.close()
    assert [a.path for a in sg.requests_for("cancel_auditing")] == [f"/video/cancel_auditing/{job(1)}"]
    assert [a.path for a in partner.requests_for("cancel_auditing")] == [f"/video/cancel_auditing/{job(2)}"]
    assert ci.requests_for("cancel_auditing") == []
    assert all(a.verified for server in (ci, sg, partner) for a in server.arrivals)  # the partner's own keys
    assert sg.jobs[job(1)].state == partner.jobs[job(2)].state == "Cancelled"


def test_a_job_found_in_two_targets_is_sent_nowhere(ci, sg, partner):
    ci.add_job(job(3))
    sg.add_job(job(3))
    targets = CITargets.from_settings(settings_for(ci, sg, partner))
    try:
        with pytest.raises(CINotLocated) as err:
            targets.cancel(job(3))
    finally:
        targets.close()
    assert err.value.code == "InSeveralTargets"
    assert "bj (live-1250000000 @ ap-beijing) and sg (archive-1250000000 @ ap-singapore)" in err.value.message
    assert ci.requests_for("cancel_auditing") == sg.requests_for("cancel_auditing") == []


def test_buckets_of_one_appid_share_the_limit_across_processes_and_another_appid_has_its_own(ci, sg, partner, database_url):
    limit, per_server = 4, 6
    for server in (ci, sg, partner):
        for n in range(per_server):
            server.add_job(job(n))
    settings = settings_for(ci, sg, partner, CI_RATE_LIMIT=str(limit))
    stores = [Store(database_url), Store(database_url)]  # two bot processes, one database
    stores[0].migrate()
    processes = [
        CITargets.from_settings(settings, lambda appid, s=store: SharedLimiter(s.slots, limit, in_flight=settings.ci_attempt_deadline, account=appid))
        for store in stores
    ]
    work = [(processes[0], "bj"), (processes[1], "sg"), (processes[0], "partner")]
    barrier = threading.Barrier(len(work))

    def bulk(targets, name):
        barrier.wait()
        targets.on(name).cancel_many([job(n) for n in range(per_server)])

    threads = [threading.Thread(target=bulk, args=w) for w in work]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        for p in processes:
            p.close()
        for s in stores:
            s.close()
    assert all(j.state == "Cancelled" for server in (ci, sg, partner) for j in server.jobs.values())
    arrivals = sorted(a.at for server in (ci, sg) for a in server.arrivals)
    assert max_in_window(arrivals) <= limit  # bj and sg together, one APPID
    assert partner.max_in_window(1.0) <= limit
    everything = sorted(a.at for server in (ci, sg, partner) for a in server.arrivals)
    assert max_in_window(everything) > limit  # the partner's sends did not wait for the other account's


def test_check_probes_every_target_and_names_each_failure(ci, sg, partner, slack, tmp_path):
    from tests.harness import bot_env

    env = bot_env(ci, slack, f"sqlite:///{tmp_path}/c.db", **targets_env(ci, sg, partner, CI_TARGET_PARTNER_SECRET_KEY="not-the-partner-key"))
    out = run_check(env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "signed request accepted" in row(out, "tencent bj") and "signed request accepted" in row(out, "tencent sg")
    assert "SignatureDoesNotMatch" in row(out, "tencent partner") and "FIX" in row(out, "tencent partner")
    assert "archive-1250000000 @ ap-singapore" in row(out, "CI host sg")
    assert "not-the-partner-key" not in out.stdout
    assert [len(s.arrivals) for s in (ci, sg, partner)] == [1, 1, 1]
