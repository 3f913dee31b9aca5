"""User-group membership, read live from Slack (usergroups.users.list), cached briefly."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient


class SlackGroupDirectory:
    """Caches each group's members for `ttl` seconds; keeps the last good answer if Slack fails."""

    def __init__(self, client: WebClient, ttl: float = 60.0, clock=time.monotonic) -> None:
        self.client = client
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def members(self, group_id: str) -> frozenset[str]:
        with self._lock:
            cached = self._cache.get(group_id)
        if cached and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            response = self.client.usergroups_users_list(usergroup=group_id)
        except Exception:
            if cached:  # Slack is having a moment: the last known membership is better than none
                return cached[1]
            raise
        users = frozenset(response.get("users") or [])
        with self._lock:
            self._cache[group_id] = (self.clock(), users)
        return users
