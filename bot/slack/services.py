"""What listeners need, passed to each register(app, services)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient

from ..domain.workflow import Workflow
from ..worker import BackgroundWork
from .announcer import SlackAnnouncer


@dataclass(frozen=True)
class Services:
    workflow: Workflow
    work: BackgroundWork
    announcer: SlackAnnouncer
    client: WebClient


def busy_text() -> str:
    return "The bot is restarting and did not take this; please try again in a minute."
