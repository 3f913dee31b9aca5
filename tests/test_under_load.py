"""Under load, decisions come first and nothing accepted is lost (issue 16, parts 1 and 4).

Driven the way Slack drives the bot; the stand-ins hold a Slack reply or a CI answer in
flight on cue, so each test asserts on what happened while something slower was pending,
never on how long it took.
"""

from __future__ import annotations

import json
import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, ONCALL2, Bot, bot_env
from tests.test_metrics import TOKEN, scrape


def approved_update(slack):
    """The chat.update that takes the buttons away ("Approved by …"), or None yet."""
    for call in slack.calls_to("chat.update", channel=APPROVALS):
        blocks = json.dumps(call.args.get("blocks"))
        if "Approved by" in blocks and "approve_request" not in blocks:
            return call
    return None


def events(bot):
    return [e.event for e in bot.runtime.store.audit.entries()]


def test_buttons_go_while_the_requesters_earlier_message_is_still_on_its_way(make_bot, ci, slack):
    """The update after Approve never waits behind the requester's "asked on-call" reply."""
    bot = make_bot()
    ci.add_job(job(1))
    reply_held = slack.hold_responses("mod")
    cancel_held = threading.Event()
    try:
        bot.command(MOD, f"{job(1)} please stop", response_name="mod")
        request_id = bot.request_id_from_approval()
        slack.wait_for(lambda: [r for r in slack.responses if r.method.endswith("/mod") and "Asked on-call" in r.args.get("text", "")])
        ci.script(job(1), Fault.until(cancel_held))
        bot.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: approved_update(slack), timeout=5, what="buttons gone while the reply and the cancel are in flight")
        assert not reply_held.is_set() and not cancel_held.is_set()
    finally:
        reply_held.set()
        cancel_held.set()
    slack.wait_calls("chat.postMessage", channel=MOD)  # the requester hears the outcome
    slack.wait_calls("chat.postMessage", 4, channel=AUDIT)
    assert ci.jobs[job(1)].state == "Cancelled"


def test_update_goes_when_the_post_ahead_finishes_not_at_the_next_poll(ci, slack, database_url):
    """Approved from the Home tab while the approval post is still on its way: the update goes
    as soon as the post is done (a finishing task wakes the loop), not after the CI call."""
    bot = Bot(bot_env(ci, slack, database_url), slack, work_poll=60)  # a poll would come far too late
    try:
        ci.add_job(job(1))
        slack.slow("chat.postMessage", 0.5, channel=APPROVALS)
        cancel_held = threading.Event()
        ci.script(job(1), Fault.delay(0), Fault.until(cancel_held))  # the look-up answers; the cancel is held
        try:
            bot.command(MOD, f"{job(1)} please stop")
            request_id = bot.request_id_from_approval()  # recorded; its answer is still 0.5 s away
            bot.home_click(ONCALL, "approve_request", request_id)
            slack.wait_for(lambda: approved_update(slack), timeout=5, what="buttons gone while the cancel is in flight")
            assert not cancel_held.is_set()
        finally:
            cancel_held.set()
        slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", what="the cancel")
    finally:
        bot.stop()


def test_an_approved_cancel_goes_before_queued_lookups(make_bot, ci, slack):
    """At CI_RATE_LIMIT=10, with look-ups queued for several seconds, the approved cancel takes
    the next slot: less than one window of look-ups reaches Tencent between click and cancel."""
    bot = make_bot(CI_RATE_LIMIT="10")
    ci.add_job(job(1))
    bot.command(MOD, f"{job(1)} please stop")
    request_id = bot.request_id_from_approval()
    lookups = [job(100 + n) for n in range(60)]
    for n in lookups:
        ci.add_job(n)
    for batch in range(3):  # 60 look-ups: six seconds of the limit
        status, _, _ = bot.command(ONCALL2, "status " + " ".join(lookups[batch * 20 : batch * 20 + 20]), response_name=f"s{batch}")
        assert status == 200
    slack.wait_for(lambda: len(ci.requests_for("/video/auditing/")) >= 12, what="look-ups under way")
    before = len(ci.requests_for("/video/auditing/"))
    bot.click(ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: ci.requests_for("cancel_auditing"), timeout=15, what="the cancel")
    with ci.lock:
        order = [a.path for a in ci.arrivals]
    cancel_at = next(i for i, path in enumerate(order) if "cancel_auditing" in path)
    between = sum(1 for path in order[:cancel_at] if "/video/auditing/" in path) - before
    assert between < 10, f"{between} look-ups reached Tencent between the click and the cancel"
    slack.wait_for(lambda: len([r for r in slack.responses if r.method[-3:] in ("/s0", "/s1", "/s2")]) == 3, timeout=30, what="every status")
    with ci.lock:
        after = sum(1 for a in ci.arrivals[cancel_at:] if "/video/auditing/" in a.path)
    assert after >= 10, "the look-up load was over before the click: the test proved nothing"
    assert ci.max_in_window(1.0) <= 10


