"""Delivers the workflow's stored announcements to Slack (the handlers of `slack.*` tasks).

A delivery that Slack refuses for a passing reason (rate limit, 5xx, network) raises
RetryLater and the task runs again; one it refuses for good (not in channel, bad blocks) is
logged and, where there is one, sent by a fallback route. Either way the workflow is never
held up: it stored its decision before any of this ran.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.domain import announce, escalation
from bot.domain.announce import Caller
from bot.observe.logs import event
from bot.slack import blocks as bk
from bot.slack import home_blocks
from bot.slack import proposal_blocks as pb
from bot.slack.calls import slack_call
from bot.slack.history import find_posted, posted_replies
from bot.slack.request_blocks import approval_message, requester_update, result_message
from bot.slack.respond import respond
from bot.slack.status_blocks import status_message
from bot.store import Request, Store, Task
from bot.work import RetryLater

log = logging.getLogger(__name__)

REQUEST_EVENT = "cancel_moderation_request"
LOOKBACK = 600.0  # seconds before a record's own time to look for its post: hosts' clocks differ from Slack's
REMINDER_EVENT = "cancel_moderation_reminder"
RESULT_EVENT = "cancel_moderation_result"
#: Posts that carry a stream URL: Slack must not fetch or preview it (nor anything else linked).
NO_UNFURL: dict[str, Any] = {"unfurl_links": False, "unfurl_media": False}


class Courier:
    def __init__(
        self,
        client: WebClient,
        store: Store,
        approval_channel: str,
        *,
        mention: str = "",
        target_mentions: dict[str, str] | None = None,
        home_data=None,
        home_audience=None,
        fresh: float | None = None,
        card_evidence=None,
    ) -> None:
        self.client = client
        self.store = store
        self.approval_channel = approval_channel
        self.mention = mention  # on-call's user groups (or users), mentioned in approvals and reminders
        self.target_mentions = target_mentions or {}  # a target with its own on-call: they, instead
        self.home_data = home_data  # user id -> HomeData (the workflow knows who is on call)
        self.home_audience = home_audience  # request -> the users whose Home it changes (on-call, the requester)
        self.fresh = fresh  # a fenced post needs our heartbeat at most this old (seconds): see store/fencing.py
        self.card_evidence = card_evidence  # request -> what its card shows of each job (no CI call)

    def _mention(self, request) -> str:
        """Whom a request's card and reminder call: each of its jobs' targets' own on-call, and the
        global one for the rest (a decider must be on call for every one of them)."""
        mentions = (self.target_mentions.get(target or "", self.mention) for target in request.job_targets)
        return " ".join(dict.fromkeys(m for m in mentions if m))

    def handlers(self) -> dict:
        return {
            announce.TELL: self.tell,
            announce.STATUS: self.status,
            announce.APPROVAL_POST: self.approval_post,
            announce.APPROVAL_UPDATE: self.approval_update,
            announce.RESULT: self.result,
            announce.REQUESTER_DM: self.requester_dm,
            announce.REMINDER: self.reminder,
            announce.PENDING: self.pending,
            announce.HOME: self.home,
        }

    # -- caller-only -----------------------------------------------------------------
    def tell(self, task: Task) -> None:
        self._tell(Caller.from_dict(task.payload["caller"]), task.payload["text"])

    def status(self, task: Task) -> None:
        text, blocks = status_message(task.payload["statuses"])
        self._tell(Caller.from_dict(task.payload["caller"]), text, blocks)

    def pending(self, task: Task) -> None:
        requests = [r for r in map(self.store.requests.get, task.payload["request_ids"]) if r]
        evidence = {r.id: self.card_evidence(r) for r in requests[:45]} if self.card_evidence else None
        text, blocks = home_blocks.pending_message(requests, task.payload["approver"], evidence)
        self._tell(Caller.from_dict(task.payload["caller"]), text, blocks)

    def _tell(self, caller: Caller, text: str, blocks: list | None = None) -> None:
        payload: dict[str, Any] = {"text": text, **({"blocks": bk.as_dicts(blocks)} if blocks else {})}
        if caller.response_url and respond(caller.response_url, response_type="ephemeral", replace_original=False, **_no_unfurl(payload)):
            return
        if not caller.channel_id:  # a click on the Home tab: no channel to whisper in
            return self._dm(caller.user_id, **payload)
        with slack_call("chat.postEphemeral", logger=log) as call:
            self.client.chat_postEphemeral(channel=caller.channel_id, user=caller.user_id, **_no_unfurl(payload))
        if call.failed:
            self._dm(caller.user_id, **payload)  # e.g. the bot is not in that channel

    # -- results -----------------------------------------------------------------------
    def result(self, task: Task) -> None:
        request = self._request(task)
        self._refresh_homes(request)
        caller = Caller.from_dict(task.payload["caller"])
        text, blocks = result_message(request)
        payload: dict[str, Any] = {"text": text, "blocks": bk.as_dicts(blocks)}
        edit = bool(request.retries and caller.message)  # "Retry failed": the clicked result shows the new outcomes
        if not edit:  # a post is made once; an edit made twice shows the same message
            if self._posted_before(task, caller.channel_id, request.created_at - LOOKBACK):
                return
            self._fence(task)
        with slack_call("chat.update" if edit else "chat.postMessage", failed="slack.post_failed", channel=caller.channel_id, logger=log) as call:
            if edit and caller.message:
                self.client.chat_update(channel=caller.message[0], ts=caller.message[1], **payload)
            else:
                self.client.chat_postMessage(channel=caller.channel_id, metadata=_result_metadata(task), **NO_UNFURL, **payload)
        if not call.failed:
            return
        if caller.response_url and respond(caller.response_url, response_type="in_channel", **NO_UNFURL, **payload):
            return
        self._dm(caller.user_id, **payload)

    def _posted_before(self, task: Task, channel: str, oldest: float) -> bool:
        """An earlier attempt of this result post is on record (a lost answer, a database blip
        before the task was marked done, a worker that died): is it in the channel already?"""
        if not channel or not self.store.work.task_attempts(task.key):
            return False
        # A passing failure: look again later rather than post a second copy.
        with slack_call("conversations.history", failed="slack.history_failed", channel=channel, logger=log):
            return find_posted(self.client, channel, RESULT_EVENT, "task", task.key, oldest=oldest) is not None
        return False  # Slack refuses the look-up for good: post (a possible duplicate beats no result)

    # -- approvals ---------------------------------------------------------------------
    def approval_post(self, task: Task) -> None:
        request = self._request(task)
        try:
            self._post_approval(task, request)
        finally:
            self._refresh_homes(request)  # after the post: working out whose Home changes never delays it

    def _post_approval(self, task: Task, request: Request) -> None:
        if request.message_ts:
            return  # posted already (a click told us where)
        if self.store.work.task_attempts(task.key):  # an earlier try (here, or by a worker that died) may have landed
            found = find_posted(self.client, self.approval_channel, REQUEST_EVENT, "request_id", request.id, oldest=request.created_at - LOOKBACK)
            if found:
                self.store.requests.set_message(request.id, self.approval_channel, found)
                return
        self._fence(task)
        text, blocks = approval_message(request, task.payload.get("statuses"), self._mention(request))
        with slack_call("chat.postMessage", failed="slack.approval_post_failed", level=logging.ERROR, request_id=request.id, logger=log) as call:
            response = self.client.chat_postMessage(
                channel=self.approval_channel,
                text=text,
                blocks=bk.as_dicts(blocks),
                metadata={"event_type": REQUEST_EVENT, "event_payload": {"request_id": request.id}},
                **NO_UNFURL,
            )
        if call.failed:
            return
        self.store.requests.set_message(request.id, response["channel"], response["ts"])

    def approval_update(self, task: Task) -> None:
        request = self._request(task)
        try:
            self._update_approval(request, task.payload.get("statuses"))
        finally:
            self._refresh_homes(request)  # after the update: taking the buttons away never waits for Home
        # The escalation's direct messages lose their buttons too (stored before this task is done).
        if closing := escalation.dms_closed(self.store, request):
            self.store.work.enqueue(closing)

    def _update_approval(self, request: Request, statuses: list | None = None) -> None:
        """Re-render the card: with `statuses` just read (Refresh), else the newest known."""
        if not (request.message_channel and request.message_ts):
            return  # never posted: nothing to update
        statuses = statuses or self._card_statuses(request)
        text, blocks = approval_message(request, statuses, self._mention(request))
        with slack_call("chat.update", failed="slack.update_failed", request_id=request.id, logger=log):
            self.client.chat_update(channel=request.message_channel, ts=request.message_ts, text=text, blocks=bk.as_dicts(blocks))

    def _card_statuses(self, request: Request) -> list | None:
        if self.card_evidence is not None:
            return self.card_evidence(request)
        post = self.store.work.get_task(f"{request.id}:post")
        return post.payload.get("statuses") if post else None

    def requester_dm(self, task: Task) -> None:
        request = self._request(task)
        self._fence(task)  # a worker presumed dead (stalled) sends nothing its successor sends too
        self._dm(request.requester, text=requester_update(request))

    # -- reminders ---------------------------------------------------------------------
    def reminder(self, task: Task) -> None:
        """One reminder in the approval message's thread, only if the request is still pending."""
        request = self._request(task)
        if not request.is_open:
            return
        if not (request.message_channel and request.message_ts):
            raise RetryLater(2.0, "approval message not posted yet")
        # Any earlier try (a lost answer, a worker killed mid-post) may be in the thread: look first.
        if self.store.work.task_attempts(task.key) and posted_replies(
            self.client, request.message_channel, request.message_ts, REMINDER_EVENT, "request_id", request.id
        ):
            return
        if not self._fence(task, pending_request=request.id):
            return  # decided, withdrawn or expired meanwhile (e.g. while that look-up was slow)
        mention = self._mention(request)
        text = (
            f"⏰ Reminder{' ' + mention if mention else ''}: request `{request.id[:8]}` from "
            f"{pb.requester(request)} ({len(request.job_ids)} job(s)) is still waiting for a decision; it expires "
            f"{bk._date(request.expires_at)}."
        )
        with slack_call("chat.postMessage", failed="slack.reminder_failed", request_id=request.id, logger=log):
            self.client.chat_postMessage(
                channel=request.message_channel,
                thread_ts=request.message_ts,
                text=text,
                metadata={"event_type": REMINDER_EVENT, "event_payload": {"request_id": request.id, "part": 1}},
            )

    # -- Home tab ------------------------------------------------------------------------
    def home(self, task: Task) -> None:
        """Publish a user's Home tab; a refresh that finds it showing this change already is skipped."""
        user_id, version = task.payload["user_id"], self.store.homes.latest_change()
        if task.payload.get("opened"):
            self.store.homes.opened(user_id)
        elif self.store.homes.shown(user_id) >= version:
            return  # a burst of changes: an earlier refresh already showed the latest
        with slack_call("views.publish", failed="slack.home_failed", user=user_id, logger=log) as call:
            self.client.views_publish(user_id=user_id, view=home_blocks.home_view(self.home_data(user_id)).to_dict())
        if call.failed:
            return
        self.store.homes.mark_shown(user_id, version)

    def _refresh_homes(self, request: Request) -> None:
        """A request changed: refresh, in the Home lane, the Home of those it concerns who
        opened the tab (coalesced); everyone else sees it when they next open the tab."""
        users = self.home_audience(request) if self.home_audience else []
        if users:
            version = self.store.homes.latest_change()
            self.store.homes.queue_refreshes([announce.home(user, version) for user in users])

    # -- shared ------------------------------------------------------------------------
    def _fence(self, task: Task, pending_request: str | None = None) -> bool:
        """Right before a post that must be made once: record the attempt if the task is still
        ours. If not (we stalled and another worker took it over, or our heartbeat is late),
        post nothing: RetryLater gives the task back if it is still ours, and is a no-op if not.
        With `pending_request`, False (post nothing, the task is done) once that request is no
        longer pending: a decision is final, so the check cannot turn true again."""
        if self.store.work.fence_task_attempt(task.key, task.owner or "", self.fresh, pending_request=pending_request):
            return True
        if pending_request is not None and not getattr(self.store.requests.get(pending_request), "is_open", False):
            return False  # (a request is never deleted: None cannot happen, and would mean not pending)
        event(log, "slack.post_fenced", logging.WARNING, task=task.key, kind=task.kind)
        raise RetryLater(1.0, "not fenced: the task is no longer ours, or our heartbeat is late")

    def _request(self, task: Task) -> Request:
        request = self.store.requests.get(task.payload["request_id"])
        if request is None:
            raise LookupError(f"request {task.payload['request_id']} is not stored")
        return request

    def _dm(self, user_id: str, **payload) -> None:
        with slack_call("chat.postMessage", failed="slack.dm_failed", user=user_id, logger=log):
            self.client.chat_postMessage(channel=user_id, **_no_unfurl(payload))


def _no_unfurl(payload: dict[str, Any]) -> dict[str, Any]:
    """A card (blocks) may carry a stream URL: Slack must not unfurl it; a plain text is as before."""
    return {**payload, **NO_UNFURL} if "blocks" in payload else payload


def _result_metadata(task: Task) -> dict:
    """Names the result post by its task (one per request and "Retry failed" round) for the look-up."""
    return {"event_type": RESULT_EVENT, "event_payload": {"task": task.key}}
