"""Roles from user groups read through the real directory and the Slack stand-in: unreadable groups are named."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.domain.policy import Policy, PolicyRules, Role, RoleCheck
from bot.slack.directory import SlackGroupDirectory

RULES = PolicyRules(approver_users=frozenset({"UBOSS"}), approver_usergroups=frozenset({"SAPP"}), requester_usergroups=frozenset({"SREQ"}))


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def policy(slack, clock):
    slack.groups.update({"SAPP": ["UAPP"], "SREQ": ["UREQ", "UAPP"]})
    client = WebClient(token=slack.token, base_url=slack.api_url, timeout=5, retry_handlers=[])
    return Policy(RULES, SlackGroupDirectory(client, ttl=60.0, stale_limit=600.0, clock=clock))


def unavailable(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if r.getMessage() == "policy.group_unavailable"]


@pytest.mark.parametrize(
    ("user", "role"),
    [("UBOSS", Role.APPROVER), ("UAPP", Role.APPROVER), ("UREQ", Role.REQUESTER), ("UOTHER", Role.NONE)],
)
def test_roles_when_every_group_can_be_read(policy, user, role):
    assert policy.check(user) == RoleCheck(role, ())
    assert policy.role(user) is role
    assert policy.is_approver(user) is (role is Role.APPROVER)


def test_an_unreadable_approver_group_grants_nothing_and_is_named(slack, policy, caplog):
    slack.fail("usergroups.users.list", 1)  # the first read is SAPP's
    with caplog.at_level("WARNING"):
        assert policy.check("UAPP") == RoleCheck(Role.REQUESTER, ("SAPP",))
    assert unavailable(caplog) == [{"group": "SAPP", "stale": False, "error": "membership of SAPP is unavailable (it was never read)"}]


def test_a_membership_too_old_to_trust_fails_closed(slack, clock, policy, caplog):
    assert policy.check("UREQ").role is Role.REQUESTER  # both groups read at t0
    slack.fail("usergroups.users.list", 10)
    clock.now += 300
    assert policy.check("UAPP") == RoleCheck(Role.APPROVER, ())  # Slack blip: the copy is recent enough
    clock.now += 360  # t0 + 660 s
    with caplog.at_level("WARNING"):
        assert policy.check("UAPP") == RoleCheck(Role.NONE, ("SAPP", "SREQ"))
        assert not policy.is_approver("UAPP")
    assert {(f["group"], f["stale"]) for f in unavailable(caplog)} == {("SAPP", True), ("SREQ", True)}


def test_a_listed_approver_needs_no_group(slack, policy):
    slack.fail("usergroups.users.list", 10)
    assert policy.check("UBOSS") == RoleCheck(Role.APPROVER, ())


def test_on_call_among_many_users_reads_each_group_once(slack, policy, caplog):
    users = ["UBOSS", "UAPP", "UREQ", *[f"UOTHER{n}" for n in range(20)]]
    assert policy.approvers_among(users) == {"UBOSS", "UAPP"}
    assert len(slack.calls_to("usergroups.users.list")) == 1  # SAPP, once for all users


def test_on_call_among_users_when_the_group_cannot_be_read_is_only_the_listed_ones(slack, policy, caplog):
    slack.fail("usergroups.users.list", 10)
    with caplog.at_level("WARNING"):
        assert policy.approvers_among(["UBOSS", "UAPP", *[f"UOTHER{n}" for n in range(20)]]) == {"UBOSS"}
    assert len(slack.calls_to("usergroups.users.list")) == 1
    assert unavailable(caplog) == [{"group": "SAPP", "stale": False, "error": "membership of SAPP is unavailable (it was never read)"}]
