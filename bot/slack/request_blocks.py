"""A cancellation request's cards: on-call's approval card (buttons while pending, the outcome
afterwards), the result of a cancel with **Retry failed**, and the requester's DM."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.outcomes import StatusAnswer
from bot.domain.states import RequestKind, State
from bot.slack.blocks import MAX_BLOCKS, _date, _sections, esc
from bot.slack.job_lines import _dm_line, _tally, outcome_line, read_note, status_line
from bot.store import Request

APPROVE_ACTION = "approve_request"
DENY_ACTION = "deny_request"
WITHDRAW_ACTION = "withdraw_request"
RETRY_ACTION = "retry_failed"
REFRESH_ACTION = "refresh_evidence"


def result_message(request: Request) -> tuple[str, list[Block]]:
    """The outcome of a cancel (direct or approved): per job, what Tencent said."""
    outcomes = request.outcome or []
    title = _tally(outcomes)
    who = f"<@{request.decided_by}>" if request.kind == RequestKind.DIRECT else f"<@{request.decided_by}> (approved)"
    head: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=("✅ " if all(o["ok"] for o in outcomes) else "⚠️ ") + title)),
        SectionBlock(text=MarkdownTextObject(text=f"*By* {who} · *requested by* <@{request.requester}>\n*Reason:* {esc(request.reason)}")),
    ]
    lines = [outcome_line(o) for o in outcomes]
    retry = retry_actions(request)
    return title, head + _sections(lines, MAX_BLOCKS - len(head) - 1 - len(retry)) + retry


def retry_actions(request: Request) -> list[Block]:
    """**Retry failed** for a finished request with failed or unknown jobs; the value names the
    round, so a click on an older result cannot send the jobs a second time."""
    jobs = request.open_jobs if request.state == State.DONE else []
    if not jobs:
        return []
    return [
        ActionsBlock(
            block_id="retry",
            elements=[
                ButtonElement(
                    text="Retry failed",
                    action_id=RETRY_ACTION,
                    value=f"{request.id}:{request.retries}",
                    confirm=ConfirmObject(
                        title="Send them again?", text=f"Tencent will be asked again to stop {len(jobs)} job(s).", confirm="Send again", deny="Back"
                    ),
                )
            ],
        )
    ]


def approval_message(request: Request, statuses: list[StatusAnswer] | None = None, mention: str = "") -> tuple[str, list[Block]]:
    """The request as on-call sees it: buttons while pending, the outcome afterwards. `mention`
    (on-call's user groups or users) notifies them: it goes in the text as well as the blocks."""
    if request.kind == RequestKind.PROPOSAL:  # Tencent moderation's proposal has a card of its own
        from bot.slack.proposal_blocks import proposal_message

        return proposal_message(request, statuses, mention)
    title = f"Cancellation request for {len(request.job_ids)} job(s)"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=title)),
        *([SectionBlock(text=MarkdownTextObject(text=f"On-call: {mention}"))] if mention else []),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Requested by*\n<@{request.requester}>"),
                MarkdownTextObject(text=f"*Expires*\n{_date(request.expires_at)}"),
                MarkdownTextObject(text=f"*Reason*\n{esc(request.reason)[:1900]}"),
                MarkdownTextObject(text=f"*Request*\n`{request.id[:8]}`"),
                *([MarkdownTextObject(text=f"*Target*\n`{esc(request.target)}`")] if request.target else []),
            ]
        ),
        *escalated_note(request),
    ]
    footer = _approval_footer(request)
    note = read_note(statuses or []) if not request.outcome else ""
    if note:
        footer = [ContextBlock(elements=[MarkdownTextObject(text=note)]), *footer]
    budget = MAX_BLOCKS - len(blocks) - len(footer)
    if request.outcome:
        blocks += _sections([outcome_line(o) for o in request.outcome], budget)
    elif statuses:
        blocks += _sections([status_line(s) for s in statuses], budget)
    else:
        blocks += _sections([f"• `{j}`" for j in request.job_ids], budget)
    return (f"{title} · {mention}" if mention else title), blocks + footer


def escalated_note(request: Request) -> list[Block]:
    """Once escalated, the card says to whom and when (it keeps its buttons)."""
    if request.escalated_at is None:
        return []
    return [
        ContextBlock(
            elements=[MarkdownTextObject(text=f"🚨 Escalated to {request.escalated_to or 'the next level'} · {_date(request.escalated_at)}")]
        )
    ]


