"""Who may do what: requester and approver users and user groups, allowed channels."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


class Role(enum.Enum):
    NONE = "none"
    REQUESTER = "requester"
    APPROVER = "approver"


class MembershipUnavailable(Exception):
    """A group's membership cannot be read, and no copy recent enough to trust is at hand."""

    def __init__(self, group_id: str, stale: bool) -> None:
        self.group_id = group_id
        self.stale = stale  # True: a copy exists but is too old; False: none was ever read
        why = "the last copy is too old" if stale else "it was never read"
        super().__init__(f"membership of {group_id} is unavailable ({why})")


class GroupDirectory(Protocol):
    def members(self, group_id: str) -> Set[str]:
        """Current members of a user group (may be cached briefly). Raises on failure,
        MembershipUnavailable when the source is down and no recent copy is left."""


@dataclass(frozen=True)
class RoleCheck:
    """A user's role, and the groups that could have raised it but could not be read."""

    role: Role
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetOnCall:
    """A CI target's own on-call: only they may cancel or decide for it."""

    target: str
    users: frozenset[str] = frozenset()
    usergroups: frozenset[str] = frozenset()

    @property
    def named(self) -> str:
        """Who they are, as plain text (a job's outcome is escaped, so a mention would not render)."""
        return ", ".join([*(f"user group {g}" for g in sorted(self.usergroups)), *(f"user {u}" for u in sorted(self.users))])

    @property
    def mention(self) -> str:
        """How a card calls them, and names them in a refusal: their user groups, else the users."""
        if self.usergroups:
            return " ".join(f"<!subteam^{group}>" for group in sorted(self.usergroups))
        return " ".join(f"<@{user}>" for user in sorted(self.users))


@dataclass(frozen=True)
class PolicyRules:
    requester_users: frozenset[str] = frozenset()
    requester_usergroups: frozenset[str] = frozenset()
    approver_users: frozenset[str] = frozenset()
    approver_usergroups: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()
    target_oncall: tuple[TargetOnCall, ...] = ()  # targets with their own on-call (CI_TARGET_<NAME>_APPROVER_*)
    escalation_users: frozenset[str] = frozenset()  # the next level (ESCALATION_USERS): they may decide too
    escalation_usergroups: frozenset[str] = frozenset()  # ESCALATION_USERGROUPS


class Policy:
    def __init__(self, rules: PolicyRules, directory: GroupDirectory) -> None:
        self.rules = rules
        self.directory = directory

    def channel_allowed(self, channel_id: str) -> bool:
        return not self.rules.allowed_channels or channel_id in self.rules.allowed_channels

    def oncall_of(self, target: str | None) -> TargetOnCall | None:
        """The target's own on-call; None when the global on-call act for it."""
        return next((t for t in self.rules.target_oncall if t.target == target), None) if target else None

    def is_target_oncall(self, user_id: str, oncall: TargetOnCall) -> bool:
        """Whether the user is that target's on-call (an unreadable group grants nothing)."""
        return user_id in oncall.users or self._member_of_any(user_id, oncall.usergroups)[0]

    def is_approver(self, user_id: str) -> bool:
        return user_id in self.rules.approver_users or self._member_of_any(user_id, self.rules.approver_usergroups)[0]

    def is_next_level(self, user_id: str) -> bool:
        """Whether the user is in the escalation level (may approve or deny, not cancel directly);
        an unreadable group grants nothing."""
        return self.next_level_check(user_id)[0]

    def next_level_check(self, user_id: str) -> tuple[bool, tuple[str, ...]]:
        """Whether the user is in the escalation level, and which of its groups could not be read
        (a refusal then says Slack failed, not that the user may not decide)."""
        if user_id in self.rules.escalation_users:
            return True, ()
        return self._member_of_any(user_id, self.rules.escalation_usergroups)

    def approvers_among(self, users: Iterable[str]) -> set[str]:
        """Which of `users` are on call, reading each approver group once (not once per user:
        with many users and a group Slack cannot read, that was one failing call per user).
        An unreadable group grants nothing, as in check()."""
        members = set(self.rules.approver_users)
        for group in sorted(self.rules.approver_usergroups):
            try:
                members |= self.directory.members(group)
            except Exception as exc:  # fail closed
                stale = isinstance(exc, MembershipUnavailable) and exc.stale
                log.warning("policy.group_unavailable", extra={"fields": {"group": group, "stale": stale, "error": str(exc)}})
        return {user for user in users if user in members}

    def role(self, user_id: str) -> Role:
        return self.check(user_id).role

    def check(self, user_id: str) -> RoleCheck:
        """The role, failing closed: a group that cannot be read grants nothing, and is named."""
        if user_id in self.rules.approver_users:
            return RoleCheck(Role.APPROVER)
        approver, approver_unread = self._member_of_any(user_id, self.rules.approver_usergroups)
        if approver:
            return RoleCheck(Role.APPROVER)  # nothing higher: unread groups could not change it
        open_to_all = not (self.rules.requester_users or self.rules.requester_usergroups)
        if open_to_all or user_id in self.rules.requester_users:
            return RoleCheck(Role.REQUESTER, approver_unread)
        requester, requester_unread = self._member_of_any(user_id, self.rules.requester_usergroups)
        if requester:
            return RoleCheck(Role.REQUESTER, approver_unread)
        return RoleCheck(Role.NONE, approver_unread + requester_unread)

    def _member_of_any(self, user_id: str, groups: frozenset[str]) -> tuple[bool, tuple[str, ...]]:
        """Whether the user is in one of the groups, and which groups were read before and could not be."""
        unread: list[str] = []
        for group in sorted(groups):
            try:
                if user_id in self.directory.members(group):
                    return True, tuple(unread)
            except Exception as exc:  # fail closed: an unreadable group grants nothing
                stale = isinstance(exc, MembershipUnavailable) and exc.stale
                log.warning("policy.group_unavailable", extra={"fields": {"group": group, "stale": stale, "error": str(exc)}})
                unread.append(group)
        return False, tuple(unread)
