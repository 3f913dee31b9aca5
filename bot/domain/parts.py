"""What the Workflow's mixins (requesting.py, deciding.py, roles.py, lookups.py, oncall.py,
escalation.py) use of the Workflow and of one another: its adapters and settings, and the
shared helpers each defines. Declared for the type checker only; at run time the Workflow
(bot/domain/workflow.py) provides every one of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Command
from bot.domain.evidence import EvidenceCache
from bot.domain.execution import Executor
from bot.domain.outcomes import StatusAnswer
from bot.domain.placement import CIPort
from bot.domain.policy import Policy, Role, TargetOnCall
from bot.domain.states import JobTarget, State
from bot.store import BACKGROUND, NewTask, Request, Store, Task


class WorkflowParts:
    store: Store
    ci: CIPort
    policy: Policy
    four_eyes: bool
    ttl: int
    max_pending: int
    reminder_seconds: int
    lookup_concurrency: int
    wake: Callable[[], None]
    run_now: Callable[[list[str]], None]
    evidence: EvidenceCache
    executor: Executor

    if TYPE_CHECKING:  # defined by the Workflow or another of its mixins

        @property
        def target_names(self) -> tuple[str, ...]: ...

        @staticmethod
        def _tell_requester(request: Request, state: State) -> list[NewTask]: ...

        def _found_in(self, command: Cancel, statuses: Sequence[StatusAnswer] = ()) -> dict[str, JobTarget]: ...

        def _may_act_on_each(self, user_id: str, command: Cancel, found_in: dict[str, JobTarget]) -> tuple[bool, str | None]: ...

        def _has_target_oncall(self) -> bool: ...

        def describe_all(self, job_ids: Sequence[str], priority: int = BACKGROUND, target: str = "") -> list[StatusAnswer]: ...

        def reminders_for(self, request_id: str) -> list[NewTask]: ...

        def escalations_for(self, request_id: str) -> list[NewTask]: ...

        def _role(self, user_id: str) -> tuple[Role, tuple[str, ...]]: ...

        def _role_for(self, user_id: str, target: str | None) -> tuple[Role, tuple[str, ...]]: ...

        def _target_oncall(self, target: str | None) -> TargetOnCall | None: ...

        def _decider_problem(self, user_id: str, request: Request, job_ids: Sequence[str], global_why: str) -> str | None: ...

        @staticmethod
        def _not_allowed(unverified: Sequence[str], default: str = "") -> str: ...

        def _remember_message(self, request: Request, caller: Caller) -> None: ...

        def _tell(self, task: Task, caller: Caller, text: str) -> None: ...

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
        ) -> None: ...

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
        ) -> None: ...

        def _already(self, request: Request | None) -> str: ...

        def _detail(self, request: Request) -> dict[str, Any]: ...

        def is_next_level(self, user_id: str) -> bool: ...

        def next_level_check(self, user_id: str) -> tuple[bool, tuple[str, ...]]: ...

        def escalated_first(self, requests: list[Request]) -> list[Request]: ...
