"""The /cancel-moderation grammar: `<jobId> [<jobId> ...] <reason>`, `status <jobId>…`, `pending`, `help`.

Job IDs come first, separated by spaces and/or commas; the first word that is plainly not
an attempt at a job ID starts the reason. A word that looks like a job ID but is not one
(wrong length, a slash, an encoded character, a look-alike letter) is an error, never a
reason word, so a typo cannot silently shrink the list of jobs to cancel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.config_targets import TARGET_NAME
from bot.domain.states import CommandKind
from bot.tencent.jobid import is_job_id

MAX_JOBS = 100
MAX_REASON = 500
MAX_STATUS = 20  # one look-up each: keep `status` quick and its answer within one message
USAGE = (
    "`/cancel-moderation <jobId> [<jobId> ...] <reason>` cancels (on-call) or asks on-call to cancel\n"
    f"`/cancel-moderation status <jobId> [<jobId> ...]` shows each job's state, stream and DataId (up to {MAX_STATUS})\n"
    "`/cancel-moderation pending` lists open requests (on-call: all; requesters: their own)\n"
    "`/cancel-moderation help` shows this help and what you may do\n"
    "`/cancel-moderation` opens a form"
)

_SEPARATORS = re.compile(r"[\s,]+")
_HEX_RUN = re.compile(r"[0-9a-f]{12,}")
_ID_PREFIX = re.compile(r"^(?:av|va)[0-9a-f]{6,}")
_PATH_CHARS = re.compile(r"[/\\%?#]")


class CommandError(ValueError):
    """A mistake the caller can fix; the message is shown only to them.

    `field` names the form field at fault when the command came from the modal.
    """

    def __init__(self, message: str, field: str = "job_ids") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Cancel:
    job_ids: tuple[str, ...]
    reason: str
    target: str = ""  # --target NAME; "": each job's target is found
    # What --target meant when the command was accepted (several targets): a redeploy before it
    # runs that points the name at another bucket sends nothing there.
    bucket: str = ""
    region: str = ""


@dataclass(frozen=True)
class Status:
    job_ids: tuple[str, ...]
    target: str = ""


@dataclass(frozen=True)
class Pending:
    pass


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class OpenForm:
    pass


Command = Cancel | Status | Pending | Help | OpenForm


def looks_like_job_id(word: str) -> bool:
    """True for a word someone most likely meant as a job ID, valid or not.

    Folds look-alike characters (NFKC, then case) so 'аv…' with a Cyrillic 'а' counts as an
    attempt, and keeps ordinary words ("duplicates", "stream", "available") out.
    """
    folded = unicodedata.normalize("NFKC", word).casefold()
    if is_job_id(word) or _ID_PREFIX.match(folded) or _HEX_RUN.search(folded):
        return True
    if not folded.isascii() and _HEX_RUN.search(folded.encode("ascii", "ignore").decode()):
        return True
    # Path-like words with ID-ish content ("../av12", "av%2F..."): refused, not read as reason.
    return bool(_PATH_CHARS.search(folded) and re.search(r"(?:^|[/\\%.])(?:av|va)[0-9a-f]", folded))


def parse(text: str, targets: Sequence[str] = ()) -> Command:
    """Parse the command text; raise CommandError with a caller-facing message. `targets`: the
    configured target names, which `--target NAME` must be one of."""
    target, text = take_target((text or "").strip(), targets)
    if not text:
        if target:
            raise CommandError(f"Give job IDs and a reason after `--target {target}`.\n{USAGE}")
        return OpenForm()
    head, _, rest = text.partition(" ")
    keyword = head.lower()
    if keyword == CommandKind.STATUS:
        named, rest = take_target(rest.strip(), targets)
        if target and named:
            raise CommandError("Name `--target` once.")
        return Status(_status_job_ids(rest), target or named)
    if target and keyword in (CommandKind.HELP, CommandKind.PENDING):
        raise CommandError(f"`--target` goes with a cancel or `status`, not `{keyword}`.")
    if keyword == CommandKind.HELP:
        return Help()
    if keyword == CommandKind.PENDING:
        if rest.strip():
            raise CommandError("Usage: `/cancel-moderation pending` (nothing after it).")
        return Pending()
    return replace(parse_cancel(text), target=target)


_TARGET_FLAG = re.compile(r"^--target(?:\s+|=)(\S*)\s*", re.IGNORECASE)


def take_target(text: str, targets: Sequence[str] = ()) -> tuple[str, str]:
    """A leading `--target NAME` (or `--target=NAME`): the name, and the text after it."""
    match = _TARGET_FLAG.match(text)
    if not match:
        if text.lower() == "--target":
            raise CommandError(f"`--target` needs a target name{_one_of(targets)}.")
        return "", text
    name = match.group(1)
    if not TARGET_NAME.match(name) or (targets and name not in targets):
        raise CommandError(f"`{_shown(name)}` is not a target{_one_of(targets)}. Nothing was sent.")
    return name, text[match.end() :]


def _one_of(targets: Sequence[str]) -> str:
    return f": use one of {', '.join(f'`{t}`' for t in targets)}" if targets else ""


def _status_job_ids(text: str) -> tuple[str, ...]:
    words = list(dict.fromkeys(w for w in _SEPARATORS.split(text.strip()) if w))
    if not words:
        raise CommandError(f"Usage: `/cancel-moderation status <jobId> [<jobId> ...]` with 1 to {MAX_STATUS} job IDs.")
    if len(words) > MAX_STATUS:
        raise CommandError(f"That is {len(words)} job IDs; `status` takes at most {MAX_STATUS}. Split the list.")
    for word in words:
        _require_valid(word)
    return tuple(words)


def parse_cancel(text: str) -> Cancel:
    """Split `text` into job IDs and a reason (the same rules serve the modal's fields)."""
    ids, reason = split_ids_and_reason(text)
    return build_cancel(ids, reason)


def split_ids_and_reason(text: str) -> tuple[list[str], str]:
    remaining = text.strip()
    ids: list[str] = []
    while remaining:
        match = _SEPARATORS.search(remaining)
        word, rest = (remaining[: match.start()], remaining[match.end() :]) if match else (remaining, "")
        if not looks_like_job_id(word):
            break
        ids.append(word)
        remaining = rest
    return ids, remaining.strip()


def build_cancel(ids: list[str], reason: str) -> Cancel:
    if not ids:
        first = reason.split()[0] if reason.split() else ""
        raise CommandError(
            f"`{_shown(first)}` is not a job ID. Job IDs come first, then the reason.\n{USAGE}"
            if first
            else f"Give at least one job ID and a reason.\n{USAGE}"
        )
    for word in ids:
        _require_valid(word)
    unique = list(dict.fromkeys(ids))
    if len(unique) > MAX_JOBS:
        raise CommandError(f"That is {len(unique)} job IDs; at most {MAX_JOBS} per command. Split the list.")
    reason = " ".join(reason.replace("\x00", "").split())  # NUL: no database stores it as text
    if not reason:
        raise CommandError("A reason is required after the job IDs, e.g. `… av1234… stream shows violence`.", "reason")
    if len(reason) > MAX_REASON:
        raise CommandError(f"The reason is {len(reason)} characters; keep it under {MAX_REASON}.", "reason")
    return Cancel(tuple(unique), reason)


def parse_form(job_ids_text: str, reason: str, target: str = "", targets: Sequence[str] = ()) -> Cancel:
    """The modal's fields: every word of the first must be a job ID; `target`: the picker's."""
    cancel = build_cancel([w for w in _SEPARATORS.split(job_ids_text.strip()) if w], reason)
    if target and (not TARGET_NAME.match(target) or (targets and target not in targets)):
        raise CommandError(f"`{_shown(target)}` is not a target{_one_of(targets)}.", "target")
    return replace(cancel, target=target)


def _require_valid(word: str) -> None:
    if not is_job_id(word):
        raise CommandError(
            f"`{_shown(word)}` is not a valid job ID: expected `av` or `va` followed by 32 lowercase "
            "hex digits (e.g. `av0123456789abcdef0123456789abcdef`). Nothing was sent."
        )


def _shown(word: str) -> str:
    """Echo a bad word back safely: bounded, no backticks or Slack control characters."""
    clean = "".join(ch if ch.isprintable() and ch not in "`<>&*_~" else "?" for ch in word)
    return clean if len(clean) <= 40 else clean[:40] + "…"