def decision_buttons(request: Request, block_id: str = "decision") -> ActionsBlock:
    """Approve (with Slack's confirm dialog) and Deny: the same in the channel and on the Home tab."""
    if request.kind == RequestKind.PROPOSAL:  # its Cancel stream and Dismiss
        from bot.slack.proposal_blocks import proposal_buttons

        return proposal_buttons(request, block_id)
    confirm = ConfirmObject(
        title="Cancel these jobs?",
        text=f"Tencent will stop moderating {len(request.job_ids)} live stream(s). This cannot be undone.",
        confirm="Cancel the jobs",
        deny="Back",
    )
    return button_pair(request.id, block_id, ("Approve", APPROVE_ACTION, "primary"), confirm, ("Deny", DENY_ACTION, "danger"))


def button_pair(
    request_id: str, block_id: str, yes: tuple[str, str, str | None], confirm: ConfirmObject, no: tuple[str, str, str | None]
) -> ActionsBlock:
    """A decision's two buttons, each (text, action id, style): `yes` behind Slack's confirm dialog."""
    return ActionsBlock(
        block_id=block_id,
        elements=[
            ButtonElement(text=yes[0], action_id=yes[1], value=request_id, style=yes[2], confirm=confirm),
            ButtonElement(text=no[0], action_id=no[1], value=request_id, style=no[2]),
        ],
    )


def refresh_button(request: Request) -> ButtonElement:
    """Re-read the card's evidence (state, flags) from the query API."""
    return ButtonElement(text="Refresh", action_id=REFRESH_ACTION, value=request.id)


def withdraw_button(request: Request) -> ButtonElement:
    return ButtonElement(
        text="Withdraw",
        action_id=WITHDRAW_ACTION,
        value=request.id,
        confirm=ConfirmObject(
            title="Withdraw this request?", text="On-call will no longer be asked; nothing is cancelled.", confirm="Withdraw", deny="Back"
        ),
    )


def _approval_footer(request: Request) -> list[Block]:
    if request.state == State.PENDING:
        buttons = decision_buttons(request)
        buttons.elements.append(withdraw_button(request))  # for the requester only (others are refused)
        buttons.elements.append(refresh_button(request))
        return [buttons]
    return [ContextBlock(elements=[MarkdownTextObject(text=closing_line(request))]), *retry_actions(request)]


def closing_line(request: Request) -> str:
    """How a request that has left pending ended (or is ending): who decided, and what came of it."""
    if request.kind == RequestKind.PROPOSAL:
        from bot.slack.proposal_blocks import closing_line as proposal_closing_line

        return proposal_closing_line(request)
    by = f"<@{request.decided_by}>" if request.decided_by and request.decided_by != "system" else ""
    if request.state == State.APPROVED:
        text = f"⏳ Approved by {by}, cancelling…"
    elif request.state == State.DENIED:
        note = f": {esc(request.decision_note)}" if request.decision_note else ""
        text = f"🚫 Denied by {by}{note}"
    elif request.state == State.EXPIRED:
        text = "⌛ Expired: nobody decided in time. Nothing was cancelled."
    elif request.state == State.WITHDRAWN:
        text = f"↩️ Withdrawn by <@{request.requester}>. Nothing was cancelled."
    else:
        text = f"{'✅' if all(o['ok'] for o in request.outcome or []) else '⚠️'} Approved by {by} · " + _tally(request.outcome or [])
    if request.retries:
        text += f" · sent again {request.retries}×"
    return text


def requester_update(request: Request) -> str:
    """The requester's DM: how the request ended, naming each job and what happened to it."""
    short = f"`{request.id[:8]}`"
    jobs = "\n".join(f"• `{j}`" for j in request.job_ids)
    if request.state == State.DENIED:
        note = f" Reason: {esc(request.decision_note)}" if request.decision_note else ""
        return f"🚫 Your cancellation request {short} was denied by <@{request.decided_by}>.{note} Nothing was cancelled:\n{jobs}"
    if request.state == State.EXPIRED:
        return f"⌛ Your cancellation request {short} expired before on-call decided. Nothing was cancelled:\n{jobs}"
    lines = "\n".join(_dm_line(o) for o in request.outcome or [])
    return f"Your cancellation request {short} was approved by <@{request.decided_by}>: {_tally(request.outcome or [])}.\n{lines}"
