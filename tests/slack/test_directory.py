"""Group membership from the Slack stand-in: fresh for ttl, a bounded grace when Slack fails, then closed."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.domain.policy import MembershipUnavailable
from bot.slack.directory import SlackGroupDirectory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def directory(slack, clock):
    client = WebClient(token=slack.token, base_url=slack.api_url, timeout=5, retry_handlers=[])
    return SlackGroupDirectory(client, ttl=60.0, stale_limit=600.0, clock=clock)


def reads(slack) -> int:
    return len(slack.calls_to("usergroups.users.list"))


def test_a_fresh_answer_is_served_from_the_cache(slack, clock, directory):
    slack.groups["S1"] = ["U1"]
    assert directory.members("S1") == {"U1"}
    slack.groups["S1"] = ["U2"]
    clock.now += 59
    assert directory.members("S1") == {"U1"}
    assert reads(slack) == 1


def test_after_the_ttl_slack_is_asked_again(slack, clock, directory):
    slack.groups["S1"] = ["U1"]
    directory.members("S1")
    slack.groups["S1"] = ["U2"]
    clock.now += 60
    assert directory.members("S1") == {"U2"}
    assert reads(slack) == 2


def test_when_slack_fails_the_last_answer_serves_until_ten_minutes_past_its_expiry(slack, clock, directory):
    slack.groups["S1"] = ["U1"]
    directory.members("S1")  # read at t0
    slack.fail("usergroups.users.list", 3)
    clock.now += 61
    assert directory.members("S1") == {"U1"}
    clock.now += 598  # t0 + 659 s: still inside ttl + 600
    assert directory.members("S1") == {"U1"}
    clock.now += 1  # t0 + 660 s: too old to trust
    with pytest.raises(MembershipUnavailable) as err:
        directory.members("S1")
    assert (err.value.group_id, err.value.stale) == ("S1", True)
    assert reads(slack) == 4  # every stale use retried Slack first


def test_a_group_never_read_is_unavailable_when_slack_fails(slack, directory):
    slack.fail("usergroups.users.list", 1, error="fatal_error")
    with pytest.raises(MembershipUnavailable) as err:
        directory.members("S2")
    assert (err.value.group_id, err.value.stale) == ("S2", False)


def test_a_recovered_slack_restarts_the_clock(slack, clock, directory):
    slack.groups["S1"] = ["U1"]
    directory.members("S1")
    slack.fail("usergroups.users.list", 1)
    clock.now += 700
    with pytest.raises(MembershipUnavailable):
        directory.members("S1")
    slack.groups["S1"] = ["U3"]
    assert directory.members("S1") == {"U3"}  # Slack answers again
    slack.fail("usergroups.users.list", 1)
    clock.now += 300
    assert directory.members("S1") == {"U3"}  # the new answer is the one kept for the grace period
