"""Block Kit within Slack's limits: the pieces every card uses (escaping, dates, code spans,
sections packed within the block and character limits). The cards themselves are built in the
*_blocks.py modules beside this one, by what they show."""

from __future__ import annotations

import time
from collections.abc import Iterable

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

MAX_BLOCKS = 50
SECTION_CHARS = 2900  # Slack allows 3000; leave room for the "…and N more" line
STREAM_CHARS = 200  # a stream URL in a job's line; the single-job card shows more


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


def as_dicts(blocks: Iterable[Block]) -> list[dict]:
    return [b.to_dict() for b in blocks]
