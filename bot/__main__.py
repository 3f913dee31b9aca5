"""Command line: `python -m bot [run|cancel|status|...]`.

`cancel` and `status` need only the Tencent settings, so operators can act while Slack is down.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from . import audit_cli, logs
from .config import ConfigError, Settings, load_dotenv_file, load_settings
from .tencent import CIClient, CIError, InvalidJobId
from .tencent.signer import redact_authorization


def _settings(require: Sequence[str], http_mode: bool | None = None) -> Settings:
    load_dotenv_file()
    settings = load_settings(require=require, http_mode=http_mode)
    logs.configure(settings.log_level, settings.log_format, settings.secrets())
    return settings


def cmd_cancel(args: argparse.Namespace) -> int:
    settings = _settings(require=["tencent"])
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
    outcomes = client.cancel_many(job_ids)
    _audit_cli_cancel(settings, job_ids, outcomes, args.reason)
    failed = 0
    for job, outcome in zip(job_ids, outcomes, strict=True):
        if isinstance(outcome, CIError):
            failed += 1
            print(f"FAILED    {job}  {outcome.describe()}\n          hint: {outcome.hint}")
        else:
            print(
                f"CANCELLED {job}  DataId={outcome.data_id or '-'} CreationTime={outcome.creation_time or '-'}"
                f" RequestId={outcome.request_id or '-'}"
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


def cmd_check(args: argparse.Namespace) -> int:
    from .check import render, run_checks

    load_dotenv_file()
    logs.configure("WARNING", "text")
    results = run_checks()
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
    check.set_defaults(func=cmd_check)

    audit_cli.add_parser(sub)
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
