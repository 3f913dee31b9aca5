"""Block Kit messages, built with slack_sdk's block models and kept within Slack's limits."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.blocks import InputBlock
from slack_sdk.models.views import View

from bot.domain.evidence import counts_line, is_running
from bot.domain.outcomes import StatusAnswer, found_in_one, is_already_ended, result_of
from bot.domain.states import JobOutcome, RequestKind, Result, State
from bot.store import Request

MAX_BLOCKS = 50
SECTION_CHARS = 2900  # Slack allows 3000; leave room for the "…and N more" line
APPROVE_ACTION = "approve_request"
DENY_ACTION = "deny_request"
WITHDRAW_ACTION = "withdraw_request"
RETRY_ACTION = "retry_failed"
REFRESH_ACTION = "refresh_evidence"
REFRESH_STATUS_ACTION = "refresh_status"
BUTTON_VALUE_CHARS = 2000  # Slack's limit on a button's value
STREAM_CHARS = 200  # a stream URL in a job's line; the single-job card shows more
RUNNING = {"auditing", "submitted"}  # Tencent's states of a job still moderating
CANCEL_FORM = "cancel_form"
DENY_FORM = "deny_form"


def esc(text: str) -> str:
    """Escape user text for mrkdwn, so it cannot mention @channel or fake links."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(ts: float) -> str:
    iso = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))
    return f"<!date^{int(ts)}^{{date_short_pretty}} at {{time}}|{iso}>"


def _moment(ts: float) -> str:
    """A time to the second, in the reader's time zone."""
    iso = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))
    return f"<!date^{int(ts)}^{{date_short_pretty}} at {{time_secs}}|{iso}>"


def _code(text: str, limit: int = STREAM_CHARS) -> str:
    """Untrusted text as a code span: never a link, never unfurled (no backticks or line breaks
    can end the span early)."""
    clean = " ".join((text or "").replace("`", "'").split())[:limit]
    return f"`{esc(clean)}`" if clean else "-"


def job_state(s: StatusAnswer | dict) -> str:
    """Running (Submitted, Auditing) or ended, with Tencent's own state word."""
    state = str(s.get("state") or "")[:40]
    if not state:
        return "state *?*"
    return f"*{esc(state)}* (running)" if is_running(state) else f"*ended* (State {esc(state)})"


def flags_text(s: StatusAnswer | dict) -> str:
    """What moderation flagged so far: `Porn 3 · Ads 1 · top score 91 · last flag <time>`.
    Counts only: a flagged frame or sound is never shown or linked."""
    if "flags" not in s:
        return ""  # read before evidence existed
    counts = dict(s.get("flags") or {})
    text = f"flagged {_labels(counts)}" if counts else "nothing flagged"
    if s.get("top_score") is not None:
        text += f" · top score {int(s['top_score'])}"
    if s.get("last_flag_ms"):
        text += f" · last flag {_moment(int(s['last_flag_ms']) / 1000)}"
    return text


def _labels(counts: dict, shown: int = 6) -> str:
    """`Porn 3 · Ads 1`, the most frequent `shown` labels (labels are Tencent's words, escaped)."""
    top = dict(sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))[:shown])
    rest = len(counts) - len(top)
    return esc(counts_line(top)) + (f" · {rest} more label(s)" if rest > 0 else "")


def evidence_parts(s: StatusAnswer | dict, stream_chars: int = STREAM_CHARS) -> list[str]:
    """A job's evidence, part by part: state, DataId, stream (plain text), start, flags."""
    parts = [job_state(s), f"DataId {_code(s.get('data_id') or '', 100)}", f"stream {_code(s.get('stream_url') or '', stream_chars)}"]
    if s.get("creation_time"):
        parts.append(f"started {esc(str(s['creation_time'])[:40])}")
    flagged = flags_text(s)
    return [*parts, *([flagged] if flagged else [])]


def read_note(statuses: Sequence[StatusAnswer | dict]) -> str:
    """When the evidence shown was read (the oldest answer's time), for a card's context line."""
    times = [float(s["read_at"]) for s in statuses if s.get("ok", True) and s.get("read_at")]
    if not times:
        return ""
    return f"Evidence read {_moment(min(times))}. Flagged frames and audio are counted here, never shown."


def pack_lines(lines: list[str]) -> list[tuple[str, int]]:
    """Join lines into as few section texts as fit Slack's limit; each with how many lines it holds."""
    packed: list[tuple[str, int]] = []
    current, count = "", 0
    for line in lines:
        line = line[:SECTION_CHARS]
        if current and len(current) + 1 + len(line) > SECTION_CHARS:
            packed.append((current, count))
            current, count = line, 1
        else:
            current, count = (f"{current}\n{line}" if current else line), count + 1
    if current:
        packed.append((current, count))
    return packed


