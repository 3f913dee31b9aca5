"""Regression tests for guarantees a review once broke: each failed before its fix."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.test_cli import cli_env, wait_until


def test_a_second_ctrl_c_still_records_every_sent_job(ci, tmp_path):
    """Guarantee 9: 'survives Ctrl-C with every sent job in the audit log'.

    The first Ctrl-C prints "finishing the jobs in flight"; an operator who presses it again
    (the usual reflex when a job in flight takes seconds) gets a KeyboardInterrupt out of
    done.wait(): the process exits without recording the job in flight (it reached Tencent and
    was cancelled there) and without the final audit entry. run()'s finally then retires the
    worker, which frees the execution task: any bot on this database later takes it and sends
    the jobs the operator stopped."""
    ids = [job(70 + n) for n in range(4)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.delay(2.0))
    env = {**cli_env(ci.url, tmp_path), "CI_RATE_LIMIT": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "cancel", *ids, "--reason", "oops"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().startswith("CANCELLED ")  # job 1 done, job 2 now in flight
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)  # impatient
    proc.communicate(timeout=30)
    # the job in flight lands at Tencent (answered, to nobody, once its 2 s delay ends)
    wait_until(lambda: all(a.status for a in ci.requests_for("cancel_auditing")), "every sent cancel answered", timeout=10)
    sent = {a.path.rsplit("/", 1)[1] for a in ci.requests_for("cancel_auditing")}
    with sqlite3.connect(tmp_path / "cli.db") as db:
        details = [json.loads(d) for (e, d) in db.execute("SELECT event, detail FROM audit_log ORDER BY id") if e in ("cancelled", "failed")]
        free = db.execute("SELECT count(*) FROM tasks WHERE done_at IS NULL AND owner IS NULL").fetchone()[0]
    audited = {r["job_id"] for d in details for r in d.get("results", [])}
    cancelled_at_tencent = {j for j in ids if ci.jobs[j].state == "Cancelled"}
    assert cancelled_at_tencent <= audited, (
        f"cancelled at Tencent but not in the audit log: {sorted(cancelled_at_tencent - audited)}; "
        f"sent {len(sent)}; open execution left free for any bot to resume: {free}"
    )
