"""What the next level reads when a request is escalated: the reply in the card's thread, and
the direct message to each member, with the card's own Approve and Deny buttons (same action
ids and values, so a click there is a click on the card)."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.domain.outcomes import StatusAnswer
from bot.slack.blocks import MAX_BLOCKS, _date, _sections, esc
from bot.slack.job_lines import outcome_line, status_line
from bot.slack.proposal_blocks import is_proposal, requester
from bot.slack.request_blocks import closing_line, decision_buttons
from bot.store import Request

DM_BLOCK_ID = "escalation"


def _waited(request: Request) -> str:
    """How long it waited for on-call before it was escalated."""
    seconds = round((request.escalated_at or request.created_at) - request.created_at)
    return f"{seconds} s" if seconds < 120 else f"{round(seconds / 60)} min"


def _what(request: Request) -> str:
    """A proposal is called one (its proposer is Tencent moderation, no Slack user)."""
    return "proposal" if is_proposal(request) else "request"


def thread_text(request: Request) -> str:
    """The reply in the card's thread: whom it calls, what is waiting, until when."""
    to = request.escalated_to or "next level"
    return (
        f"🚨 Escalated to {to}: {_what(request)} `{request.id[:8]}` from {requester(request)} ({len(request.job_ids)} job(s)) "
        f"got no decision from on-call in {_waited(request)}; it expires {_date(request.expires_at)}. "
        f"You may {'cancel the stream or dismiss it' if is_proposal(request) else 'approve or deny it'} on this card."
    )


def dm_message(request: Request, statuses: list[StatusAnswer] | None, permalink: str | None, channel: str) -> tuple[str, list[Block]]:
    """The direct message to one member: the requester, every job with its evidence, the target,
    a link to the card (or, without one, the channel it is in), and the decision buttons."""
    short, what = f"`{request.id[:8]}`", _what(request)
    link = f"<{permalink}|Open the approval card>" if permalink else f"The approval card is in <#{channel}>."
    text = f"🚨 Escalated to you: {what} {short} from {requester(request)} to cancel {len(request.job_ids)} job(s) is still undecided"
    head: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Escalated: a {'proposal' if is_proposal(request) else 'cancellation request'} needs a decision")),
        SectionBlock(text=MarkdownTextObject(text=f"On-call did not decide it in {_waited(request)}. {link}")),
        SectionBlock(fields=_fields(request)),
    ]
    footer: list[Block] = [
        decision_buttons(request, block_id=DM_BLOCK_ID),
        ContextBlock(elements=[MarkdownTextObject(text="Your decision updates the card; the first decision wins.")]),
    ]
    lines = [status_line(s) for s in statuses] if statuses else [f"• `{j}`" for j in request.job_ids]
    return text, head + _sections(lines, MAX_BLOCKS - len(head) - len(footer)) + footer


def dm_closed_message(request: Request) -> tuple[str, list[Block]]:
    """That direct message once the request has left pending: how it ended, every job (with its
    outcome once known), and no buttons."""
    short, what = f"`{request.id[:8]}`", _what(request)
    ended = closing_line(request)
    text = f"Escalated {what} {short} from {requester(request)} ({len(request.job_ids)} job(s)): {ended}"
    head: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=f"Escalated {what}: no longer waiting for you")),
        SectionBlock(fields=_fields(request)),
    ]
    footer: list[Block] = [ContextBlock(elements=[MarkdownTextObject(text=ended)])]
    lines = [outcome_line(o) for o in request.outcome] if request.outcome else [f"• `{j}`" for j in request.job_ids]
    return text, head + _sections(lines, MAX_BLOCKS - len(head) - len(footer)) + footer


def _fields(request: Request) -> list[MarkdownTextObject]:
    short, what = f"`{request.id[:8]}`", _what(request)
    return [
        MarkdownTextObject(text=f"*{'Proposed' if is_proposal(request) else 'Requested'} by*\n{requester(request)}"),
        MarkdownTextObject(text=f"*Expires*\n{_date(request.expires_at)}"),
        MarkdownTextObject(text=f"*Reason*\n{esc(request.reason)[:1900]}"),
        MarkdownTextObject(text=f"*{what.capitalize()}*\n{short}"),
        *([MarkdownTextObject(text=f"*Target*\n`{esc(request.target)}`")] if request.target else []),
    ]
