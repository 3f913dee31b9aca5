"""Command line: `python -m bot [run|cancel|status|...]`.

`cancel` and `status` need only the Tencent settings, so operators can act while Slack is down.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import audit as audit_cli
from bot.config import ConfigError, Settings
from bot.config_load import load_dotenv_file, load_settings
from bot.observe import logs
from bot.store.slots import SharedLimiter
from bot.tencent import CIClient, CIError, InvalidJobId
from bot.tencent.signer import redact_authorization
from bot.tencent.targets import CITargets

INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C


def _settings(require: Sequence[str], http_mode: bool | None = None) -> Settings:
    load_dotenv_file()
    settings = load_settings(require=require, http_mode=http_mode)
    logs.configure(settings.log_level, settings.log_format, settings.secrets())
    return settings


def cmd_cancel(args: argparse.Namespace) -> int:
    from bot.cli.interrupt import Interrupt

    # From the start: a Ctrl-C at any moment stops the sending (and is not lost if SIGINT was ignored).
    with Interrupt().installed() as stop:
        return _cancel(args, stop)


def _cancel(args: argparse.Namespace, stop) -> int:
    from bot.cli.cancel import OperatorCancel, StoppableLimiter, describe_outcome
    from bot.domain.commands import MAX_REASON
    from bot.domain.outcomes import CANCELLED

    settings = _settings(require=["tencent"])
    job_ids = list(dict.fromkeys(j.strip(",") for j in args.job_ids if j.strip(",")))
    reason = " ".join(args.reason.split())
    if not reason or len(reason) > MAX_REASON:
        print(f"error: --reason must be 1 to {MAX_REASON} characters (it is {len(reason)}). Nothing was sent.", file=sys.stderr)
        return 2
    try:
        paths = [CIClient.cancel_path(j) for j in job_ids]
    except InvalidJobId as exc:
        print(f"error: {exc}. Nothing was sent.", file=sys.stderr)
        return 2
    if (problem := _target_problem(settings, args.target, args.dry_run)) is not None:
        print(f"error: {problem}. Nothing was sent.", file=sys.stderr)
        return 2
    if args.dry_run:
        targets = CITargets.from_settings(settings)
        client = targets.clients[args.target or targets.names[0]]
        for path in paths:
            _print_request(client.build("POST", path))
        print(f"# dry run: {len(paths)} request(s) not sent; reason: {reason}")
        return 0
    store = _open_store(settings)
    limit, in_flight = settings.ci_rate_limit, settings.ci_attempt_deadline
    ci = CITargets.from_settings(settings, lambda appid: StoppableLimiter(store, limit, in_flight, stop, account=appid))
    try:
        operator = OperatorCancel(store, ci, settings.ci_rate_limit, stop)
        request, outcomes = operator.run(job_ids, reason, lambda o: print(describe_outcome(o), flush=True), target=args.target)
    finally:
        ci.close()
        store.close()
    cancelled = sum(1 for o in outcomes if o["result"] == CANCELLED)
    print(f"{cancelled} of {len(outcomes)} cancelled; request {request.id[:8]}; reason: {reason}")
    if stop.is_set():
        print("Interrupted: the jobs marked NotSent were not sent.", file=sys.stderr)
        return INTERRUPTED
    return 0 if cancelled == len(outcomes) else 1


def _target_problem(settings: Settings, target: str | None, dry_run: bool = False) -> str | None:
    """Why `--target` (or its absence) cannot be used; None when it can."""
    names = [t.name for t in settings.targets]
    if target is not None and target not in names:
        return f"--target {target!r} is not a target: use one of {', '.join(names)}"
    if dry_run and target is None and len(names) > 1:
        return f"--dry-run prints one target's requests: name it with --target ({', '.join(names)})"
    return None


def _open_store(settings: Settings, quiet: bool = False):
    """The bots' database, for the shared rate limit and the audit log. A cancel the audit log
    cannot record is not sent: without it, ConfigError (one message naming DATABASE_URL).
    `quiet` (a read-only look-up): None with a warning instead."""
    from bot.serve.preflight import StartupProblem, open_database

    try:
        return open_database(settings.database_url)
    except StartupProblem as exc:
        if quiet:
            print(f"warning: {exc}; not sharing the bots' rate limit", file=sys.stderr)
            return None
        raise ConfigError([f"{exc}; point DATABASE_URL at the bot's database. Nothing was sent."]) from None


def cmd_check(args: argparse.Namespace) -> int:
    from bot.cli.check import render, run_checks

    load_dotenv_file()
    logs.configure("WARNING", "text")
    results = run_checks(mode=args.mode)
    print(render(results))
    return 0 if all(r.ok for r in results) else 1


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(require=["tencent"])
    try:
        CIClient.describe_path(args.job_id)  # refuse a bad ID before opening anything
    except InvalidJobId as exc:
        print(f"error: {exc}. Nothing was sent.", file=sys.stderr)
        return 2
    if (problem := _target_problem(settings, args.target)) is not None:
        print(f"error: {problem}. Nothing was sent.", file=sys.stderr)
        return 2
    store = _open_store(settings, quiet=True)
    # With the database, share the bots' rate limit; without it, a read-only look-up may still go out.
    limit, in_flight = settings.ci_rate_limit, settings.ci_attempt_deadline
    shared = (lambda appid: SharedLimiter(store.slots, limit, in_flight=in_flight, account=appid)) if store else None
    client = CITargets.from_settings(settings, shared)
    try:
        status = client.on(args.target).describe(args.job_id) if args.target else client.describe(args.job_id)
    except CIError as exc:
        print(f"error: {exc.describe()}\nhint: {exc.hint}", file=sys.stderr)
        if exc.target:  # several targets: the one that failed
            print(f"CI target: {exc.target}", file=sys.stderr)
        elif exc.code == "NetworkError" and not settings.ci_targets:
            from bot.cli.check import ci_host_note, region_hint

            print(f"CI host: {ci_host_note(settings)}.{region_hint(settings)}", file=sys.stderr)
        return 1
    finally:
        client.close()
        if store:
            store.close()
    for label, value in (
        ("JobId", args.job_id),
        ("State", status.state),
        ("Stream", status.stream_url),
        ("DataId", status.data_id),
        ("CreationTime", status.creation_time),
        *_evidence_rows(status),
        ("RequestId", status.request_id),
        *([("Target", status.target)] if status.target else []),
    ):
        print(f"{label:<13} {value or '-'}")
    return 0


def _evidence_rows(status) -> list[tuple[str, str]]:
    """What moderation flagged so far (counts, top score, last flag): never a flagged image's URL."""
    import time

    from bot.domain.evidence import evidence_of

    found = evidence_of(status, time.time())
    last = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(found.last_flag_ms / 1000)) if found.last_flag_ms else ""
    return [
        ("Running", "yes" if found.running else "no (ended)"),
        ("Flagged", found.line),
        ("TopScore", "" if found.highest_score is None else str(found.highest_score)),
        ("LastFlag", last),
    ]


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
    cancel.add_argument("--target", metavar="NAME", help="the CI target (CI_TARGETS) the jobs are in; without it each job's is found")
    cancel.set_defaults(func=cmd_cancel)

    status = sub.add_parser("status", help="show a job's state, stream and DataId")
    status.add_argument("job_id", metavar="jobId")
    status.add_argument("--target", metavar="NAME", help="the CI target (CI_TARGETS) to ask; without it every target is asked")
    status.set_defaults(func=cmd_status)

    check = sub.add_parser("check", help="validate settings, Slack, Tencent credentials and the database")
    check.add_argument("--mode", choices=["http", "socket"], help="check for this mode (default: as `python -m bot` would run)")
    check.set_defaults(func=cmd_check)

    audit_cli.add_parser(sub)
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime import run

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
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
