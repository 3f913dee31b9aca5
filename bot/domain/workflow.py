"""The cancellation workflow: request, approve, deny, expire, execute.

Every entry point is a durable task (stored before Slack got its acknowledgement) and may
run more than once (a crash, a takeover): each step is idempotent. The order is the same
everywhere: store the decision with its audit entry and its follow-up tasks (execution,
announcements) in one transaction; the courier announces; the executor acts on Tencent and
journals each job; the outcome is stored with its announcements in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Command
from bot.domain.escalation import ESCALATE, ESCALATION_MEMBERS, EscalationMixin
from bot.domain.evidence import EvidenceCache
from bot.domain.execution import Executor
from bot.domain.execution_task import EXECUTE, ExecutePayload, execute_task, finish
from bot.domain.lookups import REFRESH, LookupsMixin, not_asked
from bot.domain.oncall import RETRY, WITHDRAW, OnCallMixin
from bot.domain.payloads import ClickPayload, CommandPayload
from bot.domain.placement import CIPort, place_of, request_targets, unknown_target
from bot.domain.policy import Policy, Role, TargetOnCall
from bot.domain.states import AuditEvent, JobTarget, Lane, RequestKind, State, TaskKind
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import BACKGROUND, DECIDE, POST, NewTask, PendingLimit, Request, Store, Task

log = logging.getLogger(__name__)

# Task kinds (what the Slack listeners store) and the lanes that run them.
COMMAND, LOOKUP, REQUEST, APPROVE, DENY, DENY_CLICK = (
    TaskKind.COMMAND,
    TaskKind.LOOKUP,
    TaskKind.REQUEST,
    TaskKind.APPROVE,
    TaskKind.DENY,
    TaskKind.DENY_CLICK,
)
URGENT, LOOKUPS = Lane.URGENT, Lane.LOOKUPS
#: Each kind's class (bot/store/work.py): decisions and their cancels first, look-ups last.
CLASSES: dict[str, int] = {
    COMMAND: DECIDE,
    APPROVE: DECIDE,
    DENY: DECIDE,
    DENY_CLICK: DECIDE,
    EXECUTE: DECIDE,
    WITHDRAW: DECIDE,
    RETRY: DECIDE,
    REQUEST: POST,
    ESCALATE: POST,
    ESCALATION_MEMBERS: POST,
    LOOKUP: BACKGROUND,
    REFRESH: POST,  # on-call is looking at the card: before `status`, after every cancel
    **announce.CLASSES,
}
#: The lane each kind runs in: a lane's caps keep threads back only for the classes it runs.
LANES: dict[str, str] = {
    COMMAND: URGENT,
    APPROVE: URGENT,
    DENY: URGENT,
    DENY_CLICK: URGENT,
    EXECUTE: URGENT,
    WITHDRAW: URGENT,
    RETRY: URGENT,
    REQUEST: LOOKUPS,
    LOOKUP: LOOKUPS,
    REFRESH: LOOKUPS,
    ESCALATE: LOOKUPS,  # it may read the next level's groups from Slack: never holding a decision's thread
    ESCALATION_MEMBERS: LOOKUPS,
    **announce.LANES,
}

#: Kinds never given up: their moment lasts as long as the request is open (they end with it).
RETRIED_FOREVER = (ESCALATE, ESCALATION_MEMBERS)


def command_task(key: str, caller: Caller, command: Command, lane: Lane = URGENT, kind: TaskKind = COMMAND) -> NewTask:
    return NewTask(key=key, kind=kind, lane=lane, payload=CommandPayload(caller, command).to_dict())


def click_task(key: str, kind: TaskKind, caller: Caller, request_id: str, note: str = "") -> NewTask:
    return NewTask(key=key, kind=kind, lane=URGENT, payload=ClickPayload(caller, request_id, note).to_dict())


def request_id_of(task: Task) -> str:
    """The request a command creates takes its id from the command's task: a re-run finds it."""
    return task.key.split(":", 1)[1][:32]


