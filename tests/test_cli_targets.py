"""`python -m bot cancel|status|audit` with several targets (three CI stand-ins): --target acts
on one target; without it each job's target is found, never guessed; every line names it."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.targets import targets_env
from tests.test_cli import run_cli


def test_cancel_and_status_name_and_find_the_target(ci, sg, partner, tmp_path):
    env = targets_env(ci, sg, partner)  # CI_BUCKET, CI_REGION and CI_ENDPOINT emptied
    ci.add_job(job(1))
    sg.add_job(job(1))  # one ID in two buckets
    partner.add_job(job(2))
    ambiguous = run_cli(["status", job(1)], "", tmp_path, env)
    assert ambiguous.returncode == 1 and "InSeveralTargets" in ambiguous.stderr and "--target" in ambiguous.stderr
    found = run_cli(["status", job(2)], "", tmp_path, env)
    assert found.returncode == 0, found.stderr
    assert "partner (clips-1300000000 @ ap-beijing)" in found.stdout
    out = run_cli(["cancel", job(1), job(2), "--target", "sg", "--reason", "named"], "", tmp_path, env)
    assert f"CANCELLED {job(1)} in sg (archive-1250000000 @ ap-singapore)" in out.stdout, out.stdout + out.stderr
    assert f"FAILED    {job(2)} in sg (archive-1250000000 @ ap-singapore)  InvalidArgument" in out.stdout
    assert sg.jobs[job(1)].state == "Cancelled" and ci.jobs[job(1)].state == "Auditing" and partner.jobs[job(2)].state == "Auditing"
    audit = run_cli(["audit", "--target", "sg"], "", tmp_path, env)
    assert audit.returncode == 0, audit.stderr
    events = [json.loads(line)["event"] for line in audit.stdout.splitlines()]
    assert events == ["started", "failed"]
    assert run_cli(["audit", "--target", "bj"], "", tmp_path, env).stdout == ""


def test_an_unknown_target_sends_nothing(ci, sg, partner, tmp_path):
    env = targets_env(ci, sg, partner)  # CI_BUCKET, CI_REGION and CI_ENDPOINT emptied
    out = run_cli(["cancel", job(3), "--target", "hk", "--reason", "x"], "", tmp_path, env)
    assert out.returncode == 2 and "--target 'hk' is not a target: use one of bj, sg, partner. Nothing was sent." in out.stderr
    dry = run_cli(["cancel", job(3), "--reason", "x", "--dry-run"], "", tmp_path, env)
    assert dry.returncode == 2 and "name it with --target" in dry.stderr
    assert ci.arrivals == sg.arrivals == partner.arrivals == []
