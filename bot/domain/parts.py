"""What the Workflow's mixins (lookups.py, oncall.py) use of the Workflow: its adapters and
settings, and the shared helpers it defines. Declared for the type checker only; at run time
the Workflow (bot/domain/workflow.py) provides every one of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.domain.announce import Caller
from bot.domain.commands import Command
from bot.domain.evidence import EvidenceCache
from bot.domain.execution import Executor
from bot.domain.placement import CIPort
from bot.domain.policy import Policy, Role, TargetOnCall
from bot.store import Request, Store, Task


class WorkflowParts:
    store: Store
    ci: CIPort
    policy: Policy
    four_eyes: bool
    reminder_seconds: int
    lookup_concurrency: int
    wake: Callable[[], None]
    evidence: EvidenceCache
    executor: Executor

    if TYPE_CHECKING:  # defined by the Workflow

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