class Workflow(LookupsMixin, OnCallMixin, EscalationMixin):
    def __init__(
        self,
        *,
        store: Store,
        ci: CIPort,
        policy: Policy,
        ttl_seconds: int,
        four_eyes: bool,
        max_pending: int = 5,
        reminder_seconds: int = 0,
        escalate_after_seconds: int = 0,
        wake: Callable[[], None] = lambda: None,
        run_now: Callable[[list[str]], None] | None = None,
        lookup_concurrency: int = 20,
        execution_concurrency: int = 20,
    ) -> None:
        self.store = store
        self.ci = ci
        self.policy = policy
        self.ttl = ttl_seconds
        self.four_eyes = four_eyes
        self.max_pending = max_pending
        self.reminder_seconds = reminder_seconds
        self.escalate_after = escalate_after_seconds
        self.wake = wake
        self.run_now = run_now or (lambda _keys: wake())  # a decision's follow-ups, stored ours: start them at once
        self.lookup_concurrency = lookup_concurrency
        guarded = bool(getattr(getattr(policy, "rules", None), "target_oncall", ()))
        self.evidence = EvidenceCache()  # query answers shared by cards, `status`, Refresh and the checked cancel
        self.executor = Executor(store, ci, concurrency=execution_concurrency, guard=self._may_act if guarded else None, evidence=self.evidence)

    @property
    def target_names(self) -> tuple[str, ...]:
        """The CI targets `--target NAME` may name (CI_TARGETS; `default` for the one bucket)."""
        return tuple(getattr(self.ci, "names", ()))

    @property
    def target_labels(self) -> tuple[tuple[str, str], ...]:
        """Each target's name and how it is shown (name, bucket, region): the form's picker."""
        return tuple((t.name, t.label) for t in getattr(self.ci, "targets", ()))

    def handlers(self) -> dict[str, Callable[[Task], None]]:
        return {
            COMMAND: self.on_command,
            LOOKUP: self.on_lookup,
            REQUEST: self.on_request,
            APPROVE: self.on_approve,
            DENY: self.on_deny,
            DENY_CLICK: self.on_deny_click,
            EXECUTE: self.on_execute,
            WITHDRAW: self.on_withdraw,
            RETRY: self.on_retry,
            REFRESH: self.on_refresh,
            ESCALATE: self.on_escalate,
            ESCALATION_MEMBERS: self.on_escalation_members,
        }

    # -- commands -------------------------------------------------------------------

    def on_command(self, task: Task) -> None:
        payload = CommandPayload.from_dict(task.payload)
        assert isinstance(payload.command, Cancel), payload.command  # the `command` kind carries cancels only
        self.submit(task, payload.caller, payload.command)

    def submit(self, task: Task, caller: Caller, command: Cancel) -> None:
        """A valid cancel command: cancel directly, or ask on-call, or refuse."""
        if not self.policy.channel_allowed(caller.channel_id):
            return self._refuse(task, caller, "cancel", "The command is not enabled in this channel.", job_ids=command.job_ids, about=command)
        role, unverified = self._role_for(caller.user_id, command.target)
        event(log, "command.cancel", user=caller.user_id, channel=caller.channel_id, role=role.value, jobs=len(command.job_ids))
        if role is Role.APPROVER and not self.four_eyes:
            metrics.command("cancel", "accepted")
            return self._direct(task, caller, command, self._found_in(command))
        if role in (Role.APPROVER, Role.REQUESTER) or self._may_own_a_target(caller.user_id, command):
            return self._ask(task, caller, command)  # a target's own on-call: their role is decided per job, once found
        return self._refuse(task, caller, "cancel", self._not_allowed(unverified), job_ids=command.job_ids, about=command)

    def _may_own_a_target(self, user_id: str, command: Cancel) -> bool:
        """Without --target, whether the user is some target's own on-call: where each job is
        decides what they may do with it, so the jobs are found first."""
        oncalls = getattr(getattr(self.policy, "rules", None), "target_oncall", ())
        return not command.target and any(self.policy.is_target_oncall(user_id, oncall) for oncall in oncalls)

    def _ask(self, task: Task, caller: Caller, command: Cancel) -> None:
        """Queue the request's look-ups and post, unless the requester holds too many already:
        that is refused before anything is sent to the CI API."""
        # Looking every job up is slow: it runs in its own lane, so on-call work never waits behind it.
        prepare = command_task(f"request:{request_id_of(task)}", caller, command, lane=LOOKUPS, kind=REQUEST)
        prepare = replace(prepare, stream=f"asks:{caller.user_id}")  # one requester's requests, one at a time
        if not self.store.requests.admit(caller.user_id, self.max_pending, prepare):
            return self._refuse(task, caller, "cancel", self._too_many(), job_ids=command.job_ids, about=command)
        metrics.command("cancel", "accepted")
        self.wake()

    def _too_many(self) -> str:
        return f"You already have {self.max_pending} pending requests (MAX_PENDING_PER_USER). Wait for on-call to decide them first."

    # -- direct cancel ------------------------------------------------------------------

    def _direct(self, task: Task, caller: Caller, command: Cancel, found_in: dict[str, JobTarget], finishes: Task | None = None) -> None:
        request_id = request_id_of(task)
        self.store.requests.create(
            request_id=request_id,
            kind=RequestKind.DIRECT,
            state=State.APPROVED,
            requester=caller.user_id,
            origin_channel=caller.channel_id,
            reason=command.reason,
            job_ids=command.job_ids,
            ttl=0,
            decided_by=caller.user_id,
            tasks=[execute_task(request_id, caller)],
            target=command.target or None,
            found_in=found_in,
            finishes=finishes,
        )
        self.wake()

    # -- approval requests ----------------------------------------------------------------

    def on_request(self, task: Task) -> None:
        payload = CommandPayload.from_dict(task.payload)
        caller, command = payload.caller, payload.command
        assert isinstance(command, Cancel), command  # a request is a cancel that needs approval
        request_id = request_id_of(task)
        if self.store.requests.get(request_id):
            return  # a re-run: everything was stored with the request
        if (gone := unknown_target(self.ci, command.target)) is not None:  # queued before a redeploy removed it
            return self._refuse(task, caller, "cancel", not_asked(gone), job_ids=command.job_ids, about=command)
        statuses = self.describe_all(command.job_ids, priority=POST, target=command.target)  # before `status` look-ups
        found_in = self._found_in(command, statuses)  # kept: the approval acts there without asking again
        may_act, why = self._may_act_on_each(caller.user_id, command, found_in)
        if why is not None:
            where = oc.targets_detail(command.target or oc.found_in_one(statuses), found_in, command.job_ids, self.ci)
            return self._refuse(task, caller, "cancel", why, job_ids=command.job_ids, targets=where)
        if may_act:  # a target's own on-call, every job found in their target(s)
            return self._direct(task, caller, command, found_in, finishes=task)
        target = command.target or oc.found_in_one(statuses)
        short = request_id[:8]
        try:
            _, created = self.store.requests.create(
                request_id=request_id,
                kind=RequestKind.APPROVAL,
                state=State.PENDING,
                requester=caller.user_id,
                origin_channel=caller.channel_id,
                reason=command.reason,
                job_ids=command.job_ids,
                ttl=self.ttl,
                audit=(
                    AuditEvent.REQUESTED,
                    {
                        "reason": command.reason,
                        "job_ids": list(command.job_ids),
                        "channel": caller.channel_id,
                        **oc.targets_detail(target, found_in, command.job_ids, self.ci),
                    },
                ),
                tasks=[
                    announce.approval_post(request_id, statuses),
                    announce.tell(
                        caller,
                        f"Asked on-call to cancel {len(command.job_ids)} job(s): "
                        f"{_ids(command.job_ids)}. You will hear back here when they "
                        f"decide (request `{short}`).",
                        task.key,
                        stream=announce.requester_stream(request_id),
                    ),
                    *self.reminders_for(request_id),
                    *self.escalations_for(request_id),
                ],
                max_pending=self.max_pending,
                finishes=task,
                target=target,
                found_in=found_in,
            )
        except PendingLimit:  # a request from before the check moved ahead of the look-ups
            return self._refuse(task, caller, "cancel", self._too_many(), job_ids=command.job_ids, about=command)
        if created:
            event(log, "request.created", request_id=request_id, user=caller.user_id, jobs=len(command.job_ids))
        self.wake()

    def check_decider(self, task_key: str | None, caller: Caller, request_id: str, action: str) -> tuple[Request | None, str | None]:
        """The request, or why `caller` may not decide it (the refusal is audited when `task_key` is given)."""
        request = self.store.requests.get(request_id)
        if request is None:
            return None, "That request does not exist (any more)."
        next_level, next_unread = self.next_level_check(caller.user_id)
        why = None if next_level else self._decider_problem(caller.user_id, request, request.job_ids, "Only on-call approvers can decide requests.")
        if why and next_unread:
            why = self._not_allowed(next_unread)  # they may be of the next level: Slack failed, say so
        if why is None and caller.user_id == request.requester:
            why = "You cannot decide your own request; another on-call must."
        if why:
            if task_key:
                self._record_refusal(task_key, caller, action, why, request_id=request_id, targets=request_targets(request, self.ci), tell=False)
            return request, why
        if not request.is_open:
            metrics.command(action, "refused")
            return request, self._already(request)
        return request, None

    def on_approve(self, task: Task) -> None:
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        request, problem = self.check_decider(task.key, caller, request_id, "approve")
        if problem or request is None:
            return self._tell(task, caller, problem or "")
        self._remember_message(request, caller)
        follow_up = [announce.approval_update(request_id, State.APPROVED), execute_task(request_id)]
        if not self.store.requests.decide(
            request_id, State.APPROVED, caller.user_id, detail=self._detail(request), tasks=follow_up, owner=task.owner
        ):
            metrics.command("approve", "refused")
            return self._tell(task, caller, self._already(self.store.requests.get(request_id)))
        metrics.command("approve", "accepted")
        event(log, "request.decided", request_id=request_id, decision=State.APPROVED, user=caller.user_id)
        self.run_now([t.key for t in follow_up])

    def on_deny_click(self, task: Task) -> None:
        """The Deny button: the form was opened by the listener; here only a refusal is recorded."""
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        _, problem = self.check_decider(task.key, caller, request_id, "deny")
        if problem:
            self._tell(task, caller, problem)

    def on_deny(self, task: Task) -> None:
        click = ClickPayload.from_dict(task.payload)
        caller, request_id = click.caller, click.request_id
        request, problem = self.check_decider(task.key, caller, request_id, "deny")
        if problem or request is None:
            return self._tell(task, caller, problem or "")
        self._remember_message(request, caller)
        note = click.note.replace("\x00", "").strip()[:500] or None
        follow_up = [announce.approval_update(request_id, State.DENIED), *self._tell_requester(request, State.DENIED)]
        dismissed = AuditEvent.DISMISSED if request.kind == RequestKind.PROPOSAL else None  # Deny of a proposal is Dismiss
        if not self.store.requests.decide(
            request_id, State.DENIED, caller.user_id, note=note, detail=self._detail(request), tasks=follow_up, owner=task.owner, event=dismissed
        ):
            metrics.command("deny", "refused")
            return self._tell(task, caller, self._already(self.store.requests.get(request_id)))
        metrics.command("deny", "accepted")
        event(log, "request.decided", request_id=request_id, decision=State.DENIED, user=caller.user_id)
        self.run_now([t.key for t in follow_up])

    # -- background -------------------------------------------------------------------

    def sweep(self) -> None:
        """Expire overdue requests; their notices are stored with the expiry."""
        expired = self.store.requests.expire_due(
            tasks_for=lambda r: [announce.approval_update(r.id, State.EXPIRED), *self._tell_requester(r, State.EXPIRED)],
            audit_for=self._detail,
        )
        for request in expired:
            event(log, "request.expired", request_id=request.id)
        if expired:
            self.wake()

    # -- execution ---------------------------------------------------------------------

    def on_execute(self, task: Task) -> None:
        request = self.store.requests.get(ExecutePayload.from_dict(task.payload).request_id)
        if request is None or request.state != State.APPROVED:
            return  # finished already (a re-run)
        outcomes = self.executor.run(task, request)
        if finish(self.store, task, request, outcomes, self.announcements_of(task, request), self.ci):
            self.wake()

    def announcements_of(self, task: Task, request: Request) -> list[NewTask]:
        if request.kind == RequestKind.DIRECT:
            caller = ExecutePayload.from_dict(task.payload).caller
            return [announce.result(request, caller or Caller(request.requester, request.origin_channel))]
        if request.kind in (RequestKind.APPROVAL, RequestKind.PROPOSAL):
            return [announce.approval_update(request.id, State.DONE, request.retries), *self._tell_requester(request, State.DONE)]
        return []

    @staticmethod
    def _tell_requester(request: Request, state: State) -> list[NewTask]:
        """The requester's DM about how their request ended; a proposal's requester (Tencent
        moderation) is no Slack user: its card alone shows it."""
        if request.kind == RequestKind.PROPOSAL:
            return []
        return [announce.requester_dm(request.id, state, request.requester, request.retries)]

    # -- several targets: where each job is decides who may act on it ----------------------

    def _found_in(self, command: Cancel, statuses: Sequence[oc.StatusAnswer] = ()) -> dict[str, JobTarget]:
        """Where each job is, with several targets: the target named (--target), else the one each
        job was found in (a job not found for certain has none: it is found again when sent);
        with the bucket and region that name means now. Nothing with one target, as before."""
        if len(self.target_names) < 2:
            return {}
        if command.target and command.bucket:  # as --target meant when the command was accepted
            return dict.fromkeys(command.job_ids, JobTarget(command.target, command.bucket, command.region))
        names = dict.fromkeys(command.job_ids, command.target) if command.target else oc.found_where(statuses)
        return {job_id: place_of(self.ci, name) for job_id, name in names.items()}

    def pin_target(self, command: Cancel) -> Cancel:
        """The command with the bucket and region its --target means now, when it is accepted:
        it is carried out there or nowhere, whatever a redeploy meanwhile makes of the name."""
        if not command.target or len(self.target_names) < 2:
            return command
        place = place_of(self.ci, command.target)
        return replace(command, bucket=place.bucket, region=place.region)

    def _may_act_on_each(self, user_id: str, command: Cancel, found_in: dict[str, JobTarget]) -> tuple[bool, str | None]:
        """The caller's role for each job's target, now that it is found: whether they may cancel
        every job directly (on call for each job's target, without four-eyes), or why they may not
        even ask (None: they may ask on-call). A job not found for certain counts as the global
        on-call's: it is found again when sent."""
        if not self._has_target_oncall():
            return False, None  # one on-call for every target: the role decided with the command holds
        targets = tuple(dict.fromkeys(found_in[j].name if j in found_in else (command.target or None) for j in command.job_ids))
        roles = {target: self._role_for(user_id, target) for target in targets}
        outside = [t for t, (role, _) in roles.items() if role is Role.NONE]
        if outside:
            unverified = tuple(g for t in outside for g in roles[t][1])
            jobs = [j for j in command.job_ids if (found_in[j].name if j in found_in else command.target or None) in outside]
            where = " and ".join("not found for certain" if t is None else f"found in `{t}`" for t in outside)
            why = f"You may not cancel {_ids(jobs)} ({where}): you are on call only for other targets. Nothing was sent."
            return False, self._not_allowed(unverified, why)
        return not self.four_eyes and all(role is Role.APPROVER for role, _ in roles.values()), None

    def _decider_problem(self, user_id: str, request: Request, job_ids: Sequence[str], global_why: str) -> str | None:
        """Why the user may not decide (or retry) these jobs of the request; None: they may. The
        decider must be allowed for every job's target: that target's own on-call where it has
        one, a global on-call elsewhere (and for a job whose target is found only when sent)."""
        targets = request.targets_of(job_ids)
        checks = {target: self._role_for(user_id, target) for target in targets}
        failing = [t for t, (role, _) in checks.items() if role is not Role.APPROVER]
        if not failing:
            return None
        unverified = tuple(g for t in failing for g in checks[t][1])
        oncall = self._target_oncall(failing[0])
        if len(targets) == 1 and oncall is not None:
            return f"Only the on-call of target `{failing[0]}` can decide this request: {oncall.mention}."
        if len(targets) == 1 or (unverified and all(self._target_oncall(t) is None for t in failing)):
            return self._not_allowed(unverified, global_why)
        return f"This request's jobs are in several targets: only someone on call for each of them can decide it ({self._deciders(targets)})."

    def _deciders(self, targets: Sequence[str | None]) -> str:
        """Who decides for each target, as a refusal names them."""
        named = []
        for target in targets:
            oncall = self._target_oncall(target)
            where = f"`{target}`" if target else "jobs not found yet"
            named.append(f"{where}: {oncall.mention if oncall else 'the on-call approvers'}")
        return "; ".join(named)

    # -- shared ---------------------------------------------------------------------

    def _role_for(self, user_id: str, target: str | None) -> tuple[Role, tuple[str, ...]]:
        """The role for acting on `target`. A target with its own on-call: they are its approvers,
        and nobody else is (a global on-call may still ask them, as a requester may)."""
        role, unverified = self._role(user_id)
        oncall = self._target_oncall(target)
        if oncall is None:
            return role, unverified
        if self.policy.is_target_oncall(user_id, oncall):
            return Role.APPROVER, ()
        return (Role.REQUESTER if role is Role.APPROVER else role), unverified

    def _may_act(self, request: Request, target: str) -> str | None:
        """The executor's guard: why the request's decider may not send a job found in `target`
        (None: they may). The escalation level decides requests; it never cancels directly."""
        oncall, decider = self._target_oncall(target), request.decided_by or ""
        decided = request.kind in (RequestKind.APPROVAL, RequestKind.PROPOSAL)
        if oncall is None or self.policy.is_target_oncall(decider, oncall) or (decided and self.is_next_level(decider)):
            return None
        return f"found in target `{target}`, whose own on-call alone may act on it ({oncall.named}); nothing was sent"

    def _target_oncall(self, target: str | None) -> TargetOnCall | None:
        oncall_of = getattr(self.policy, "oncall_of", None)  # a policy without targets has none
        return oncall_of(target) if oncall_of else None

    def _role(self, user_id: str) -> tuple[Role, tuple[str, ...]]:
        check = getattr(self.policy, "check", None)
        if check is None:
            return self.policy.role(user_id), ()
        result = check(user_id)
        return result.role, tuple(result.unverified)

    @staticmethod
    def _not_allowed(unverified: Sequence[str], default: str = "") -> str:
        if unverified:
            return (
                "Slack could not confirm your user-group membership just now, so the bot cannot tell what "
                "you may do (it fails closed). Try again in a few minutes."
            )
        return default or ("You are not allowed to cancel or request cancellations. Ask on-call, or an admin to add you to the requesters.")

    def _remember_message(self, request: Request, caller: Caller) -> None:
        """A click can beat the storing of the message's ts; Slack tells us which message it was."""
        if not request.message_ts and caller.message:
            self.store.requests.set_message(request.id, *caller.message)

    def _tell(self, task: Task, caller: Caller, text: str) -> None:
        self.store.work.enqueue([announce.tell(caller, text, task.key)])
        self.wake()

    def _refuse(
        self,
        task: Task,
        caller: Caller,
        action: str,
        why: str,
        *,
        job_ids: Sequence[str] = (),
        about: Command | None = None,
        targets: Mapping[str, Any] | None = None,
    ) -> None:
        """Refuse a command; its audit entry names the target it named (`about`), or `targets`."""
        named = oc.named_target(getattr(about, "target", ""), self.ci)
        self._record_refusal(task.key, caller, action, why, job_ids=job_ids, targets=targets or named, tell=True)

    def _record_refusal(
        self,
        task_key: str,
        caller: Caller,
        action: str,
        why: str,
        *,
        job_ids: Sequence[str] = (),
        request_id: str | None = None,
        targets: Mapping[str, Any] | None = None,
        tell: bool,
    ) -> None:
        """Audit a refusal once per task (a re-run finds its marker) and tell the caller. `targets`:
        what the refused command or request is about (outcomes.targets_detail): `audit --target` finds it."""
        detail: dict[str, Any] = {"action": action, "why": why, "channel": caller.channel_id, "job_ids": list(job_ids), **(targets or {})}
        marker = (
            announce.tell(caller, why, f"{task_key}:refused")
            if tell
            else NewTask(key=f"{task_key}:refused", kind="noop", lane="none", payload={}, done=True)
        )
        if self.store.audit.append_once(marker, AuditEvent.REFUSED, caller.user_id, request_id, detail):
            metrics.command(action, "refused")
            event(log, "command.refused", logging.WARNING, user=caller.user_id, action=action, why=why, request_id=request_id)
        self.wake()

    def _already(self, request: Request | None) -> str:
        if request is None:
            return "That request does not exist (any more)."
        if request.state == State.PENDING:
            return "This request has expired; ask the requester to send a new one."
        if request.state == State.EXPIRED:
            return "This request expired before anyone decided; ask the requester to send a new one."
        if request.state == State.WITHDRAWN:
            return f"Already withdrawn by <@{request.requester}>; nothing was cancelled."
        who = f"<@{request.decided_by}>" if request.decided_by and request.decided_by != "system" else "someone"
        verb = State.DENIED if request.state == State.DENIED else State.APPROVED
        return f"Already {verb} by {who}."


def _ids(job_ids: Sequence[str], shown: int = 5) -> str:
    listed = ", ".join(f"`{j}`" for j in job_ids[:shown])
    return listed + (f" and {len(job_ids) - shown} more" if len(job_ids) > shown else "")