def _sections(lines: list[str], budget: int) -> list[Block]:
    """Pack lines into as few sections as fit, at most `budget` blocks; say what was left out."""
    packed = pack_lines(lines)
    if len(packed) > budget:
        rest = sum(count for _, count in packed[budget:])
        last, _ = packed[budget - 1]
        packed = [*packed[: budget - 1], (f"{last}\n…and {rest} more (full list: `python -m bot audit`)", 0)]
    return [SectionBlock(text=MarkdownTextObject(text=text)) for text, _ in packed]


def _where(o: JobOutcome | StatusAnswer) -> str:
    """With several targets: the target a job was found or acted in (name, bucket, region)."""
    return f" in *{esc(o['target'])}*" if o.get("target") else ""


def _seen(o: JobOutcome) -> str:
    """What the query API had shown of the job before it was acted on (stream, flags)."""
    seen = o.get("evidence") or {}
    if not seen:
        return ""
    parts = [f"stream {_code(str(seen.get('stream_url') or ''))}"]
    flagged = flags_text(seen)
    return " · " + " · ".join([*parts, *([flagged] if flagged else [])])


def outcome_line(o: JobOutcome) -> str:
    confirmed = " _(confirmed by a status query)_" if o.get("confirmed") else ""
    if o.get("confirmed") and result_of(o) is Result.CANCELLED and (o.get("state") or "").lower() not in ("", Result.CANCELLED):
        confirmed = f" _(its answer was lost; a status query shows it ended: State {esc(o.get('state') or '')})_"
    result = result_of(o)
    if is_already_ended(o):
        return f"⏹️ `{o['job_id']}`{_where(o)} already ended (State {esc(o.get('state') or '?')}): no cancel sent{_seen(o)}"
    if result is Result.CANCELLED:
        return (
            f"✅ `{o['job_id']}` cancelled{_where(o)} · DataId `{esc(o.get('data_id') or '-')}` · "
            f"created {esc(o.get('creation_time') or '-')} · RequestId `{esc(o.get('request_id') or '-')}`{confirmed}{_seen(o)}"
        )
    if result is Result.UNKNOWN:
        return (
            f"❔ `{o['job_id']}`{_where(o)} *unknown* — check with `status` ({esc(o.get('code') or '')}: "
            f"{esc(o.get('message') or '')}) · RequestId `{esc(o.get('request_id') or '-')}` · "
            "_a status query could not tell_"
        )
    state = esc(o.get("state") or "")
    if state:
        state = f" · job is still running (*{state}*)" if state.lower() in RUNNING else f" · job is *{state}*"
    return (
        f"⚠️ `{o['job_id']}`{_where(o)} *{esc(o.get('code') or 'Error')}*: {esc(o.get('message') or '')}{state} · "
        f"RequestId `{esc(o.get('request_id') or '-')}`{confirmed}{_seen(o)}\n      _{esc(o.get('hint') or '')}_"
    )


def status_line(s: StatusAnswer, stream_chars: int = STREAM_CHARS) -> str:
    """One job's line (a card for many jobs: one summary line each, within Slack's limits)."""
    if not s["ok"]:
        return f"• `{s['job_id']}`{_where(s)} could not be read: *{esc(s.get('code') or '')}* {esc(s.get('message') or '')[:300]}"
    return f"• `{s['job_id']}`{_where(s)} " + " · ".join(evidence_parts(s, stream_chars))


def _tally(outcomes: list[JobOutcome]) -> str:
    ok = sum(1 for o in outcomes if o["ok"])
    unknown = sum(1 for o in outcomes if o.get("result") == Result.UNKNOWN)
    ended = sum(1 for o in outcomes if is_already_ended(o))
    text = f"Cancelled {ok} of {len(outcomes)} job(s)" if ok < len(outcomes) else f"Cancelled {ok} job(s)"
    return text + (f", {ended} already ended" if ended else "") + (f", {unknown} unknown" if unknown else "")


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


def _dm_line(o: JobOutcome) -> str:
    result = result_of(o)
    if is_already_ended(o):
        return f"⏹️ `{o['job_id']}`{_where(o)} already ended (State {esc(o.get('state') or '?')}): no cancel sent"
    if result is Result.CANCELLED:
        return f"✅ `{o['job_id']}` cancelled{_where(o)} (RequestId `{esc(o.get('request_id') or '-')}`)"
    if result is Result.UNKNOWN:
        return f"❔ `{o['job_id']}` unknown — check with `/cancel-moderation status {o['job_id']}`"
    return f"⚠️ `{o['job_id']}`{_where(o)} not cancelled: {esc(o.get('code') or '')} {esc(o.get('message') or '')}"


