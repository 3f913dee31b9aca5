"""Command line: `python -m bot [run|cancel|status|...]`.

`cancel` and `status` need only the Tencent settings, so operators can act while Slack is down.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from . import logs
from .config import ConfigError, Settings, load_dotenv_file, load_settings
from .tencent import CIClient, CIError, InvalidJobId
from .tencent.signer import redact_authorization


def _settings(require: Sequence[str], http_mode: bool | None = None) -> Settings:
    load_dotenv_file()
    settings = load_settings(require=require, http_mode=http_mode)
    logs.configure(settings.log_level, settings.log_format, settings.secrets())
    return settings


def cmd_cancel(args: argparse.Namespace) -> int:
    from .domain.commands import MAX_REASON

    settings = _settings(require=["tencent"])
    reason = " ".join(args.reason.split())
    if not reason or len(reason) > MAX_REASON:  # the same limit as in Slack, before anything is sent
        print(f"error: --reason must be 1 to {MAX_REASON} characters (it is {len(reason)}). Nothing was sent.", file=sys.stderr)
        return 2
    client = CIClient.from_settings(settings)
    job_ids = list(dict.fromkeys(j.strip(",") for j in args.job_ids if j.strip(",")))
    try:
        paths = [client.cancel_path(j) for j in job_ids]
    except InvalidJobId as exc:
        print(f"error: {exc}. Nothing was sent.", file=sys.stderr)
        return 2
    if args.dry_run:
        for path in paths:
            _print_request(client.build("POST", path))
        print(f"# dry run: {len(paths)} request(s) not sent; reason: {args.reason}")
        return 0
    _open_database(settings).close()  # a cancel the audit log cannot record is not sent
    outcomes = client.cancel_many(job_ids)
    _audit_cli_cancel(settings, job_ids, outcomes, args.reason)
    failed = 0
    for job, outcome in zip(job_ids, outcomes, strict=True):
        if isinstance(outcome, CIError):
            failed += 1
            print(f"FAILED    {job}  {outcome.describe()}\n          hint: {outcome.hint}")
        else:
            print(
                f"CANCELLED {job}  DataId={outcome.data_id or '-'} CreationTime={outcome.creation_time or '-'} RequestId={outcome.request_id or '-'}"
            )
    print(f"{len(job_ids) - failed} cancelled, {failed} failed; reason: {args.reason}")
    return 1 if failed else 0


def _audit_cli_cancel(settings: Settings, job_ids: list[str], outcomes: list, reason: str) -> None:
    """Operators' cancels are decisions too: store them; the running bot posts them to the audit channel."""
    from .domain.workflow import outcome_dict, summarize
    from .store import Store

    verdict, summary = summarize([outcome_dict(o) for o in outcomes])
    store = Store(settings.database_url)
    try:
        store.migrate()
        store.audit(verdict, f"cli:{getpass.getuser()}", None, {"reason": reason, "kind": "cli", **summary})
    finally:
        store.close()


def _open_database(settings: Settings):
    """The bot's database, or ConfigError (one message, exit 2) naming DATABASE_URL and what to do."""
    from .preflight import StartupProblem, open_database

    try:
        return open_database(settings.database_url)
    except StartupProblem as exc:
        raise ConfigError([f"{exc}; point DATABASE_URL at the bot's database"]) from None


def _existing_database(settings: Settings) -> bool:
    """Say on stderr which database is read; a SQLite file that is not there is never created."""
    from .preflight import describe_database

    shown = describe_database(settings.database_url)
    path = shown.removeprefix("sqlite:///") if shown.startswith("sqlite:///") else None
    if path is not None and not os.path.isfile(path):
        print(
            f"error: no database at {path} (DATABASE_URL={settings.database_url}); nothing to read. "
            "Point DATABASE_URL at the bot's database (as in the bot's .env or environment).",
            file=sys.stderr,
        )
        return False
    print(f"reading the audit log from {shown}", file=sys.stderr)
    return True


