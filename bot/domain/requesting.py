"""A cancel command: cancel directly (an on-call without four-eyes), ask on-call (look the jobs
up, then store the pending request with its post and reminders), or refuse.

A mixin of the Workflow (it shares its store, policy and helpers); both handlers are stored
tasks that may run more than once: a re-run finds the request its task's key names.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.announce import Caller
from bot.domain.commands import Cancel
from bot.domain.execution_task import execute_task
from bot.domain.kinds import LOOKUPS, REQUEST, command_task, request_id_of
from bot.domain.lookups import not_asked
from bot.domain.parts import WorkflowParts
from bot.domain.payloads import CommandPayload
from bot.domain.placement import unknown_target
from bot.domain.policy import Role
from bot.domain.roles import _ids
from bot.domain.states import AuditEvent, JobTarget, RequestKind, State
from bot.observe import metrics
from bot.observe.logs import event
from bot.store import POST, PendingLimit, Task

log = logging.getLogger("bot.domain.workflow")  # its name before the move: operators filter JSON lines on `logger`


class RequestingMixin(WorkflowParts):
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
