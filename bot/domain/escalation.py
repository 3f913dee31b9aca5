"""Escalation: a request nobody decided within ESCALATE_AFTER_SECONDS reaches the next level
(ESCALATION_USERGROUPS / ESCALATION_USERS), once.

The ladder: the reminder (APPROVAL_REMINDER_SECONDS) calls on-call again in the thread; the
escalation calls the next level, in the thread and by direct message; the expiry ends it.

The escalation is a delayed task stored with the request (due by the database's clock, so it
survives restarts and no host's clock decides it). When due it moves the request from pending
and not escalated to escalated in one conditional UPDATE (two processes: one winner), with its
`escalated` audit entry and its announcements (the card's update, a reply in its thread, one
direct message per member) in the same transaction. A request decided, withdrawn or expired
first is left alone: the UPDATE finds nothing to change. A next-level group Slack cannot read
then (after a few tries) does not hold the others back: a follow-up task reads it until it can,
and DMs its members while the request is still open.

A mixin of the Workflow (it shares its store, policy and helpers).
"""

from __future__ import annotations

import logging
from typing import Any

from bot.domain import announce
from bot.domain.announce import AnnouncePayload
from bot.domain.parts import WorkflowParts
from bot.domain.policy import MembershipUnavailable
from bot.domain.states import Announcement, Lane, TaskKind
from bot.observe.logs import event
from bot.store import NewTask, Request, Store, Task
from bot.work import RetryLater

log = logging.getLogger(__name__)

ESCALATE, ESCALATION_MEMBERS = TaskKind.ESCALATE, TaskKind.ESCALATION_MEMBERS
ESCALATION, ESCALATION_DM, ESCALATION_DM_CLOSED = Announcement.ESCALATION, Announcement.ESCALATION_DM, Announcement.ESCALATION_DM_CLOSED
#: Tries to read the next level's groups before escalating with what could be read (the thread
#: reply still mentions the groups; their members' direct messages follow once they can be read).
GROUP_READ_TRIES = 3
GROUP_RETRY_SECONDS = 5.0
GROUP_RETRY_MAX_SECONDS = 120.0  # the follow-up's longest wait between reads: a group gone for good is not hammered


def escalation_task(request_id: str, after: float) -> NewTask:
    """Due `after` seconds from when it is stored with the request, by the database's clock."""
    return NewTask(key=f"{request_id}:escalate", kind=ESCALATE, lane=Lane.LOOKUPS, payload={"request_id": request_id}, delay=after)


def escalation_reply(request_id: str) -> NewTask:
    """The reply in the card's thread mentioning the next level. No stream: like the reminder,
    it must not hold up the card's other updates."""
    payload = AnnouncePayload(request_id=request_id).to_dict()
    return NewTask(key=f"{request_id}:escalation", kind=ESCALATION, lane=announce.LANE, payload=payload)


def escalation_dm(request_id: str, user_id: str) -> NewTask:
    """One member's direct message (one key per member: a re-run stores nothing twice)."""
    payload = AnnouncePayload(request_id=request_id, user_id=user_id).to_dict()
    return NewTask(key=dm_key(request_id, user_id), kind=ESCALATION_DM, lane=announce.LANE, payload=payload)


def dm_key(request_id: str, user_id: str) -> str:
    return f"{request_id}:escalation:dm:{user_id}"


def dms_closed(store: Store, request: Request) -> list[NewTask]:
    """Once the request has left pending (each state it reaches after: approved, then done), every
    member's direct message is edited to say how it ended, naming its jobs: its buttons go, so
    nobody is left looking at a request that seems to wait for them."""
    if request.escalated_at is None or request.is_open:
        return []
    users = [task.payload["user_id"] for task in store.work.tasks_keyed(f"{request.id}:escalation:dm:")]
    state = f"{request.state}{request.retries or ''}"
    return [
        NewTask(
            key=f"{request.id}:escalation:dm-closed:{state}:{user_id}",
            kind=ESCALATION_DM_CLOSED,
            lane=announce.LANE,
            payload=AnnouncePayload(request_id=request.id, user_id=user_id).to_dict(),
            stream=dm_key(request.id, user_id),  # one DM's edits in order: "cancelling…" never lands after the outcome
        )
        for user_id in users
    ]


def members_follow_up(request_id: str, groups: tuple[str, ...]) -> NewTask:
    """Reads the groups unreadable when the request was escalated until they can be read, then
    DMs their members (until the request is decided, withdrawn or expired)."""
    payload = {"request_id": request_id, "groups": list(groups)}
    return NewTask(key=f"{request_id}:escalation:members", kind=ESCALATION_MEMBERS, lane=Lane.LOOKUPS, payload=payload)


def escalated_update(request_id: str) -> NewTask:
    """The card, re-rendered: it now says to whom and when, and keeps its buttons."""
    payload = AnnouncePayload(request_id=request_id).to_dict()
    return NewTask(key=f"{request_id}:update:escalated", kind=announce.APPROVAL_UPDATE, lane=announce.LANE, payload=payload, stream=request_id)


