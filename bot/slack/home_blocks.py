"""The Home tab and the `pending` list: open requests with the buttons the viewer may use,
and the last decisions. Approve and Deny are the very buttons of the approval message."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.lookups import HomeData
from bot.domain.outcomes import StatusAnswer, target_name
from bot.domain.states import State
from bot.slack.blocks import _date, esc
from bot.slack.job_lines import read_note, status_line
from bot.slack.proposal_blocks import is_proposal, requester
from bot.slack.request_blocks import decision_buttons, refresh_button, withdraw_button
from bot.store import Request

MAX_HOME_BLOCKS = 100
SHOWN_JOBS = 5
OUTCOME = {State.APPROVED: "⏳ approved, cancelling", State.DENIED: "🚫 denied", State.WITHDRAWN: "↩️ withdrawn", State.EXPIRED: "⌛ expired"}


HOME_STREAM_CHARS = 100  # a stream URL on the Home tab: five jobs' lines fit one section


def summary(request: Request, evidence: list[StatusAnswer] | None = None) -> SectionBlock:
    """One request at a glance: requester, reason, jobs (with what their card shows of each:
    state, flags, when read), expiry."""
    more = f" and {len(request.job_ids) - SHOWN_JOBS} more" if len(request.job_ids) > SHOWN_JOBS else ""
    if evidence:
        by_job = {s["job_id"]: s for s in evidence}
        lines = [_job_line(j, by_job.get(j)) for j in request.job_ids[:SHOWN_JOBS]]
        note = read_note(evidence)
        jobs = "\n" + "\n".join(lines) + (f"\n…{more.strip()}" if more else "") + (f"\n_{note}_" if note else "")
    else:
        jobs = ", ".join(f"`{j}`" for j in request.job_ids[:SHOWN_JOBS]) + more
    return SectionBlock(
        text=MarkdownTextObject(
            text=(
                f"{escalated_mark(request)}*{requester(request)}* {_asks(request)} {len(request.job_ids)} job(s)"
                f"{in_targets(request)} · request `{request.id[:8]}`\n"
                f"*Reason:* {esc(request.reason)[:1000]}\n*Jobs:* {jobs}\n*Expires* {_date(request.expires_at)}"
            )[:2990]
        )
    )


def _asks(request: Request) -> str:
    return "proposes cancelling" if is_proposal(request) else "asks to cancel"


def _job_line(job_id: str, answer: StatusAnswer | None) -> str:
    if answer is None:
        return f"• `{job_id}`"
    return status_line(answer, HOME_STREAM_CHARS)


def escalated_mark(request: Request) -> str:
    """An open request the next level was called for (Home lists these first)."""
    return "🚨 *Escalated* · " if request.escalated_at is not None and request.state == State.PENDING else ""


def in_targets(request: Request) -> str:
    """With several targets: the one the request named, else those its jobs were found or acted
    in, each with its bucket and region (as the request kept them, else as its results name them)."""
    labels = _target_labels(request)
    return f" in {', '.join(_target_shown(label) for label in labels)}" if labels else ""


def _target_labels(request: Request) -> list[str]:
    """Each target's label, "name (bucket @ region)", or its name alone when neither tells more."""
    kept = {p.name: p.label for p in request.found_in.values() if p.bucket}
    acted = {target_name(o["target"]): o["target"] for o in request.outcome or [] if o.get("target")}
    found = [t for t in request.job_targets if t]
    if found:
        return [kept.get(t) or acted.get(t) or t for t in found]
    return [acted[name] for name in sorted(acted)]


def _target_shown(label: str) -> str:
    """The name in bold, then where it is: *sg* (archive-1250000000 @ ap-singapore)."""
    name, _, where = label.partition(" (")
    return f"*{esc(name)}*" + (f" ({esc(where)}" if where else "")


