"""Delivers an escalation's announcements (bot/domain/escalation.py): the reply in the card's
thread and the direct messages to the next level. Each is fenced with the request still
pending: once it is decided, withdrawn or expired, nothing more is posted about it."""

from __future__ import annotations

import logging

from bot.domain import announce
from bot.domain.escalation import dm_key
from bot.slack import blocks as bk
from bot.slack import escalation_blocks as eb
from bot.slack.calls import slack_call
from bot.slack.courier import LOOKBACK, Courier
from bot.slack.history import find_posted, posted_replies
from bot.store import Request, Task
from bot.work import RetryLater

log = logging.getLogger(__name__)

ESCALATION_EVENT = "cancel_moderation_escalation"
ESCALATION_DM_EVENT = "cancel_moderation_escalation_dm"
PERMALINK_TRIES = 6  # runs of a DM task (any retry counts) after which a passing permalink failure is final


class EscalationCourier:
    def __init__(self, courier: Courier) -> None:
        self.courier = courier  # its client, store and fences
        self.client = courier.client
        self.store = courier.store

    def handlers(self) -> dict:
        return {announce.ESCALATION: self.reply, announce.ESCALATION_DM: self.dm, announce.ESCALATION_DM_CLOSED: self.dm_closed}

    def reply(self, task: Task) -> None:
        """The reply in the card's thread mentioning the next level (once: an earlier try is looked for)."""
        request = self._open(task)
        if request is None or not self._card_posted(request):
            return  # decided meanwhile, or the card was refused for good: no thread to reply in
        assert request.message_channel and request.message_ts
        if self.store.work.task_attempts(task.key) and posted_replies(
            self.client, request.message_channel, request.message_ts, ESCALATION_EVENT, "request_id", request.id
        ):
            return
        if not self.courier._fence(task, pending_request=request.id):
            return  # decided meanwhile
        with slack_call("chat.postMessage", failed="slack.escalation_failed", request_id=request.id, logger=log):
            self.client.chat_postMessage(
                channel=request.message_channel,
                thread_ts=request.message_ts,
                text=eb.thread_text(request),
                metadata={"event_type": ESCALATION_EVENT, "event_payload": {"request_id": request.id, "part": 1}},
            )

    def dm(self, task: Task) -> None:
        """One member's direct message, with a link to the card (or, when the card could not be
        posted, the channel's name) and its decision buttons. Once: an earlier try is looked for."""
        request = self._open(task)
        if request is None:
            return
        user_id = task.payload["user_id"]
        permalink = self._permalink(task, request) if self._card_posted(request) else None
        if self._dm_posted_before(task, user_id, request):
            return
        if not self.courier._fence(task, pending_request=request.id):
            return
        post = self.store.work.get_task(f"{request.id}:post")
        channel = request.message_channel or self.courier.approval_channel
        text, blocks = eb.dm_message(request, post.payload.get("statuses") if post else None, permalink, channel)
        with slack_call("chat.postMessage", failed="slack.dm_failed", user=user_id, logger=log):
            self.client.chat_postMessage(
                channel=user_id,
                text=text,
                blocks=bk.as_dicts(blocks),
                metadata={"event_type": ESCALATION_DM_EVENT, "event_payload": {"task": task.key}},
                unfurl_links=False,
                unfurl_media=False,
            )

    def dm_closed(self, task: Task) -> None:
        """One member's direct message once the request has left pending: edited to say how it
        ended, without its buttons. Found by its metadata (im:history); a DM still being sent is
        waited for, one never sent (the request was decided first) is nothing to edit."""
        request = self.courier._request(task)
        user_id = task.payload["user_id"]
        key = dm_key(request.id, user_id)
        if not self.store.work.task_done(key):
            raise RetryLater(2.0, "direct message not sent yet")
        with slack_call("conversations.history", failed="slack.dm_close_failed", user=user_id, logger=log) as call:
            channel = self.client.conversations_open(users=user_id)["channel"]["id"]
            ts = find_posted(self.client, channel, ESCALATION_DM_EVENT, "task", key, oldest=(request.escalated_at or request.created_at) - LOOKBACK)
        if call.failed or ts is None:  # never posted (decided first); without im:history, slack.history_unavailable says so
            return
        text, blocks = eb.dm_closed_message(self.courier._request(task))  # as it is now: the look-up may have been slow
        with slack_call("chat.update", failed="slack.dm_close_failed", user=user_id, logger=log):
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=bk.as_dicts(blocks))

    def _open(self, task: Task) -> Request | None:
        """The request while it is still open; None once it is not."""
        request = self.courier._request(task)
        return request if request.is_open else None

    def _card_posted(self, request: Request) -> bool:
        """Whether the card is in the channel (False: Slack refused it for good). Its post still
        on its way: later."""
        if request.message_channel and request.message_ts:
            return True
        if self.store.work.task_done(f"{request.id}:post"):
            return False  # its task ended without a message: the next level is told without a link
        raise RetryLater(2.0, "approval message not posted yet")

    def _dm_posted_before(self, task: Task, user_id: str, request: Request) -> bool:
        """An earlier try of this DM is on record (a lost answer, a worker killed mid-call): is it
        in the direct message already? Needs im:write (to open it) and im:history; without them
        the DM is sent (a possible second copy beats none)."""
        if not self.store.work.task_attempts(task.key):
            return False
        with slack_call("conversations.open", failed="slack.history_failed", channel=user_id, logger=log):
            channel = self.client.conversations_open(users=user_id)["channel"]["id"]
            oldest = (request.escalated_at or request.created_at) - LOOKBACK
            return find_posted(self.client, channel, ESCALATION_DM_EVENT, "task", task.key, oldest=oldest) is not None
        return False

    def _permalink(self, task: Task, request: Request) -> str | None:
        """The card's link. A passing failure is tried again a few times; then (or when Slack
        refuses for good) the DM goes without it and names the channel: its moment passes."""
        with slack_call("chat.getPermalink", failed="slack.permalink_failed", retry=task.attempts < PERMALINK_TRIES, logger=log):
            return self.client.chat_getPermalink(channel=str(request.message_channel), message_ts=str(request.message_ts)).get("permalink")
        return None
