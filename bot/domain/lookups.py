"""Read-only answers, in the lookup lane: `status`, `pending`, `help`, and what the Home tab
shows each user. A mixin of the Workflow (it shares its store, policy and helpers)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.checked import newest_evidence, stored_statuses
from bot.domain.commands import USAGE, Help, Pending, Status
from bot.domain.outcomes import StatusAnswer
from bot.domain.parts import WorkflowParts
from bot.domain.payloads import ClickPayload, CommandPayload
from bot.domain.placement import ci_for, request_targets, unknown_target
from bot.domain.policy import Role
from bot.domain.states import Lane, TaskKind
from bot.observe import metrics
from bot.store import BACKGROUND, POST, NewTask, Request, Task
from bot.tencent.ratelimit import calls_at
from bot.tencent.results import CIError

RECENT = 10  # decisions everyone sees on the Home tab
REFRESH = TaskKind.REFRESH


def refresh_task(key: str, caller: Caller, request_id: str) -> NewTask:
    """A Refresh click on a request card: re-read its jobs' evidence (a look-up, in the look-up lane)."""
    return NewTask(key=key, kind=REFRESH, lane=Lane.LOOKUPS, payload=ClickPayload(caller, request_id).to_dict())


@dataclass(frozen=True)
class HomeData:
    """What one user's Home tab shows."""

    approver: bool
    pending: list[Request]  # every open request (approvers only)
    mine: list[Request]  # the user's own open requests
    recent: list[Request]  # the last decisions, newest first
    evidence: dict[str, list[StatusAnswer]] = field(default_factory=dict)  # by open request: what its card shows


def not_asked(gone: str) -> str:
    """What the caller is told of a command whose --target a redeploy removed after it was stored."""
    return f"Nothing was looked up or sent: {gone}. Send it again naming one of those, or without --target."