def cmd_audit(args: argparse.Namespace) -> int:
    settings = _settings(require=[])
    if not _existing_database(settings):
        return 1
    since = None
    if args.since:
        try:
            parsed = datetime.fromisoformat(args.since)
        except ValueError:
            print(f"error: --since {args.since!r} is not ISO-8601 (e.g. 2026-11-24T09:00:00+00:00)", file=sys.stderr)
            return 2
        since = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    store = _open_database(settings)
    try:
        entries = store.audit_entries(since=since)
    finally:
        store.close()
    rows = [
        {
            "id": e.id,
            "at": datetime.fromtimestamp(e.at, UTC).isoformat(timespec="milliseconds"),
            "event": e.event,
            "actor": e.actor,
            "request_id": e.request_id or "",
            "posted_to_slack": e.posted_at is not None,
            "detail": e.detail,
        }
        for e in entries
    ]
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "detail": json.dumps(row["detail"], sort_keys=True)})
    else:
        for row in rows:
            print(json.dumps(row, sort_keys=True))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import render, run_checks

    load_dotenv_file()
    logs.configure("WARNING", "text")
    results = run_checks(mode=args.mode)
    print(render(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(require=["tencent"])
    client = CIClient.from_settings(settings)
    try:
        status = client.describe(args.job_id)
    except InvalidJobId as exc:
        print(f"error: {exc}. Nothing was sent.", file=sys.stderr)
        return 2
    except CIError as exc:
        print(f"error: {exc.describe()}\nhint: {exc.hint}", file=sys.stderr)
        if exc.code == "NetworkError":
            from .check import ci_host_note, region_hint

            print(f"CI host: {ci_host_note(settings)}.{region_hint(settings)}", file=sys.stderr)
        return 1
    for label, value in (
        ("JobId", status.job_id),
        ("State", status.state),
        ("Stream", status.stream_url),
        ("DataId", status.data_id),
        ("CreationTime", status.creation_time),
        ("RequestId", status.request_id),
    ):
        print(f"{label:<13} {value or '-'}")
    return 0


def _print_request(prepared) -> None:
    print(f"{prepared.method} {prepared.url}")
    for name, value in prepared.headers.items():
        if name.lower() == "authorization":
            value = redact_authorization(value)
        elif name.lower() == "x-ci-security-token":
            value = "[redacted]"
        print(f"{name}: {value}")
    print()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the Slack app (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    run.set_defaults(func=_cmd_run, mode=None)
    http = sub.add_parser("http", help="run the Slack app in HTTP mode on $PORT (Procfile web)")
    http.set_defaults(func=_cmd_run, mode="http")
    socket = sub.add_parser("socket", help="run the Slack app in Socket Mode (Procfile worker)")
    socket.set_defaults(func=_cmd_run, mode="socket")

    cancel = sub.add_parser("cancel", help="cancel jobs directly (operators; works while Slack is down)")
    cancel.add_argument("job_ids", nargs="+", metavar="jobId")
    cancel.add_argument("--reason", required=True, help="why; recorded in the audit log")
    cancel.add_argument("--dry-run", action="store_true", help="print the exact requests, send nothing")
    cancel.set_defaults(func=cmd_cancel)

    status = sub.add_parser("status", help="show a job's state, stream and DataId")
    status.add_argument("job_id", metavar="jobId")
    status.set_defaults(func=cmd_status)

    check = sub.add_parser("check", help="validate settings, Slack, Tencent credentials and the database")
    check.add_argument("--mode", choices=["http", "socket"], help="check for this mode (default: as `python -m bot` would run)")
    check.set_defaults(func=cmd_check)

    audit = sub.add_parser("audit", help="print the audit log")
    audit.add_argument("--since", help="only entries at or after this ISO-8601 time")
    audit.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    audit.set_defaults(func=cmd_audit)
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    from .runtime import run

    http_mode = {"http": True, "socket": False}.get(args.mode)
    return run(_settings(require=["slack", "tencent", "policy"], http_mode=http_mode), mode=args.mode)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args = parser.parse_args(["run", *(argv or [])])
    try:
        return args.func(args)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
