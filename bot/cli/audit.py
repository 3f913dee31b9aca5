"""`python -m bot audit`: export the audit log, filtered, as JSON lines or CSV; verify its hash
chain in the database or in an exported file (offline, no database needed).

It reads the database DATABASE_URL names, says which on stderr, and never creates one.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config_load import load_dotenv_file, load_settings
from bot.observe import logs
from bot.store import EVENTS, SCHEMA_VERSION, AuditEntry, AuditFilter, MigrationFailed, Store
from bot.store.chain import Link, fields, iso_at, verify

AUDIT_READ_LIMIT_SECONDS = 600  # each database call of an export or --verify (the server's timeout is lifted too)
COLUMNS = ["id", "at", "event", "actor", "request_id", "posted_to_slack", "detail", "prev_hash", "hash"]


class UsageError(Exception):
    pass


class BadExport(Exception):
    pass


def add_parser(sub) -> None:
    audit = sub.add_parser("audit", help="print the audit log, or verify its hash chain")
    audit.add_argument("--since", help="only entries at or after this ISO-8601 time")
    audit.add_argument("--until", help="only entries before this ISO-8601 time")
    audit.add_argument("--request", metavar="ID", help="only this request (its ID, or the first characters of it)")
    audit.add_argument("--job", metavar="JOBID", help="only entries that name this job")
    audit.add_argument("--actor", metavar="USER", help="only this actor (Slack user ID, system, cli:<user>)")
    audit.add_argument("--target", metavar="NAME", help="only entries about this CI target (CI_TARGETS)")
    audit.add_argument("--event", metavar="NAME", help=f"only this event ({', '.join(EVENTS)})")
    audit.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    audit.add_argument("--verify", action="store_true", help="recompute the hash chain; exit 1 at the first bad entry")
    audit.add_argument("--file", help="with --verify: check this exported file (JSON lines or CSV) instead of the database")
    audit.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    try:
        where = _filter(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.verify and args.file:
        return _verify_file(Path(args.file))
    store = _open_store(_database_url())
    if store is None:
        return 2
    try:
        with store.time_limit(AUDIT_READ_LIMIT_SECONDS):  # a long log is read in one go
            if args.verify:
                verdict = store.audit.verify()
                print(verdict)
                return 0 if verdict.ok else 1
            entries = store.audit.entries(where=where)
    finally:
        store.close()
    _write(entries, args.format)
    return 0


def _filter(args: argparse.Namespace) -> AuditFilter:
    chosen = {
        "--since": args.since,
        "--until": args.until,
        "--request": args.request,
        "--job": args.job,
        "--actor": args.actor,
        "--event": args.event,
        "--target": args.target,
    }
    if args.file and not args.verify:
        raise UsageError("--file is for --verify (checking an exported file)")
    if args.verify and any(v is not None for v in chosen.values()):
        raise UsageError("--verify checks the whole chain; it takes no filters")
    if args.event is not None and args.event not in EVENTS:
        raise UsageError(f"--event {args.event!r} is not an audit event ({', '.join(EVENTS)})")
    return AuditFilter(
        since=_timestamp("--since", args.since),
        until=_timestamp("--until", args.until),
        request_id=args.request,
        job_id=args.job,
        actor=args.actor,
        event=args.event,
        target=args.target,
    )


def _timestamp(flag: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not ISO-8601 (e.g. 2026-11-24T09:00:00+00:00)") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def _database_url() -> str:
    load_dotenv_file()
    settings = load_settings(require=[])
    logs.configure(settings.log_level, settings.log_format, settings.secrets())
    return settings.database_url


def _open_store(url: str) -> Store | None:
    """The bot's database, upgraded if it is older than this bot; None (and why, on stderr) if there is none."""
    shown = make_url(url).render_as_string(hide_password=True)
    sqlite_file = _sqlite_file(url)
    print(f"reading the audit log from {shown}" + (f" ({sqlite_file.resolve()})" if sqlite_file else ""), file=sys.stderr)
    if url.startswith("sqlite") and not (sqlite_file and sqlite_file.is_file()):
        where = sqlite_file.resolve() if sqlite_file else shown
        print(f"error: no database file at {where}: set DATABASE_URL to the bot's database", file=sys.stderr)
        return None
    store = Store(url)
    version = store.schema_version()
    if version is None:
        store.close()
        print(f"error: {shown} holds no audit log: set DATABASE_URL to the bot's database", file=sys.stderr)
        return None
    if version < SCHEMA_VERSION:
        print(f"upgrading the schema from v{version} to v{SCHEMA_VERSION}, as the bot does when it starts", file=sys.stderr)
        try:
            store.migrate()
        except MigrationFailed as exc:
            store.close()
            print(f"error: the database could not be upgraded: {exc}; nothing was changed", file=sys.stderr)
            return None
    return store


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def export_row(entry: AuditEntry) -> dict:
    """One exported entry. id, at, event, actor, request_id and detail are exactly the hashed fields."""
    return {
        "id": entry.id,
        "at": iso_at(entry.at),
        "event": entry.event,
        "actor": entry.actor,
        "request_id": entry.request_id or "",
        "posted_to_slack": entry.posted_at is not None,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _write(entries: list[AuditEntry], fmt: str) -> None:
    rows = [export_row(e) for e in entries]
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "detail": json.dumps(row["detail"], sort_keys=True)})
    else:
        for row in rows:
            print(json.dumps(row, sort_keys=True))


def _verify_file(path: Path) -> int:
    print(f"verifying the audit export {path.resolve()}", file=sys.stderr)
    try:
        verdict = verify(_file_links(path))
    except (OSError, BadExport) as exc:
        print(f"FAILED: {exc}")
        return 1
    print(verdict)
    return 0 if verdict.ok else 1


def _file_links(path: Path) -> Iterator[Link]:
    """The entries of an export, JSON lines or CSV (told apart by the first character)."""
    with path.open(encoding="utf-8", newline="") as handle:
        first = handle.read(1)
        handle.seek(0)
        if first == "{":
            rows = (_json_row(n, line) for n, line in enumerate(handle, 1) if line.strip())
        else:
            rows = ((n, {**row, "detail": _json_detail(n, row.get("detail"))}) for n, row in enumerate(csv.DictReader(handle), 2))
        for line_no, row in rows:
            yield _link(line_no, row)


def _json_row(line_no: int, line: str) -> tuple[int, dict]:
    try:
        return line_no, json.loads(line)
    except ValueError:
        raise BadExport(f"line {line_no} is not JSON") from None


def _json_detail(line_no: int, text: str | None):
    try:
        return json.loads(text or "")
    except ValueError:
        raise BadExport(f"line {line_no}: detail is not JSON") from None


def _link(line_no: int, row: dict) -> Link:
    try:
        entry = fields(int(row["id"]), row["at"], row["event"], row["actor"], row["request_id"], row["detail"])
    except (KeyError, TypeError, ValueError):
        raise BadExport(f"line {line_no} is not an audit export row (it needs {', '.join(COLUMNS)})") from None
    return Link(entry, row.get("prev_hash"), row.get("hash"))
