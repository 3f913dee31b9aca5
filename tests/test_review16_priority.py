"""Review of issue 16, part 1 (a lower class never delays a higher one, in the worker pools):
the look-up lane has max(2, WORKER_THREADS // 4) threads, and its caps keep threads back for
decisions, which never run in that lane. With WORKER_THREADS below 12 the lane has 2 threads
and an approval request (class POST) may start only while no look-up (BACKGROUND) runs: one
slow `status` look-up holds every new approval request back until it ends."""

from __future__ import annotations

import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, MOD, ONCALL2


def test_review16_one_slow_status_lookup_holds_back_an_approval_request(make_bot, ci, slack):
    bot = make_bot(WORKER_THREADS="8", CI_READ_TIMEOUT="20", APPROVAL_REMINDER_SECONDS="0")
    ci.add_job(job(1))
    ci.add_job(job(2), data_id="biz")
    held = threading.Event()
    ci.script(job(1), Fault.until(held))  # Tencent is slow to answer this one look-up
    try:
        bot.command(ONCALL2, f"status {job(1)}", response_name="s")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the status look-up in flight")
        bot.command(MOD, f"{job(2)} please stop")
        slack.wait_for(lambda: slack.calls_to("chat.postMessage", channel=APPROVALS), timeout=8, what="the approval request posted while a status look-up is slow")
        assert not held.is_set()
    finally:
        held.set()
