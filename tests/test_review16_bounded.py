"""Review of issue 16, part 4 (bounded work): WORK_QUEUE_LIMIT bounds the tasks waiting in a
process. The check (`queued >= limit`) is made before the task is stored and queued, with no
reservation: a burst of concurrent commands all pass it while the first are being stored (they
share one group commit), so far more than the limit are accepted and queued."""

from __future__ import annotations

import json
import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import ONCALL


def test_review16_a_concurrent_burst_is_queued_far_past_work_queue_limit(make_bot, ci, slack):
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


def test_review16_a_home_opened_event_acknowledged_while_full_is_dropped(make_bot, ci, slack):
    """The queue is full (WORK_QUEUE_LIMIT=2, look-ups waiting): app_home_opened is shed, yet
    Slack gets a 200, so it never retries: the user's Home is never published and they are not
    remembered for refreshes. Acknowledged, then dropped."""
    bot = make_bot(WORKER_THREADS="1", WORK_QUEUE_LIMIT="2", CI_READ_TIMEOUT="20", APPROVAL_REMINDER_SECONDS="0")
    held = threading.Event()
    for n in range(1, 4):
        ci.add_job(job(n))
    ci.script(job(1), Fault.until(held))
    try:
        bot.command(ONCALL, f"status {job(1)}", response_name="a1")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the first look-up in flight")
        for n in (2, 3):
            bot.command(ONCALL, f"status {job(n)}", response_name=f"a{n}")
        status, _, _ = bot.home_opened(ONCALL, event_id="Ev0REVIEW16")
    finally:
        held.set()
    slack.wait_for(lambda: bot.runtime.store.open_task_count() == 0, timeout=30, what="every task done")
    published = [c for c in slack.calls_to("views.publish") if c.args.get("user_id") == ONCALL]
    assert status != 200 or published, "Slack was told the event was taken (200, no retry), and the Home was never published"
