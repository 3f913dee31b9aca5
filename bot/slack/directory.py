"""User-group membership, read live from Slack (usergroups.users.list), cached briefly."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient

from bot.domain.policy import MembershipUnavailable
from bot.observe.logs import event

log = logging.getLogger(__name__)


class SlackGroupDirectory:
    """Caches each group's members for `ttl` seconds.

    When Slack fails after that, the last good answer still serves until `stale_limit` seconds
    past its expiry (a Slack blip should not lock on-call out); beyond that the group is
    MembershipUnavailable, so a long outage cannot keep a removed approver approving.
    """

    def __init__(self, client: WebClient, ttl: float = 60.0, stale_limit: float = 600.0, clock=time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.stale_limit = stale_limit
        self.clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}  # group -> (read at, members)
        self._lock = threading.Lock()

    def members(self, group_id: str) -> frozenset[str]:
        with self._lock:
            cached = self._cache.get(group_id)
        if cached and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            response = self.client.usergroups_users_list(usergroup=group_id)
        except Exception as exc:
            return self._last_good(group_id, cached, exc)
        users = frozenset(response.get("users") or [])
        with self._lock:
            self._cache[group_id] = (self.clock(), users)
        return users

    def _last_good(self, group_id: str, cached: tuple[float, frozenset[str]] | None, exc: Exception) -> frozenset[str]:
        """Slack failed: the last good answer if it is recent enough, else fail closed."""
        if cached is None:
            raise MembershipUnavailable(group_id, stale=False) from exc
        age = self.clock() - cached[0]
        if age >= self.ttl + self.stale_limit:
            raise MembershipUnavailable(group_id, stale=True) from exc
        event(log, "slack.group_stale", logging.WARNING, group=group_id, age_seconds=round(age, 1), error=type(exc).__name__)
        return cached[1]
