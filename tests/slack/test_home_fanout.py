"""Home refreshes scale with the people a change concerns: on-call and the requester, never
everyone who ever opened the tab; a burst of changes costs each of them one publish."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from bot.domain.states import Announcement
from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import APPROVALS, MOD, ONCALL
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.events.test_app_home import latest_home

VIEWERS = [f"U0VIEWER{n:03d}" for n in range(120)]  # opened the tab once; no request concerns them


def publishes(slack) -> Counter:
    return Counter(c.args["user_id"] for c in slack.calls_to("views.publish"))


@pytest.fixture
def bot(make_bot):
    return make_bot(APPROVAL_REMINDER_SECONDS="0")  # no task waits for later: "settled" means no open task


def settled(bot, slack) -> bool:
    bot.runtime.work.wake()
    return bot.runtime.store.work.open_task_count() == 0


def test_a_change_refreshes_only_on_call_and_the_requester(bot, ci, slack):
    for user in [*VIEWERS, ONCALL, MOD]:
        bot.home_opened(user)
    slack.wait_for(lambda: len(publishes(slack)) == len(VIEWERS) + 2, timeout=60, what="every opened Home published")
    opened = publishes(slack)

    request_id = request_by_mod(bot, ci, slack, job(1))
    latest_home(slack, ONCALL, request_id[:8])
    latest_home(slack, MOD, "withdraw_request")
    slack.wait_for(lambda: settled(bot, slack), timeout=60, what="every task finished")

    refreshed = publishes(slack) - opened
    assert set(refreshed) == {ONCALL, MOD}, f"{sum(refreshed.values())} publishes for one new request: {len(refreshed)} users"


def only_home_refreshes_open(bot) -> bool:
    """Every task but Home refreshes has finished: each change of the burst has queued its refresh."""
    with bot.runtime.store.db.reading() as conn:
        open_ = conn.execute(sa.select(tasks_table.c.kind).where(tasks_table.c.done_at.is_(None))).scalars().all()
    return all(kind == Announcement.HOME for kind in open_)


def test_a_burst_of_changes_publishes_each_concerned_home_once(bot, ci, slack):
    bot.home_opened(ONCALL)
    latest_home(slack, ONCALL, "Nothing is waiting")
    release = slack.stall("views.publish")  # the first refresh is still being published while the burst arrives
    for n in range(5):
        ci.add_job(job(n), data_id="biz")
        bot.command(MOD, f"{job(n)} please stop {n}")
    slack.wait_calls("chat.postMessage", 5, timeout=60, channel=APPROVALS)
    slack.wait_for(lambda: only_home_refreshes_open(bot), timeout=60, what="every change of the burst stored")
    release.set()
    slack.wait_for(lambda: settled(bot, slack), timeout=60, what="every task finished")
    assert "Pending requests (5)" in latest_home(slack, ONCALL, "Pending requests (5)")
    assert publishes(slack)[ONCALL] <= 1 + 2, publishes(slack)  # opened, then the first refresh and one for the rest


def test_on_call_by_user_group_is_refreshed_and_other_requesters_are_not(make_bot, ci, slack):
    slack.groups["S0ONCALL"] = [ONCALL]
    bot = make_bot(APPROVER_USERS="", APPROVER_USERGROUPS="S0ONCALL", REQUESTER_USERS="", APPROVAL_REMINDER_SECONDS="0")
    other_requester = "U0MOD2"
    for user in (ONCALL, MOD, other_requester):
        bot.home_opened(user)
    slack.wait_for(lambda: len(publishes(slack)) == 3, what="every opened Home published")
    opened = publishes(slack)
    request_id = request_by_mod(bot, ci, slack, job(1))
    latest_home(slack, ONCALL, request_id[:8])
    latest_home(slack, MOD, "withdraw_request")
    slack.wait_for(lambda: settled(bot, slack), timeout=60, what="every task finished")
    assert set(publishes(slack) - opened) == {ONCALL, MOD}


def test_whose_home_changes_is_read_once_per_group_and_after_the_approval_post(make_bot, ci, slack):
    """Working out whose Home a change concerns reads each on-call group once, not once per
    Home viewer (with Slack unable to answer, nothing is cached: that was one failing call per
    viewer), and only after the approval request is posted, so it never delays the post."""
    slack.groups["S0ONCALL"] = ["U0ONCALL1"]
    slack.group_error = "ratelimited"  # Slack cannot tell who is in the on-call group just now
    bot = make_bot(APPROVER_USERS="", APPROVER_USERGROUPS="S0ONCALL", APPROVAL_REMINDER_SECONDS="0")
    for user in VIEWERS:  # they opened the Home tab once; the change concerns none of them
        bot.runtime.store.homes.opened(user)
    ci.add_job(job(1), data_id="biz")
    before = len(slack.calls)
    status, _, _ = bot.command(MOD, f"{job(1)} please stop")
    assert status == 200
    slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=30)
    slack.wait_for(lambda: settled(bot, slack), timeout=60, what="every task finished")
    order = [c.method for c in slack.calls[before:] if c.method == "usergroups.users.list" or c.args.get("channel") == APPROVALS]
    posted = order.index("chat.postMessage")
    assert order[:posted].count("usergroups.users.list") <= 1, f"group reads before the approval post: {order}"  # the requester's role
    assert order[posted + 1 :].count("usergroups.users.list") == 1, f"group reads for the Home audience: {order}"
