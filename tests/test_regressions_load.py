"""Under load: WORK_QUEUE_LIMIT bounds what waits in a process exactly, and a lane's caps never
let a lower class keep a higher one out."""

from __future__ import annotations

import json
import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, MOD, ONCALL, ONCALL2


def test_a_concurrent_burst_never_queues_past_work_queue_limit(make_bot, ci, slack):
    """Admission is atomic with queueing: commands that pass the check together while their
    tasks share one group commit still count against the limit, so at most WORK_QUEUE_LIMIT
    are accepted and queued; the rest hear that the bot is busy."""
    bot = make_bot(WORKER_THREADS="1", WORK_QUEUE_LIMIT="2", CI_READ_TIMEOUT="20", APPROVAL_REMINDER_SECONDS="0")
    held = threading.Event()
    for n in range(1, 42):
        ci.add_job(job(n))
    ci.script(job(1), Fault.until(held))
    answers: dict[int, object] = {}
    peak = [0]
    try:
        bot.command(ONCALL, f"status {job(1)}", response_name="a1")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the first look-up in flight (the lane's one background thread)")
        start = threading.Barrier(40)

        def send(n):
            start.wait()
            answers[n] = bot.command(ONCALL, f"status {job(n)}", response_name=f"a{n}")[1]
            peak[0] = max(peak[0], bot.runtime.work.queued)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(2, 42)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        peak[0] = max(peak[0], bot.runtime.work.queued)
    finally:
        held.set()
    accepted = [n for n, a in answers.items() if "busy" not in json.dumps(a)]
    assert len(answers) == 40
    assert peak[0] <= 2 and len(accepted) <= 2, (
        f"WORK_QUEUE_LIMIT=2, one look-up running: {len(accepted)} of 40 concurrent commands accepted, {peak[0]} queued at once"
    )
    assert accepted, "a free place in the queue still takes a command"


def test_a_slow_status_lookup_never_holds_back_an_approval_request(make_bot, ci, slack):
    """The look-up lane runs approval requests (POST) and look-ups (BACKGROUND) only: its caps
    keep a thread back for approval requests, none for decisions (they run in another lane), so
    with WORKER_THREADS below 12 (two look-up threads) one slow `status` look-up leaves an
    approval request a thread of its own."""
    bot = make_bot(WORKER_THREADS="8", CI_READ_TIMEOUT="20", APPROVAL_REMINDER_SECONDS="0")
    ci.add_job(job(1))
    ci.add_job(job(2), data_id="biz")
    held = threading.Event()
    ci.script(job(1), Fault.until(held))  # Tencent is slow to answer this one look-up
    try:
        bot.command(ONCALL2, f"status {job(1)}", response_name="s")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the status look-up in flight")
        bot.command(MOD, f"{job(2)} please stop")
        slack.wait_for(
            lambda: slack.calls_to("chat.postMessage", channel=APPROVALS),
            timeout=8,
            what="the approval request posted while a status look-up is slow",
        )
        assert not held.is_set()
    finally:
        held.set()
