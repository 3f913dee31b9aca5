"""The audit log's hash chain: each entry's canonical JSON, its hash, and verification.

    hash = sha256_hex(prev_hash + canonical_json(entry))      prev_hash of the first entry: GENESIS

canonical_json covers what an auditor relies on (id, at, event, actor, request_id, detail) and
never delivery bookkeeping (posted_at, post_attempts, claimed_until), which changes after the
entry is written. `at` is hashed as the ISO-8601 text the export prints and `detail` as the
parsed JSON object, so SQLite, PostgreSQL and an exported file all give the same bytes.
Nothing here depends on the list of event names, which grows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

GENESIS = "0" * 64
FIELDS = ("id", "at", "event", "actor", "request_id", "detail")


def iso_at(at: float) -> str:
    """The entry's time as hashed and exported: UTC, microseconds (a stored float maps to one text)."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="microseconds")


def fields(entry_id: int, at: str, event: str, actor: str, request_id: str | None, detail: dict) -> dict:
    """The hashed fields. An entry without a request has request_id "" (as exported)."""
    return {"id": entry_id, "at": at, "event": event, "actor": actor, "request_id": request_id or "", "detail": detail}


def stored_fields(entry_id: int, at: float, event: str, actor: str, request_id: str | None, detail_text: str) -> dict:
    """The hashed fields of a row as the database holds it."""
    return fields(entry_id, iso_at(at), event, actor, request_id, json.loads(detail_text))


def canonical_json(entry: dict) -> bytes:
    text = json.dumps({k: entry[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: a lone surrogate from user text must not make an entry unhashable.
    return text.encode("utf-8", "surrogatepass")


def entry_hash(prev_hash: str, entry: dict) -> str:
    return hashlib.sha256(prev_hash.encode("utf-8") + canonical_json(entry)).hexdigest()


@dataclass(frozen=True)
class Link:
    """One entry as stored or exported: its hashed fields and the two hashes it carries."""

    fields: dict
    prev_hash: str | None
    hash: str | None


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    entry_id: int | None = None  # the first entry that does not match
    problem: str = ""
    last: tuple[int, str] | None = None  # the last intact entry's id and hash: compare it with the audit channel

    def __str__(self) -> str:
        if self.ok:
            end = f"; last entry #{self.last[0]}, hash {self.last[1]}" if self.last and self.last[0] else ""
            return f"ok: {self.checked} entries checked, the chain is intact{end}"
        return f"FAILED at entry #{self.entry_id}: {self.problem} ({self.checked} entries before it are intact)"


def verify(links: Iterable[Link], head: tuple[int, str] | None = None) -> Verdict:
    """Walk the chain in id order; name the first entry whose content, order or presence is wrong.

    `head` is (last id, last hash) as recorded when the last entry was written: without it a
    deleted tail is invisible, since every remaining link still holds.
    """
    prev_id, prev_hash, checked = 0, GENESIS, 0
    for link in links:
        entry_id = link.fields["id"]
        if entry_id <= prev_id:
            return Verdict(False, checked, entry_id, f"comes after entry #{prev_id}: the entries are out of order")
        problem = _link_problem(link, prev_id, prev_hash)
        if problem:
            return Verdict(False, checked, entry_id, problem)
        prev_id, prev_hash, checked = entry_id, cast(str, link.hash), checked + 1  # checked above
    if head is not None and head != (prev_id, prev_hash):
        return Verdict(
            False,
            checked,
            head[0],
            f"the chain head records entry #{head[0]} as the last, but the log ends at "
            f"#{prev_id}: entries at the end were deleted, or added outside the bot",
        )
    return Verdict(True, checked, last=(prev_id, prev_hash))


def _link_problem(link: Link, prev_id: int, prev_hash: str) -> str:
    follows = link.prev_hash == prev_hash
    intact = link.hash == entry_hash(link.prev_hash or "", link.fields)
    before = f"entry #{prev_id}" if prev_id else "the start of the log"
    if follows and not intact:
        return "its content does not match its hash: it was edited after it was written"
    if intact and not follows:
        return f"its prev_hash is not the hash of {before}, the entry before it: an entry is missing here, or out of order"
    if not (follows or intact):
        return f"neither its content nor its place after {before} matches its hash: it was edited, or moved here"
    return ""
