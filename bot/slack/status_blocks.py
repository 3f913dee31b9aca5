"""The answer to `status`: each job's evidence (or why it could not be read), with **Refresh**."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.domain.outcomes import StatusAnswer, found_in_one
from bot.slack.blocks import MAX_BLOCKS, _code, _sections, esc
from bot.slack.job_lines import _where, flags_text, job_state, read_note, status_line

REFRESH_STATUS_ACTION = "refresh_status"
BUTTON_VALUE_CHARS = 2000  # Slack's limit on a button's value


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
