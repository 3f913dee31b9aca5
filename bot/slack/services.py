"""What listeners need, passed to each register(app, services), and the two things they all
do: store a task before acknowledging, and open a modal right after."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.domain.workflow import Workflow
from bot.observe import metrics
from bot.observe.logs import event
from bot.slack.arrival import store_budget
from bot.slack.calls import slack_call
from bot.store import NewTask
from bot.work import QueueFull, WorkQueue

log = logging.getLogger(__name__)

BUSY = "The bot is restarting and did not take this; please try again in a minute."
FULL = "The bot is busy right now and did not take this, so nothing was done. Please try again in a minute."
NOT_STORED = "The bot could not record this (its database did not answer), so nothing was done. Please try again in a minute."


@dataclass(frozen=True)
class Services:
    workflow: Workflow
    work: WorkQueue
    client: WebClient


def new_key(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4().hex}"


def accept(services: Services, task: NewTask, context) -> str | None:
    """Store the task (then it will be carried to its end); or say why it was not taken, in
    time: the wait for the store counts from the request's arrival (Bolt's `context`)."""
    try:
        return None if services.work.accept(task, store_budget(context)) else BUSY
    except QueueFull:
        metrics.shed(task.kind)
        event(log, "task.shed", logging.WARNING, kind=task.kind, queued=services.work.queued)
        return FULL
    except TimeoutError as exc:  # the store did not answer in the time left: expected in an outage
        event(log, "task.not_stored", logging.WARNING, kind=task.kind, error=str(exc))  # no traceback: one a request
        return NOT_STORED
    except Exception as exc:
        log.exception("task.not_stored", extra={"fields": {"kind": task.kind, "error": type(exc).__name__}})
        return NOT_STORED


def open_view(services: Services, trigger_id: str, view) -> None:
    """Open a modal at once: Slack's trigger_id lasts only a few seconds."""
    with slack_call("views.open", failed="slack.views_open_failed", retry=False, logger=log):
        services.client.views_open(trigger_id=trigger_id, view=view)
