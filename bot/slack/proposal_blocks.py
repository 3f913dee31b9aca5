"""A proposal's card: Tencent moderation flagged a running job; on-call may **Cancel stream**
or **Dismiss**. The evidence is what the query API said (never a flagged image or its link);
the stream URL is plain text."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.outcomes import StatusAnswer
from bot.domain.proposals import PROPOSER, PROPOSER_NAME
from bot.domain.states import RequestKind, State
from bot.slack import blocks as bk
from bot.slack.job_lines import _tally, outcome_line, read_note, status_line
from bot.slack.request_blocks import button_pair, refresh_button, retry_actions
from bot.store import Request

# The very actions of Approve and Deny, under the names on-call sees on a proposal.
CANCEL_STREAM_ACTION = "cancel_stream"
DISMISS_ACTION = "dismiss_proposal"


def is_proposal(request: Request) -> bool:
    return request.kind == RequestKind.PROPOSAL


def requester(request: Request) -> str:
    """Who asked, as the card, Home and reminders name them: a proposal's is no Slack user."""
    return PROPOSER_NAME if request.requester == PROPOSER else f"<@{request.requester}>"


def proposal_buttons(request: Request, block_id: str = "decision") -> ActionsBlock:
    """Cancel stream (with Slack's confirm dialog) and Dismiss: on the card and on the Home tab."""
    confirm = ConfirmObject(
        title="Cancel this stream's moderation?",
        text=f"Tencent will stop moderating `{request.job_ids[0]}`. This cannot be undone.",
        confirm="Cancel stream",
        deny="Back",
    )
    return button_pair(request.id, block_id, ("Cancel stream", CANCEL_STREAM_ACTION, "danger"), confirm, ("Dismiss", DISMISS_ACTION, None))


def proposal_message(request: Request, statuses: list[StatusAnswer] | None = None, mention: str = "") -> tuple[str, list[Block]]:
    """The proposal as on-call sees it: the evidence and the buttons while pending, then who
    decided and the outcome. `mention` (on-call) goes in the text as well as the blocks."""
    job_id = request.job_ids[0] if request.job_ids else "-"
    title = f"Proposal: cancel moderation of {job_id}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Proposal: cancel a flagged stream")),
        *([SectionBlock(text=MarkdownTextObject(text=f"On-call: {mention}"))] if mention else []),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Proposed by*\n{PROPOSER_NAME} (callback, confirmed by the query API)"),
                MarkdownTextObject(text=f"*Expires*\n{bk._date(request.expires_at)}"),
                MarkdownTextObject(text=f"*Why*\n{bk.esc(request.reason)[:1900]}"),
                MarkdownTextObject(text=f"*Proposal*\n`{request.id[:8]}`"),
                *([MarkdownTextObject(text=f"*Target*\n`{bk.esc(request.target)}`")] if request.target else []),
            ]
        ),
    ]
    if request.outcome:
        lines = [outcome_line(o) for o in request.outcome]
    elif statuses:
        lines = [status_line(s) for s in statuses]
    else:
        lines = [f"• `{j}`" for j in request.job_ids]
    footer = _footer(request)
    note = read_note(statuses or []) if not request.outcome else ""  # when the evidence was read
    if note:
        footer = [ContextBlock(elements=[MarkdownTextObject(text=note)]), *footer]
    blocks += bk._sections(lines, bk.MAX_BLOCKS - len(blocks) - len(footer))
    return (f"{title} · {mention}" if mention else title), blocks + footer


def _footer(request: Request) -> list[Block]:
    if request.state == State.PENDING:
        buttons = proposal_buttons(request)
        buttons.elements.append(refresh_button(request))  # re-reads the evidence (the card only, not Home)
        return [buttons]
    return [ContextBlock(elements=[MarkdownTextObject(text=closing_line(request))]), *retry_actions(request)]


def closing_line(request: Request) -> str:
    """How a proposal that has left pending ended (or is ending)."""
    by = f"<@{request.decided_by}>" if request.decided_by and request.decided_by != "system" else ""
    if request.state == State.APPROVED:
        text = f"⏳ Cancel stream chosen by {by}, cancelling…"
    elif request.state == State.DENIED:
        text = f"🙅 Dismissed by {by}. Nothing was cancelled."
    elif request.state == State.EXPIRED:
        text = "⌛ Expired: nobody decided in time. Nothing was cancelled."
    else:
        ok = all(o["ok"] for o in request.outcome or [])
        text = f"{'✅' if ok else '⚠️'} Cancel stream chosen by {by} · {_tally(request.outcome or [])}"
    if request.retries:
        text += f" · sent again {request.retries}×"
    return text