def decision_line(request: Request) -> str:
    if request.state == State.DONE:
        ok = sum(1 for o in request.outcome or [] if o["ok"])
        verdict = f"{'✅' if ok == len(request.job_ids) else '⚠️'} cancelled {ok} of {len(request.job_ids)}"
    else:
        verdict = OUTCOME.get(request.state, request.state)
    by = request.decided_by if request.decided_by not in (None, "system") else None
    who = f" by <@{by}>" if by and request.state != State.WITHDRAWN else ""
    return (
        f"{verdict}{who} · {len(request.job_ids)} job(s){in_targets(request)} for {requester(request)} · "
        f"request `{request.id[:8]}` · {_date(request.decided_at or request.created_at)}"
    )


def home_view(data: HomeData) -> View:
    """Approvers: every pending request with Approve and Deny. Requesters: their own with
    Withdraw. Everyone: the last decisions. Within Slack's 100 blocks."""
    recent = _recent(data.recent)
    room = MAX_HOME_BLOCKS - 2 - len(recent)  # the header and the divider
    show_mine = bool(data.mine) or not data.approver
    mine_room = min(2 * len(data.mine) + 2, room // 2) if show_mine else 0
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text="Cancel moderation"))]
    if data.approver:
        blocks += _requests(
            data.pending,
            "Pending requests",
            "Nothing is waiting for on-call.",
            lambda r: _with_refresh(decision_buttons(r, block_id=f"home:{r.id}"), r),
            room - mine_room,
            data.evidence,
        )
    if show_mine:
        blocks += _requests(
            data.mine,
            "Your open requests",
            "You have no open requests.",
            lambda r: ActionsBlock(block_id=f"mine:{r.id}", elements=[withdraw_button(r), refresh_button(r)]),
            mine_room,
            data.evidence,
        )
    return View(type="home", blocks=[*blocks, DividerBlock(), *recent])


def _with_refresh(buttons: ActionsBlock, request: Request) -> ActionsBlock:
    buttons.elements.append(refresh_button(request))  # re-reads the evidence: the card and this tab show it
    return buttons


def _requests(requests: list[Request], title: str, empty: str, buttons, budget: int, evidence: dict | None = None) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title} ({len(requests)})*"))]
    if not requests:
        return [*blocks, ContextBlock(elements=[MarkdownTextObject(text=empty)])]
    for index, request in enumerate(requests):
        if len(blocks) + 3 > budget:
            rest = len(requests) - index
            return [*blocks, ContextBlock(elements=[MarkdownTextObject(text=f"…and {rest} more: `/cancel-moderation pending` lists them all.")])]
        blocks += [summary(request, (evidence or {}).get(request.id)), buttons(request)]
    return blocks


def _recent(requests: list[Request]) -> list[Block]:
    head = SectionBlock(text=MarkdownTextObject(text=f"*Last {len(requests)} decisions*" if requests else "*No decisions yet*"))
    if not requests:
        return [head]
    return [head, SectionBlock(text=MarkdownTextObject(text="\n".join(decision_line(r) for r in requests)))]


def pending_message(requests: list[Request], approver: bool, evidence: dict | None = None) -> tuple[str, list[Block]]:
    """`/cancel-moderation pending`, for the caller only."""
    whose = "Open requests" if approver else "Your open requests"
    title = f"{whose}: {len(requests)}"
    if not requests:
        return title, [SectionBlock(text=MarkdownTextObject(text=f"*{title}*. Nothing is waiting."))]
    where = (
        "Approve or deny them in the approval channel or on the bot's Home tab."
        if approver
        else "Withdraw one from its approval message or the bot's Home tab."
    )
    shown = requests[:45]
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=title)), *[summary(r, (evidence or {}).get(r.id)) for r in shown]]
    rest = f" ({len(requests) - len(shown)} more not shown)" if len(requests) > len(shown) else ""
    return title, [*blocks, ContextBlock(elements=[MarkdownTextObject(text=where + rest)])]