def status_message(statuses: list[StatusAnswer]) -> tuple[str, list[Block]]:
    """Each job's evidence (or why it could not be read), for the caller, with **Refresh**."""
    if len(statuses) == 1:
        text, blocks = _one_status(statuses[0])
        return text, blocks + status_refresh(statuses)
    title = f"Status of {len(statuses)} jobs"
    lines = [status_line(s) for s in statuses]
    note = read_note(statuses)
    tail: list[Block] = [*([ContextBlock(elements=[MarkdownTextObject(text=note)])] if note else []), *status_refresh(statuses)]
    return title, [HeaderBlock(text=PlainTextObject(text=title)), *_sections(lines, MAX_BLOCKS - 1 - len(tail)), *tail]


def status_refresh(statuses: list[StatusAnswer]) -> list[Block]:
    """A Refresh button holding the `status` command that reads these jobs again (in the target
    they were all found in, if one; else each job's is found again); none if it does not fit."""
    target = found_in_one(statuses)
    command = f"status {f'--target {target} ' if target else ''}" + " ".join(s["job_id"] for s in statuses)
    if not statuses or len(command) > BUTTON_VALUE_CHARS:
        return []
    return [ActionsBlock(block_id="status", elements=[ButtonElement(text="Refresh", action_id=REFRESH_STATUS_ACTION, value=command)])]


def _one_status(s: StatusAnswer) -> tuple[str, list[Block]]:
    if not s["ok"]:
        text = (
            f"Could not read `{s['job_id']}`{_where(s)}: *{esc(s.get('code') or '')}* {esc(s.get('message') or '')} "
            f"(RequestId `{esc(s.get('request_id') or '-')}`)\n_{esc(s.get('hint') or '')}_"
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    flagged = flags_text(s)
    fields = [
        MarkdownTextObject(text=f"*State*\n{job_state(s)}"),
        MarkdownTextObject(text=f"*Stream*\n{_code(s.get('stream_url') or '', 1900)}"),
        MarkdownTextObject(text=f"*DataId*\n{_code(s.get('data_id') or '', 1900)}"),
        MarkdownTextObject(text=f"*Started*\n{esc(s.get('creation_time') or '-')}"),
        *([MarkdownTextObject(text=f"*Flagged*\n{flagged[:1900]}")] if flagged else []),
        *([MarkdownTextObject(text=f"*Target*\n{esc(s['target'])}")] if s.get("target") else []),
    ]
    note = read_note([s])
    return f"Job {s['job_id']}: {esc(s.get('state') or '-')}", [
        SectionBlock(text=MarkdownTextObject(text=f"*Job* `{s['job_id']}`"), fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text=f"RequestId `{esc(s.get('request_id') or '-')}`" + (f" · {note}" if note else ""))]),
    ]


ANY_TARGET = "any"  # the form's "find each job's target" choice


def target_picker(targets: Sequence[tuple[str, str]]) -> list[Block]:
    """With more than one target, the form asks which (default: find each job's)."""
    if len(targets) < 2:
        return []
    anywhere = Option(value=ANY_TARGET, text="Find each job's target")
    options = [anywhere, *(Option(value=name, text=label[:75]) for name, label in targets)]
    return [InputBlock(block_id="target", label="Target", element=StaticSelectElement(action_id="value", options=options, initial_option=anywhere))]


def cancel_form(channel_id: str, targets: Sequence[tuple[str, str]] = ()) -> View:
    return View(
        type="modal",
        callback_id=CANCEL_FORM,
        private_metadata=channel_id,
        title="Cancel moderation",
        submit="Continue",
        close="Close",
        blocks=[
            InputBlock(
                block_id="job_ids",
                label="Job IDs",
                element=PlainTextInputElement(
                    action_id="value", multiline=True, placeholder="av0123… one per line, or separated by spaces or commas"
                ),
            ),
            InputBlock(block_id="reason", label="Reason", element=PlainTextInputElement(action_id="value", multiline=True, max_length=500)),
            *target_picker(targets),
        ],
    )


def deny_form(request_id: str, caller) -> View:
    ts = caller.message[1] if caller.message else ""
    return View(
        type="modal",
        callback_id=DENY_FORM,
        private_metadata=f"{request_id}|{caller.channel_id}|{ts}",
        title="Deny request",
        submit="Deny",
        close="Back",
        blocks=[
            InputBlock(
                block_id="note",
                label="Why? (optional, the requester sees it)",
                optional=True,
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=500),
            )
        ],
    )


def as_dicts(blocks: Iterable[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]
