"""The Home tab: approvers see every pending request with Approve and Deny (the very same
decision as in the channel), requesters their own with Withdraw, everyone the last decisions;
refreshed for everyone who opened it whenever a request changes."""

from __future__ import annotations

import json
import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, ONCALL2, OUTSIDER
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid


def homes(slack, user: str) -> list:
    return slack.calls_to("views.publish", user_id=user)


def latest_home(slack, user: str, containing: str = "", count: int = 1) -> str:
    """The newest Home published for `user` once it contains `containing`."""

    def found():
        published = homes(slack, user)
        if len(published) >= count and containing in json.dumps(published[-1].args["view"], ensure_ascii=False):
            return json.dumps(published[-1].args["view"], ensure_ascii=False)
        return None

    return slack.wait_for(found, what=f"the Home of {user} showing {containing!r}")


def test_each_role_sees_its_own_home(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    for user in (ONCALL, MOD, OUTSIDER):
        status, _, _ = bot.home_opened(user)
        assert status == 200
    oncall = latest_home(slack, ONCALL, request_id[:8])
    assert "Pending requests (1)" in oncall and "approve_request" in oncall and "deny_request" in oncall
    assert "please stop" in oncall and job(1) in oncall and "Expires" in oncall and "<@U0MOD1>" in oncall
    mod = latest_home(slack, MOD, request_id[:8])
    assert "Your open requests (1)" in mod and "withdraw_request" in mod and "approve_request" not in mod
    outsider = latest_home(slack, OUTSIDER, "No decisions yet")
    assert request_id[:8] not in outsider and "approve_request" not in outsider
    assert_all_sent_blocks_valid(slack)


def test_a_retried_event_publishes_once(bot, slack):
    bot.home_opened(ONCALL, event_id="Ev1")
    bot.home_opened(ONCALL, event_id="Ev1")  # Slack's retry of the same event
    latest_home(slack, ONCALL, "Nothing is waiting")
    bot.runtime.work.wake()
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, what="no open tasks")
    assert len(homes(slack, ONCALL)) == 1


def test_homes_are_refreshed_when_a_request_is_created_and_decided(bot, ci, slack):
    bot.home_opened(ONCALL)
    bot.home_opened(MOD)
    latest_home(slack, ONCALL, "Nothing is waiting")
    request_id = request_by_mod(bot, ci, slack, job(1))
    latest_home(slack, ONCALL, "approve_request")
    latest_home(slack, MOD, "withdraw_request")
    bot.click(ONCALL2, "approve_request", request_id)
    after = latest_home(slack, ONCALL, "cancelled 1 of 1")
    assert "approve_request" not in after and "Last 1 decisions" in after and "Nothing is waiting" in after
    latest_home(slack, MOD, "You have no open requests")


def test_approve_from_home_racing_a_channel_click_decides_once(make_bot, ci, slack):
    first, second = make_bot(), make_bot()
    request_id = request_by_mod(first, ci, slack, job(1))
    barrier = threading.Barrier(2)

    def from_home():
        barrier.wait()
        first.home_click(ONCALL, "approve_request", request_id)

    def from_channel():
        barrier.wait()
        second.click(ONCALL2, "approve_request", request_id, response_name="channel")

    threads = [threading.Thread(target=from_home), threading.Thread(target=from_channel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    slack.wait_calls("chat.update", 2, channel=APPROVALS, timeout=20)
    assert len(ci.requests_for("cancel_auditing")) == 1
    slack.wait_calls("chat.postMessage", 4, channel=AUDIT)
    assert events(first) == ["requested", "approved", "started", "cancelled"]
    winner = first.runtime.store.requests.get(request_id).decided_by
    loser = ONCALL2 if winner == ONCALL else ONCALL
    # The loser hears it: by response_url in the channel, by DM from the Home tab (no channel there).
    if loser == ONCALL2:
        slack.wait_response(lambda c: c.method.endswith("channel") and "Already approved" in c.args["text"])
    else:
        slack.wait_for(
            lambda: [c for c in slack.calls_to("chat.postMessage", channel=ONCALL) if "Already approved" in c.args["text"]],
            what="a DM to the Home clicker",
        )
    assert slack.calls_to("chat.postEphemeral") == []


def test_a_refused_home_click_is_answered_by_dm(make_bot, ci, slack):
    bot = make_bot(FOUR_EYES="true")
    ci.add_job(job(1))
    bot.command(ONCALL, f"{job(1)} mine")
    request_id = bot.request_id_from_approval()
    bot.home_click(ONCALL, "approve_request", request_id)
    slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.postMessage", channel=ONCALL) if "your own request" in c.args["text"]], what="the refusal by DM"
    )
    slack.wait_for(lambda: "refused" in events(bot), what="the refusal audited")


def test_deny_from_home_opens_the_form_and_denies(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.home_click(ONCALL, "deny_request", request_id)
    [opened] = slack.wait_calls("views.open")
    metadata = opened.args["view"]["private_metadata"]
    bot.submit_view(ONCALL, "deny_form", {"note": "not spam"}, metadata)
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    assert "Denied by <@U0ONCALL1>: not spam" in json.dumps(update.args["blocks"])
    assert bot.runtime.store.requests.get(request_id).state == "denied"


def test_withdraw_from_home(bot, ci, slack):
    request_id = request_by_mod(bot, ci, slack, job(1))
    bot.home_click(MOD, "withdraw_request", request_id)
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    assert "Withdrawn by <@U0MOD1>" in json.dumps(update.args["blocks"], ensure_ascii=False)
    slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.postMessage", channel=MOD) if "You withdrew request" in c.args["text"]],
        what="the DM to the requester",
    )


def test_everyone_sees_the_last_ten_decisions(bot, ci, slack):
    for n in range(11):
        ci.add_job(job(n))
        bot.command(ONCALL, f"{job(n)} incident {n}")
    slack.wait_calls("chat.postMessage", 11, channel="C0WORK", timeout=30)
    bot.home_opened(OUTSIDER)
    home = latest_home(slack, OUTSIDER, "Last 10 decisions")
    decided = bot.runtime.store.requests.recent_decisions(11)
    assert all(r.id[:8] in home for r in decided[:10]) and decided[10].id[:8] not in home
    assert "approve_request" not in home


def test_an_event_not_taken_by_a_full_queue_is_answered_so_slack_retries_it(make_bot, ci, slack):
    """Bounded work: with WORK_QUEUE_LIMIT tasks waiting, app_home_opened is not taken and is
    answered with a non-2xx status (Slack then sends it again), never acknowledged and dropped;
    Slack's retry, once there is room, publishes the Home."""
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
        status, _, _ = bot.home_opened(ONCALL, event_id="Ev0FULL")
    finally:
        held.set()
    slack.wait_for(lambda: bot.runtime.store.work.open_task_count() == 0, timeout=30, what="every task done")
    assert status != 200 and not homes(slack, ONCALL), "an event not taken was acknowledged as taken"
    retried, _, _ = bot.home_opened(ONCALL, event_id="Ev0FULL")  # Slack's retry, now that there is room
    assert retried == 200
    slack.wait_for(lambda: homes(slack, ONCALL), what="the Home published on Slack's retry")