def test_a_request_over_the_pending_limit_is_refused_before_any_lookup(make_bot, ci, slack):
    bot = make_bot(MAX_PENDING_PER_USER="1")
    ci.add_job(job(1))
    ci.add_job(job(2))
    bot.command(MOD, f"{job(1)} first")
    bot.request_id_from_approval()
    bot.command(MOD, f"{job(2)} second", response_name="second")
    slack.wait_response(lambda c: c.method.endswith("/second") and "MAX_PENDING_PER_USER" in c.args.get("text", ""))
    assert ci.requests_for(job(2)) == []
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert events(bot) == ["requested", "refused"]


def test_a_full_queue_answers_busy_and_loses_nothing_it_accepted(make_bot, ci, slack):
    """WORK_QUEUE_LIMIT=2: one look-up runs (held), two wait, the fourth is told the bot is
    busy and nothing is done for it; the three accepted are all answered once the CI answers."""
    bot = make_bot(WORKER_THREADS="1", WORK_QUEUE_LIMIT="2", CI_READ_TIMEOUT="20", METRICS_TOKEN=TOKEN)
    shed_before = scrape(bot.url).value("cancel_moderation_shed_total", kind="lookup")
    held = threading.Event()
    for n in range(1, 5):
        ci.add_job(job(n))
    ci.script(job(1), Fault.until(held))
    try:
        bot.command(ONCALL, f"status {job(1)}", response_name="a1")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the first look-up in flight")
        answers = [bot.command(ONCALL, f"status {job(n)}", response_name=f"a{n}") for n in (2, 3, 4)]
        assert [status for status, _, _ in answers] == [200, 200, 200]
        busy = answers[2][1]
        assert busy["response_type"] == "ephemeral" and "busy" in busy["text"] and "nothing was done" in busy["text"]
        assert "busy" not in json.dumps(answers[0][1]) and "busy" not in json.dumps(answers[1][1])
    finally:
        held.set()
    for n in (1, 2, 3):
        slack.wait_response(lambda c, n=n: c.method.endswith(f"/a{n}") and job(n) in json.dumps(c.args))
    assert ci.requests_for(job(4)) == []
    assert not [r for r in slack.responses if r.method.endswith("/a4")]
    assert scrape(bot.url).value("cancel_moderation_shed_total", kind="lookup") == shed_before + 1


def test_a_full_queue_of_lookups_never_turns_a_decision_away(make_bot, ci, slack):
    """The queue is full of look-ups: an Approve click still goes (a queued look-up makes room
    and stays stored for later), and every look-up is still answered."""
    bot = make_bot(WORKER_THREADS="1", WORK_QUEUE_LIMIT="2", CI_READ_TIMEOUT="20")
    for n in range(1, 5):
        ci.add_job(job(n))
    bot.command(MOD, f"{job(4)} please stop")
    request_id = bot.request_id_from_approval()
    held = threading.Event()
    ci.script(job(1), Fault.until(held))
    try:
        bot.command(ONCALL2, f"status {job(1)}", response_name="b1")
        slack.wait_for(lambda: ci.requests_for(job(1)), what="the first look-up in flight")
        for n in (2, 3):
            bot.command(ONCALL2, f"status {job(n)}", response_name=f"b{n}")
        bot.click(ONCALL, "approve_request", request_id, response_name="decider")
        slack.wait_for(lambda: ci.jobs[job(4)].state == "Cancelled", what="the approved cancel")
        assert not [r for r in slack.responses if r.method.endswith("/decider")]  # no "busy" for the click
    finally:
        held.set()
    for n in (1, 2, 3):
        slack.wait_response(lambda c, n=n: c.method.endswith(f"/b{n}") and job(n) in json.dumps(c.args), timeout=15)
