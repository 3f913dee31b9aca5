"""The workflow's task kinds: what the Slack listeners store (a command, a look-up, a click),
each kind's class (how urgent) and lane (which threads run it), and the tasks' constructors."""

from __future__ import annotations

from bot.domain import announce
from bot.domain.announce import Caller
from bot.domain.commands import Command
from bot.domain.escalation import ESCALATE, ESCALATION_MEMBERS
from bot.domain.execution_task import EXECUTE
from bot.domain.lookups import REFRESH
from bot.domain.oncall import RETRY, WITHDRAW
from bot.domain.payloads import ClickPayload, CommandPayload
from bot.domain.states import Lane, TaskKind
from bot.store import BACKGROUND, DECIDE, POST, NewTask, Task

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