def next_level_mention(usergroups: frozenset[str], users: frozenset[str]) -> str:
    """How the thread reply and the card call the next level: every group and every user."""
    return " ".join([*(f"<!subteam^{g}>" for g in sorted(usergroups)), *(f"<@{u}>" for u in sorted(users))])


class EscalationMixin(WorkflowParts):
    escalate_after: int  # ESCALATE_AFTER_SECONDS (0: off)

    def escalations_for(self, request_id: str) -> list[NewTask]:
        """The one escalation of a new request (none when ESCALATE_AFTER_SECONDS is 0)."""
        return [escalation_task(request_id, self.escalate_after)] if self.escalate_after else []

    def on_escalate(self, task: Task) -> None:
        if not self.escalate_after:
            return  # escalation turned off since it was scheduled: the current settings decide
        request = self.store.requests.get(task.payload["request_id"])
        if request is None or not request.is_open or request.escalated_at is not None:
            return  # decided, withdrawn or expired before it was due (or escalated by a sibling)
        groups, users = self._next_level_rules()
        members, unread = self._next_level_members(groups, users)
        if unread and task.attempts < GROUP_READ_TRIES:
            raise RetryLater(GROUP_RETRY_SECONDS, f"next level's groups unreadable: {', '.join(unread)}")
        to = next_level_mention(groups, users)
        recipients = sorted(members - {request.requester})  # the requester cannot decide it: no DM
        detail: dict[str, Any] = {
            **self._detail(request),
            "to": {"usergroups": sorted(groups), "users": sorted(users)},
            "members": recipients,
            "after_seconds": self.escalate_after,
            **({"unread_groups": list(unread)} if unread else {}),
        }
        tasks = [escalated_update(request.id), escalation_reply(request.id), *(escalation_dm(request.id, u) for u in recipients)]
        tasks += [members_follow_up(request.id, unread)] if unread else []
        if self.store.requests.escalate(request.id, to, detail, tasks):
            event(log, "request.escalated", request_id=request.id, members=len(recipients), unread_groups=len(unread))
            self.wake()

    def on_escalation_members(self, task: Task) -> None:
        """The DMs of members of groups Slack could not read at the escalation: sent once they can be."""
        request = self.store.requests.get(task.payload["request_id"])
        if not self.escalate_after or request is None or not request.is_open:
            return  # escalation turned off, or decided, withdrawn or expired meanwhile: nobody is told any more
        members, unread = self._next_level_members(frozenset(task.payload["groups"]), frozenset())
        recipients = sorted(members - {request.requester})
        if recipients:  # a member already told has their task stored: stored again, it is ignored
            self.store.work.enqueue([escalation_dm(request.id, u) for u in recipients])
            event(log, "request.escalation_members", request_id=request.id, members=len(recipients), unread_groups=len(unread))
            self.wake()
        if unread:
            delay = min(GROUP_RETRY_SECONDS * 2**task.attempts, GROUP_RETRY_MAX_SECONDS)
            raise RetryLater(delay, f"next level's groups unreadable: {', '.join(unread)}")

    def is_next_level(self, user_id: str) -> bool:
        """Whether the user belongs to the escalation level (they may approve and deny like on-call)."""
        return self.next_level_check(user_id)[0]

    def next_level_check(self, user_id: str) -> tuple[bool, tuple[str, ...]]:
        """Whether the user belongs to the escalation level, and its groups that could not be read.
        Escalation off: nobody does (settings left from when it was on grant nothing)."""
        check = getattr(self.policy, "next_level_check", None)  # a policy without escalation has none
        if not (self.escalate_after and check):
            return False, ()
        member, unread = check(user_id)
        return bool(member), tuple(unread)

    def _next_level_rules(self) -> tuple[frozenset[str], frozenset[str]]:
        rules = getattr(self.policy, "rules", None)
        return getattr(rules, "escalation_usergroups", frozenset()), getattr(rules, "escalation_users", frozenset())

    def _next_level_members(self, groups: frozenset[str], users: frozenset[str]) -> tuple[set[str], tuple[str, ...]]:
        """Every member of the next level, and the groups that could not be read."""
        members, unread = set(users), []
        for group in sorted(groups):
            try:
                members |= self.policy.directory.members(group)
            except Exception as exc:  # escalate anyway, later, with what can be read
                stale = isinstance(exc, MembershipUnavailable) and exc.stale
                log.warning("escalation.group_unavailable", extra={"fields": {"group": group, "stale": stale, "error": str(exc)}})
                unread.append(group)
        return members, tuple(unread)

    def escalated_first(self, requests: list[Request]) -> list[Request]:
        """Escalated requests first (oldest escalation first), then the others in their order."""
        return sorted(requests, key=lambda r: (r.escalated_at is None, r.escalated_at or 0.0))
