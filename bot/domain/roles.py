"""Who may act on which jobs: the caller's role (the policy's, or with several targets, that of
each job's target, whose own on-call alone approves there), and where each job is, which
decides it. A mixin of the Workflow (it shares its policy and CI port)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.domain import outcomes as oc
from bot.domain.commands import Cancel
from bot.domain.parts import WorkflowParts
from bot.domain.placement import place_of
from bot.domain.policy import Role, TargetOnCall
from bot.domain.states import JobTarget, RequestKind
from bot.store import Request


class RolesMixin(WorkflowParts):
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

    # -- roles ----------------------------------------------------------------------

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


def _ids(job_ids: Sequence[str], shown: int = 5) -> str:
    listed = ", ".join(f"`{j}`" for j in job_ids[:shown])
    return listed + (f" and {len(job_ids) - shown} more" if len(job_ids) > shown else "")
