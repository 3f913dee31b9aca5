"""Proposals from moderation callbacks: Tencent says a live job flagged something; on-call
decides whether to cancel the stream.

A callback is only a hint (anyone who knows the URL can post one): its task carries nothing
but a grammar-checked JobId. The task asks the query API itself, at look-up priority, and
proposes only when the service says the job is still running and flagged with a verdict in
PROPOSE_RESULTS. A proposal is a request of kind `proposal` (requester: Tencent moderation),
so deciding it exactly once, auditing, Home, reminders, expiry and the cancel itself are the
request machinery's: **Cancel stream** is Approve; **Dismiss** is Deny, audited `dismissed`.
At most one proposal per job per PROPOSAL_COOLDOWN_SECONDS, kept by the database.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.domain import announce
from bot.domain import outcomes as oc
from bot.domain.evidence import is_running, reading_of
from bot.domain.placement import pinned
from bot.domain.states import AuditEvent, Lane, RequestKind, State, TaskKind
from bot.observe.logs import event
from bot.store import BACKGROUND, NewTask, Task
from bot.store.proposals import CoolingDown
from bot.tencent.jobid import is_job_id
from bot.tencent.ratelimit import calls_at
from bot.tencent.results import CIError, JobStatus

if TYPE_CHECKING:
    from bot.domain.workflow import Workflow

log = logging.getLogger(__name__)

CALLBACK = TaskKind.CALLBACK
#: A proposal's requester, and the actor of its `proposed` entry: no Slack user.
PROPOSER = "tencent-moderation"
PROPOSER_NAME = "Tencent moderation"
#: Answers that say a target could not be asked (the contract counts AccessDenied with network
#: errors and 5xx), not that the job is unknown: the callback's look is retried.
CANNOT_ASK = frozenset({"TargetUnreachable", "AccessDenied"})
VERDICTS = {1: "violation", 2: "suspected"}  # the query's Result (0: normal)
#: What the `proposed` audit entry keeps of the evidence (never a flagged image's link: the parser dropped them).
EVIDENCE = ("result", "label", "flags", "flagged_snapshots", "flagged_audio", "top_score", "last_flag_ms", "read_at", "data_id")
#: Callbacks are the lowest class, in the look-up lane: a flood never delays a decision.
CLASSES: dict[str, int] = {CALLBACK: BACKGROUND}
LANES: dict[str, str] = {CALLBACK: Lane.LOOKUPS}


def callback_task(job_id: str) -> NewTask:
    """One callback's durable hint. Its key is new (a later callback must be looked into
    again); one job's tasks share a stream, so they run one at a time, in order."""
    return NewTask(key=f"callback:{uuid.uuid4().hex}", kind=CALLBACK, lane=Lane.LOOKUPS, payload={"job_id": job_id}, stream=f"callback:{job_id}")


def proposal_id_of(task: Task) -> str:
    """The proposal a callback task makes takes its id from the task: a re-run finds it."""
    return task.key.split(":", 1)[1][:32]


class Proposals:
    """The handler of callback tasks, on the Workflow's store, CI port and request settings."""

    def __init__(self, workflow: Workflow, results: frozenset[int], cooldown: float, started: Callable[[str, str], None] | None = None) -> None:
        self.workflow = workflow
        self.store = workflow.store
        self.results = results
        self.cooldown = cooldown
        self.started = started or (lambda _job, _key: None)  # the intake's coalescing: this task has begun

    def handlers(self) -> dict[str, Callable[[Task], None]]:
        return {CALLBACK: self.on_callback}

    def on_callback(self, task: Task) -> None:
        job_id = task.payload.get("job_id")
        if not isinstance(job_id, str) or not is_job_id(job_id):
            return  # stored by the intake only after the grammar check: never reached
        self.started(job_id, task.key)  # a callback arriving from now on needs a look of its own
        request_id = proposal_id_of(task)
        if self.store.requests.get(request_id) or self.store.proposals.cooling(job_id, self.cooldown):
            return  # a re-run, or a proposal is open or recent: no query needed
        status = self._query(job_id)
        if status is None:
            return
        verdict = self._verdict(status)
        if not is_running(status.state) or verdict is None:
            event(log, "proposal.not_confirmed", job_id=job_id, state=status.state, result=verdict)
            return
        self._propose(task, request_id, status, verdict)

    def _verdict(self, status: JobStatus) -> int | None:
        """The most serious configured verdict the answer shows: the job's own Result, or a
        flagged snapshot's or audio section's (a job-level Result may be missing); None: none."""
        shown = {status.result or 0, *(flag.result for flag in status.flags)}
        matched = sorted(v for v in shown if v in self.results)  # 1 (violation) before 2 (suspected)
        return matched[0] if matched else None

    def _query(self, job_id: str) -> JobStatus | None:
        """What the service says now; None when it does not know the job (or refuses for good).
        A passing failure raises: the task is retried later."""
        try:
            with calls_at(BACKGROUND):
                status = self.workflow.ci.describe(job_id)  # never a cached answer: the callback says something changed
        except CIError as exc:
            if exc.retryable:
                raise
            if exc.code in CANNOT_ASK:  # not "unknown": the job's target could not be asked; retried, never dropped
                raise
            event(log, "proposal.query_refused", logging.WARNING, job_id=job_id, code=exc.code)
            return None
        self.workflow.evidence.remember("", job_id, reading_of(status, time.time()))  # what cards and the checked cancel show next
        return status

    def _propose(self, task: Task, request_id: str, status: JobStatus, verdict: int) -> None:
        job_id = status.job_id
        statuses = [oc.status_dict(job_id, status)]
        target = oc.found_in_one(statuses)
        label = status.label
        reason = f"Tencent moderation flagged this running job: {VERDICTS.get(verdict, str(verdict))}" + (f" ({label})" if label else "")
        evidence = {k: v for k, v in statuses[0].items() if k in EVIDENCE}
        detail: dict[str, Any] = {"reason": reason, "job_ids": [job_id], "state": status.state, **evidence}
        try:
            _, created = self.store.requests.create(
                request_id=request_id,
                kind=RequestKind.PROPOSAL,
                state=State.PENDING,
                requester=PROPOSER,
                origin_channel="",
                reason=reason,
                job_ids=[job_id],
                ttl=self.workflow.ttl,
                audit=(AuditEvent.PROPOSED, {**detail, **oc.named_target(target, self.workflow.ci)}),
                tasks=[
                    announce.approval_post(request_id, statuses),
                    *self.workflow.reminders_for(request_id),
                    *self.workflow.escalations_for(request_id),  # a proposal nobody answers reaches the next level too
                ],
                target=target,
                found_in=pinned(self.workflow.ci, [job_id], target),  # as for requests: acted on there or nowhere
                guard=self.store.proposals.guard(job_id, self.cooldown),
            )
        except CoolingDown:
            return  # another callback (here or in another process) proposed it first
        if created:
            event(log, "proposal.created", request_id=request_id, job_id=job_id, result=verdict)
            self.workflow.wake()
