"""The audit channel's entries: each readable on its own (who, what, which jobs, each job's
result, why, from where, which entry and the start of its hash). An entry too long for one
message continues in thread replies under it, never cut."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.domain.proposals import PROPOSER
from bot.domain.states import AuditEvent, RequestKind
from bot.slack.blocks import MAX_BLOCKS, SECTION_CHARS, _date, esc, pack_lines
from bot.slack.job_lines import outcome_line
from bot.store import AuditEntry

HEAD_BLOCKS = 4  # the entry's header sections and footer context, before the job lines


def who(actor: str) -> str:
    """A Slack user as a mention; `system`, `cli:<login>` and a proposal's proposer as (escaped) text."""
    if actor in ("system", PROPOSER) or actor.startswith("cli:"):
        return f"`{esc(actor)}`"
    return f"<@{esc(actor)}>"


def audit_message(entry: AuditEntry, approval_link: str | None = None) -> tuple[str, list[Block], list[list[Block]]]:
    """(fallback text, the entry's blocks, blocks of each thread reply that continues it)."""
    d = entry.detail
    head = [SectionBlock(text=MarkdownTextObject(text=_summary(entry, approval_link)))]
    pages = _pages(_job_lines(d))
    first = pages[0] if pages else []
    footer = [ContextBlock(elements=[MarkdownTextObject(text=_footer(entry, len(pages)))])]
    replies = [
        [*page, ContextBlock(elements=[MarkdownTextObject(text=f"audit #{entry.id} continued ({n + 2}/{len(pages)})")])]
        for n, page in enumerate(pages[1:])
    ]
    return f"audit #{entry.id}: {entry.event} by {entry.actor}", head + first + footer, replies


def _summary(entry: AuditEntry, approval_link: str | None) -> str:
    d = entry.detail
    lines = [f"*{entry.event}* by {who(entry.actor)} · {_date(entry.at)}"]
    requester = d.get("requester")
    people = []
    if requester and requester != entry.actor:
        people.append(f"*requested by* {who(requester)}")
    if entry.event in {AuditEvent.STARTED, AuditEvent.CANCELLED, AuditEvent.FAILED} and requester and requester != entry.actor:
        people.append(f"*approved by* {who(entry.actor)}")
    if d.get("channel"):
        people.append(f"*from* <#{esc(d['channel'])}>")
    if d.get("kind") == RequestKind.CLI:
        people.append("*from* the command line")
    if people:
        lines.append(" · ".join(people))
    if d.get("reason"):
        lines.append(f"*Reason:* {esc(str(d['reason']))[:1000]}")
    if targets := _targets(d):
        lines.append(targets)
    if d.get("why"):
        lines.append(f"*Refused* ({esc(str(d.get('action')))}): {esc(str(d['why']))}")
    if d.get("retry"):
        lines.append(f"*Retry failed* (round {d['retry']}): {len(d.get('retried_jobs') or [])} job(s) sent again")
    if d.get("note"):
        lines.append(f"*Note:* {esc(str(d['note']))[:1000]}")
    request = [f"*Request* `{entry.request_id[:8]}`"] if entry.request_id else []
    if approval_link:
        request.append(f"<{approval_link}|approval message>")
    if "jobs" in d:
        unknown = len(d.get("unknown_jobs") or [])
        request.append(f"{d.get('cancelled', 0)} of {d['jobs']} cancelled" + (f", {unknown} unknown" if unknown else ""))
    if request:
        lines.append(" · ".join(request))
    return "\n".join(lines)[:SECTION_CHARS]


def _targets(d: dict) -> str:
    """The target(s) the entry is about, with bucket and region: one named or found (`target`),
    or each of several the jobs were found in (`targets`); "" with one target."""
    if d.get("target"):
        return f"*Target:* {esc(str(d.get('target_label') or d['target']))}"
    shown = d.get("target_labels") or d.get("targets") or []
    return f"*Targets:* {esc(', '.join(str(t) for t in shown))}" if shown else ""


def _job_lines(d: dict) -> list[str]:
    if d.get("results"):
        return [outcome_line(o) for o in d["results"]]
    job_ids = d.get("retried_jobs") or d.get("job_ids") or []
    return [f"• `{esc(str(j))}`" for j in job_ids]


def _pages(lines: list[str]) -> list[list[Block]]:
    """Pack lines into sections, and sections into messages of at most MAX_BLOCKS blocks."""
    sections: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text)) for text, _ in pack_lines(lines)]
    first_room, reply_room = MAX_BLOCKS - HEAD_BLOCKS, MAX_BLOCKS - 1
    pages = [sections[:first_room]] if sections else []
    rest = sections[first_room:]
    while rest:
        pages.append(rest[:reply_room])
        rest = rest[reply_room:]
    return pages


def _footer(entry: AuditEntry, pages: int) -> str:
    digest = getattr(entry, "hash", "") or ""
    parts = [f"audit #{entry.id}"]
    if digest:
        parts.append(f"hash `{digest[:12]}`")
    if pages > 1:
        parts.append(f"continued in {pages - 1} thread repl{'y' if pages == 2 else 'ies'}")
    return " · ".join(parts)
