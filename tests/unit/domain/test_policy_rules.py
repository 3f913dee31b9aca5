"""The policy with an in-test user-group directory: roles, failing closed, channels."""

from __future__ import annotations

from bot.domain.policy import Policy, PolicyRules, Role, RoleCheck
from tests.unit.domain.conftest import Directory

RULES = PolicyRules(
    approver_users=frozenset({"UBOSS"}),
    approver_usergroups=frozenset({"SAPP"}),
    requester_usergroups=frozenset({"SREQ"}),
    allowed_channels=frozenset({"CALLOWED"}),
)


def policy(down: set[str] | None = None) -> Policy:
    return Policy(RULES, Directory({"SAPP": {"UAPP"}, "SREQ": {"UREQ", "UAPP"}}, down))


def test_roles_from_users_and_groups():
    p = policy()
    assert [p.role(u) for u in ("UBOSS", "UAPP", "UREQ", "UOTHER")] == [Role.APPROVER, Role.APPROVER, Role.REQUESTER, Role.NONE]


def test_an_unreadable_group_grants_nothing_and_is_named():
    p = policy(down={"SAPP"})
    assert p.check("UAPP") == RoleCheck(Role.REQUESTER, ("SAPP",))
    assert p.check("UOTHER") == RoleCheck(Role.NONE, ("SAPP",))
    assert p.check("UBOSS") == RoleCheck(Role.APPROVER)  # named users need no group


def test_everyone_may_request_when_no_requesters_are_named():
    p = Policy(PolicyRules(approver_users=frozenset({"UBOSS"})), Directory())
    assert p.role("UANY") is Role.REQUESTER


def test_approvers_among_reads_each_group_once_and_fails_closed():
    reads = []

    class Counting(Directory):
        def members(self, group_id):
            reads.append(group_id)
            return super().members(group_id)

    p = Policy(RULES, Counting({"SAPP": {"UAPP"}}))
    assert p.approvers_among(["UAPP", "UBOSS", "UREQ", "UX"]) == {"UAPP", "UBOSS"}
    assert reads == ["SAPP"]
    assert policy(down={"SAPP"}).approvers_among(["UAPP", "UBOSS"]) == {"UBOSS"}


def test_channels():
    assert policy().channel_allowed("CALLOWED") and not policy().channel_allowed("COTHER")
    assert Policy(PolicyRules(), Directory()).channel_allowed("CANY")
