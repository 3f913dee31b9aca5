"""Regression tests for guarantees a review once broke: each failed before its fix."""

from __future__ import annotations

import signal
import subprocess
import time

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, CHANNEL, MOD, ONCALL
from tests.test_process import process  # noqa: F401  (the fixture)


def approval_posts_for(slack, request_id: str) -> list[dict]:
    return [m for m in slack.history.get(APPROVALS, []) if (m.get("metadata") or {}).get("event_payload", {}).get("request_id") == request_id]


def test_kill_9_after_slack_accepted_the_approval_post_does_not_post_it_twice(process, ci, slack):  # noqa: F811
    """docs/design-notes.md: 'Approval posts and audit posts are looked up before a repeat and are not doubled.'

    The courier looks in the channel only when task.attempts > 0. A kill -9 between Slack
    accepting the approval post and set_message() leaves the task with attempts == 0 (reaping
    only clears its owner), so the restarted process posts the request a second time: two
    messages with live Approve/Deny buttons for one request."""
    ci.add_job(job(1))
    slack.slow("chat.postMessage", 4.0, channel=APPROVALS)  # Slack applies the post, answers late
    first = process()
    first.client.command(MOD, f"{job(1)} please cancel")
    slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)  # accepted by Slack
    first.signal(signal.SIGKILL)
    first.wait(10)
    [message] = slack.history[APPROVALS]
    request_id = message["metadata"]["event_payload"]["request_id"]
    process()  # restarted on the same host: resumes at once
    time.sleep(8)  # the resumed delivery runs and is answered (4 s late)
    posts = approval_posts_for(slack, request_id)
    assert len(posts) == 1, f"the approval request was posted {len(posts)} times"


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_a_gunicorn_worker_killed_and_respawned_resumes_its_work_at_once(process, ci, slack):  # noqa: F811
    """Guarantee 1: 'After a restart the same process resumes its unfinished work at once.'

    BOOT is computed when bot.work.queue is imported: in the gunicorn master (runtime.py imports
    it), before the fork. A worker killed by the OOM killer (kill -9 of the worker alone) is
    respawned by the master with the same BOOT, so reap_workers() never sees it as a restart
    (r.boot != boot is False) and the work waits for the 30 s heartbeat timeout instead."""
    ids = [job(n) for n in range(4)]
    for j in ids:
        ci.add_job(j)
        ci.script(j, Fault.delay(1.5))
    bot = process(CI_RATE_LIMIT="1", HEARTBEAT_SECONDS="", PRESUMED_DEAD_SECONDS="")  # production: presumed dead after 60 s
    [worker] = children(bot.proc.pid)
    bot.client.command(ONCALL, " ".join(ids) + " worker dies")
    slack.wait_for(lambda: len(ci.requests_for("cancel_auditing")) >= 1, what="the bulk under way")
    import os

    os.kill(worker, signal.SIGKILL)  # the worker alone (OOM killer); the master stays
    slack.wait_for(lambda: children(bot.proc.pid) and children(bot.proc.pid) != [worker], timeout=20, what="the master to respawn a worker")
    respawned = time.monotonic()
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=60)
    took = time.monotonic() - respawned
    assert result.args["text"] == f"Cancelled {len(ids)} job(s)"
    assert took < 20, f"the respawned worker resumed the bulk only after {took:.0f} s (heartbeat timeout)"
    # Its work was freed by the master, which saw the worker exit; not by a PID check or a timeout.
    assert "work.reaped" in bot.log_path.read_text()


def test_after_sigterm_and_restart_the_audit_channel_keeps_going(process, ci, slack):  # noqa: F811
    """The real process: `python -m bot http`, SIGTERM (clean exit 0), start again. The new
    process never posts another audit entry: the audit-poster lease is held by the retired
    worker of the first process (its outbox's last pass re-took it after retire_worker)."""
    from tests.harness import AUDIT, OUTSIDER

    first = process()
    first.client.command(OUTSIDER, f"{job(1)} before the restart")
    slack.wait_calls("chat.postMessage", channel=AUDIT, timeout=20)
    first.signal(signal.SIGTERM)
    assert first.wait(40) == 0
    second = process()
    second.client.command(OUTSIDER, f"{job(2)} after the restart")
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT, timeout=30)
