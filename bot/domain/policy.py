"""Who may do what: requester and approver users and user groups, allowed channels."""

from __future__ import annotations

import enum
import logging
from collections.abc import Set
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


class Role(enum.Enum):
    NONE = "none"
    REQUESTER = "requester"
    APPROVER = "approver"


class GroupDirectory(Protocol):
    def members(self, group_id: str) -> Set[str]:
        """Current members of a user group (may be cached briefly). Raises on failure."""


@dataclass(frozen=True)
class PolicyRules:
    requester_users: frozenset[str] = frozenset()
    requester_usergroups: frozenset[str] = frozenset()
    approver_users: frozenset[str] = frozenset()
    approver_usergroups: frozenset[str] = frozenset()
    allowed_channels: frozenset[str] = frozenset()


class Policy:
    def __init__(self, rules: PolicyRules, directory: GroupDirectory) -> None:
        self.rules = rules
        self.directory = directory

    def channel_allowed(self, channel_id: str) -> bool:
        return not self.rules.allowed_channels or channel_id in self.rules.allowed_channels

    def is_approver(self, user_id: str) -> bool:
        return user_id in self.rules.approver_users or self._in_groups(user_id, self.rules.approver_usergroups)

    def role(self, user_id: str) -> Role:
        if self.is_approver(user_id):
            return Role.APPROVER
        open_to_all = not (self.rules.requester_users or self.rules.requester_usergroups)
        if open_to_all or user_id in self.rules.requester_users:
            return Role.REQUESTER
        if self._in_groups(user_id, self.rules.requester_usergroups):
            return Role.REQUESTER
        return Role.NONE

    def _in_groups(self, user_id: str, groups: frozenset[str]) -> bool:
        for group in sorted(groups):
            try:
                if user_id in self.directory.members(group):
                    return True
            except Exception as exc:  # fail closed: an unreadable group grants nothing
                log.warning("policy.group_unavailable", extra={"fields": {"group": group, "error": str(exc)}})
        return False
