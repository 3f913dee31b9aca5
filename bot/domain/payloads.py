"""The workflow's task payloads, typed. Each `to_dict` writes exactly the JSON stored before
these types existed (same keys, same order), and `from_dict` reads it, so tasks stored by an
older version still run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.announce import Caller
from bot.domain.commands import Cancel, Command, Help, Pending, Status
from bot.domain.states import CommandKind


def command_to_dict(command: Command) -> dict[str, Any]:
    # "target" only when named: a command without one is stored exactly as before
    named = {"target": command.target} if isinstance(command, Cancel | Status) and command.target else {}
    if isinstance(command, Cancel):
        pinned = {"bucket": command.bucket, "region": command.region} if command.bucket else {}
        return {"kind": CommandKind.CANCEL, "job_ids": list(command.job_ids), "reason": command.reason, **named, **pinned}
    if isinstance(command, Status):
        return {"kind": CommandKind.STATUS, "job_ids": list(command.job_ids), **named}
    if isinstance(command, Pending):
        return {"kind": CommandKind.PENDING}
    return {"kind": CommandKind.HELP}


def command_from_dict(data: dict[str, Any]) -> Command:
    """A stored command; one without a kind is a cancel (as the `command` task always held)."""
    kind = data.get("kind", CommandKind.CANCEL)
    if kind == CommandKind.STATUS:
        return Status(tuple(data["job_ids"]), data.get("target") or "")
    if kind == CommandKind.PENDING:
        return Pending()
    if kind == CommandKind.HELP:
        return Help()
    return Cancel(tuple(data["job_ids"]), data["reason"], data.get("target") or "", data.get("bucket") or "", data.get("region") or "")


@dataclass(frozen=True)
class CommandPayload:
    """A slash command (kinds `command`, `request`, `lookup`)."""

    caller: Caller
    command: Command

    def to_dict(self) -> dict[str, Any]:
        return {"caller": self.caller.to_dict(), "command": command_to_dict(self.command)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CommandPayload:
        return cls(Caller.from_dict(data["caller"]), command_from_dict(data["command"]))


@dataclass(frozen=True)
class ClickPayload:
    """A button or form on a request (approve, deny, withdraw); `note`: the deny form's text."""

    caller: Caller
    request_id: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"caller": self.caller.to_dict(), "request_id": self.request_id, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClickPayload:
        return cls(Caller.from_dict(data["caller"]), data["request_id"], data.get("note") or "")


@dataclass(frozen=True)
class RetryPayload:
    """A "Retry failed" click; `round`: the round the clicked button belongs to."""

    caller: Caller
    request_id: str
    round: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"caller": self.caller.to_dict(), "request_id": self.request_id, "round": self.round}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RetryPayload:
        return cls(Caller.from_dict(data["caller"]), data["request_id"], int(data.get("round", 0)))