class LookupsMixin(WorkflowParts):
    def on_lookup(self, task: Task) -> None:
        """`status`, `pending` and `help`: read-only, in the lookup lane."""
        payload = CommandPayload.from_dict(task.payload)
        caller, command = payload.caller, payload.command
        if isinstance(command, Help):
            self.store.work.enqueue([announce.tell(caller, f"{USAGE}\n\n{self.help_text(caller)}", task.key)])
            return self.wake()
        if isinstance(command, Pending):
            return self.on_pending(task, caller)
        job_ids = command.job_ids if isinstance(command, Status) else ()
        about = command if isinstance(command, Status) else None
        if not self.policy.channel_allowed(caller.channel_id):
            return self._refuse(task, caller, "status", "The command is not enabled in this channel.", job_ids=job_ids, about=about)
        role, unverified = self._role(caller.user_id)
        if role is Role.NONE:
            why = self._not_allowed(unverified, "You are not allowed to look up moderation jobs.")
            return self._refuse(task, caller, "status", why, job_ids=job_ids, about=about)
        target = command.target if isinstance(command, Status) else ""
        if (gone := unknown_target(self.ci, target)) is not None:  # queued before a redeploy removed it
            return self._refuse(task, caller, "status", not_asked(gone), job_ids=job_ids, about=about)
        metrics.command("status", "accepted")
        self.store.work.enqueue([announce.status(caller, self.describe_all(job_ids, target=target), task.key)])
        self.wake()

    def describe_all(self, job_ids: Sequence[str], priority: int = BACKGROUND, target: str = "") -> list[StatusAnswer]:
        """Each job's state, looked up at `priority` (the class of the work it serves), in
        `target` if one was named (else each job's target is found)."""
        ci = ci_for(self.ci, target)

        def one(job_id: str) -> StatusAnswer:
            try:
                with calls_at(priority):  # below cancels; a burst for one job makes one call (the cache)
                    reading = self.evidence.read(target, job_id, lambda: ci.describe(job_id))
                return oc.status_dict(job_id, reading.status, reading.read_at, reading.found)
            except CIError as exc:
                return oc.status_dict(job_id, exc)

        if len(job_ids) <= 1:
            return [one(j) for j in job_ids]
        with ThreadPoolExecutor(max_workers=min(len(job_ids), self.lookup_concurrency), thread_name_prefix="lookup") as pool:
            return list(pool.map(one, job_ids))

    def on_refresh(self, task: Task) -> None:
        """Refresh on a request card: read its jobs' evidence again (fresh within the cache's
        few seconds) and re-render the card; anyone who may look jobs up may ask."""
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        request = self.store.requests.get(request_id)
        if request is None:
            return self._tell(task, caller, "That request does not exist (any more).")
        role, unverified = self._role(caller.user_id)
        if role is Role.NONE:
            why = self._not_allowed(unverified, "You are not allowed to look up moderation jobs.")
            where = request_targets(request, self.ci)
            return self._record_refusal(task.key, caller, "refresh", why, request_id=request_id, job_ids=request.job_ids, targets=where, tell=True)
        self._remember_message(request, caller)
        if (gone := unknown_target(self.ci, request.target)) is not None:  # a redeploy removed the target it named
            return self._tell(task, caller, f"Request `{request_id[:8]}` cannot be refreshed: {gone}.")
        statuses = self.describe_all(request.job_ids, priority=POST, target=request.target or "")
        updates = [announce.evidence_update(request_id, statuses, task.key)]
        if not caller.channel_id:  # clicked on the Home tab: show it there too (nothing changed that would refresh it)
            updates.append(announce.home_opened(caller.user_id, f"refresh:{task.key}"))
        self.store.work.enqueue(updates)
        self.wake()

    def card_evidence(self, request: Request) -> list[StatusAnswer]:
        """What a request card shows of each job without a call: the answers read when it was
        posted, each replaced by a newer reading made in this process (Refresh, `status`)."""
        known = newest_evidence(self.evidence, stored_statuses(self.store, request), request.job_ids, request.target_of)
        return [known[j] for j in request.job_ids if j in known]

    def help_text(self, caller: Caller) -> str:
        role, unverified = self._role(caller.user_id)
        where = "" if self.policy.channel_allowed(caller.channel_id) else " (but not in this channel)"
        if role is Role.APPROVER:
            may = "You are *on call*: you may approve or deny requests" + (
                ", and your own cancels need a second on-call's approval (four-eyes)."
                if self.four_eyes
                else ", and your cancels take effect at once."
            )
        elif role is Role.REQUESTER:
            may = "You may *request* cancellations; on-call approves or denies them."
        else:
            may = self._not_allowed(unverified, "You may not cancel or request cancellations.")
        return may + where

    # -- lists ----------------------------------------------------------------------------
    def on_pending(self, task: Task, caller: Caller) -> None:
        """`/cancel-moderation pending`: open requests, everyone's for on-call, one's own otherwise."""
        role, unverified = self._role(caller.user_id)
        approver = role is Role.APPROVER or self.is_next_level(caller.user_id)  # the escalation level decides too
        if role is Role.NONE and not approver:
            why = self._not_allowed(unverified, "You may not request cancellations, so you have none pending.")
            return self._record_refusal(task.key, caller, "pending", why, tell=True)
        requests = self.escalated_first(self.store.requests.pending(None if approver else caller.user_id))
        self.store.work.enqueue([announce.pending(caller, [r.id for r in requests], approver, task.key)])
        self.wake()

    def home_audience(self, request: Request) -> list[str]:
        """Whose open Home tab a change to `request` alters: on-call's (their pending list, and
        the last decisions) and the requester's. Others see it the next time they open the tab."""
        viewers = self.store.homes.viewers()
        on_call = self.policy.approvers_among(viewers)  # one membership read per group, not per viewer
        for target in request.job_targets:
            if (target_oncall := self._target_oncall(target)) is not None:
                on_call |= {user for user in viewers if self.policy.is_target_oncall(user, target_oncall)}
        on_call |= {user for user in viewers if user not in on_call and self.is_next_level(user)}  # the escalation level decides too
        return [user for user in viewers if user == request.requester or user in on_call]

    def _has_target_oncall(self) -> bool:
        return bool(getattr(getattr(self.policy, "rules", None), "target_oncall", ()))

    def _decides(self, user_id: str, request: Request, approver: bool) -> bool:
        """Whether the user may decide the request, as check_decider says: of the escalation level,
        or on call for each of its jobs' targets (a target with its own on-call: only they)."""
        if self.is_next_level(user_id):
            return True
        oncalls = [self._target_oncall(target) for target in request.job_targets]
        return all(approver if oncall is None else self.policy.is_target_oncall(user_id, oncall) for oncall in oncalls)

    def home_for(self, user_id: str) -> HomeData:
        approver = self._role(user_id)[0] is Role.APPROVER or self.is_next_level(user_id)
        pending = self.store.requests.pending() if approver or self._has_target_oncall() else []
        decidable = [r for r in pending if self._decides(user_id, r, approver)]
        mine = self.store.requests.pending(user_id)
        return HomeData(
            approver=approver or bool(decidable),
            pending=self.escalated_first(decidable),  # an escalated request is an incident: on top
            mine=self.escalated_first(mine),
            recent=self.store.requests.recent_decisions(RECENT),
            evidence={r.id: self.card_evidence(r) for r in [*decidable, *mine]},
        )
