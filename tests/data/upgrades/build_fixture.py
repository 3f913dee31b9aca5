"""Build one upgrade fixture by running an earlier release's own bot (run once, by hand; never by the tests).

    mkdir /tmp/old-<sha> && git archive <sha> | tar -x -C /tmp/old-<sha>
    cd /tmp/old-<sha> && python3 <this file> <name> <database_url> <out_dir>

It drives that release's bot the way Slack does (signed requests to /slack/events, its own
stand-ins for Slack and the CI API): one cancel carried out directly by on-call, one request
left pending (its approval message posted), one request denied through the Deny form, and
one approved while its cancel is still on the wire when the bot dies (as a deploy can leave
it). Then it dumps the database as that release left it: `<name>.sqlite.sql` (SQLite's own dump)
or `<name>.postgres.sql` (pg_dump), and `<name>.json` (the rows' ids and the pending request's
original approval message: channel, ts and its buttons as posted).

The one edit after the run: the pending request's `expires_at` is moved to 2100-01-01, so the
fixture stays approvable (the release capped the TTL at 7 days). `requests` is not hash-chained.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import CIStandIn, Fault
from tests.fakes.slack_server import SlackStandIn
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, Bot, bot_env

FAR_FUTURE = 4102444800.0  # 2100-01-01
DIRECT, PENDING, DENIED, INTERRUPTED = [job(101)], [job(102), job(103)], [job(104)], [job(106)]


def main(name: str, url: str, out_dir: str) -> None:
    out = Path(out_dir)
    _empty(url)
    ci = CIStandIn(keys={SECRET_ID: SECRET_KEY}).__enter__()
    slack = SlackStandIn().start()
    facts = _drive(ci, slack, url)
    _keep_pending_open(url, facts["pending"]["request_id"])
    facts["commit"] = Path.cwd().name.removeprefix("old-")  # the archive's folder, named after its commit
    facts["schema_version"] = _scalar(url, "SELECT version FROM schema_version")
    (out / f"{name}.json").write_text(json.dumps(facts, indent=2, sort_keys=True) + "\n")
    _dump(url, out, name)
    os._exit(0)  # the killed bot's threads still wait on the CI stand-in: end them with the process, unfinished


def _drive(ci, slack, url: str) -> dict:
    for j in DIRECT + PENDING + DENIED:
        ci.add_job(j, data_id=f"data-{j[-3:]}")
    bot = Bot(bot_env(ci, slack, url, APPROVAL_TTL_SECONDS=str(7 * 86400), CI_READ_TIMEOUT="60"), slack)
    try:
        bot.command(ONCALL, f"{' '.join(DIRECT)} stream already reported")
        _wait(lambda: ci.jobs[DIRECT[0]].state == "Cancelled", "the direct cancel")
        bot.command(MOD, f"{' '.join(PENDING)} please stop these streams")
        pending_id = bot.request_id_from_approval()
        approval = _approval_post(slack, pending_id)
        bot.command(MOD, f"{' '.join(DENIED)} looks like spam")
        denied_id = _wait(lambda: _other_request(slack, {pending_id}), "the second approval post")
        bot.click(ONCALL, "deny_request", denied_id)
        [opened] = slack.wait_calls("views.open")
        view = opened.args["view"]
        bot.submit_view(ONCALL, view["callback_id"], {"note": "not spam"}, view["private_metadata"])
        store = bot.runtime.store
        _wait(lambda: [e.event for e in store.audit.entries()].count("denied") == 1, "the denial")
        _wait(lambda: all(e.posted_at is not None for e in store.audit.entries()), "every audit entry posted")
        _wait(lambda: len(slack.calls_to("chat.postMessage", channel=AUDIT)) == len(store.audit.entries()), "audit posts")
        direct_id = next(e.request_id for e in store.audit.entries() if e.event == "cancelled")
        interrupted_id = _interrupted(bot, ci, slack, {pending_id, denied_id})
    except BaseException:
        bot.stop()
        raise
    return {
        "direct": {"request_id": direct_id, "jobs": DIRECT},
        "pending": {"request_id": pending_id, "jobs": PENDING, **approval},
        "denied": {"request_id": denied_id, "jobs": DENIED},
        "interrupted": {"request_id": interrupted_id, "jobs": INTERRUPTED},
    }


def _interrupted(bot, ci, slack, earlier: set[str]) -> str:
    """Approve a request whose cancel Tencent does not answer, and kill the bot while it waits."""
    bot.command(MOD, f"{' '.join(INTERRUPTED)} stop this one too")
    request_id = _wait(lambda: _other_request(slack, earlier), "the third approval post")
    ci.script(INTERRUPTED[0], Fault.delay(120))  # only now: the request's own look-up was answered
    bot.click(ONCALL, "approve_request", request_id)
    _wait(lambda: ci.requests_for(f"/video/cancel_auditing/{INTERRUPTED[0]}"), "the cancel on the wire")
    bot.kill()
    return request_id


def _approval_post(slack, request_id: str) -> dict:
    """The approval message as posted: where it is, and each button's action_id and value."""
    for call in slack.calls_to("chat.postMessage", channel=APPROVALS):
        buttons = [e for b in call.args.get("blocks", []) for e in b.get("elements", []) if e.get("type") == "button"]
        if call.result and any(b.get("value") == request_id for b in buttons):
            return {
                "channel": APPROVALS,
                "ts": call.result["ts"],
                "buttons": [{"action_id": b["action_id"], "value": b["value"]} for b in buttons],
            }
    raise AssertionError("no approval post for the pending request")


def _other_request(slack, earlier: set[str]) -> str | None:
    for call in slack.calls_to("chat.postMessage", channel=APPROVALS):
        for block in call.args.get("blocks", []):
            for element in block.get("elements", []):
                if element.get("action_id") == "approve_request" and element.get("value") not in earlier:
                    return element["value"]
    return None


def _wait(condition, what: str, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _engine(url: str):
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _empty(url: str) -> None:
    if url.startswith("sqlite"):
        Path(sa.engine.make_url(url).database).unlink(missing_ok=True)
        return
    engine = _engine(url)
    with engine.begin() as conn:
        for table in sa.inspect(conn).get_table_names():
            conn.execute(sa.text(f'DROP TABLE "{table}" CASCADE'))
    engine.dispose()


def _keep_pending_open(url: str, request_id: str) -> None:
    engine = _engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE requests SET expires_at = :t WHERE id = :id"), {"t": FAR_FUTURE, "id": request_id})
    engine.dispose()


def _scalar(url: str, sql: str):
    engine = _engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.text(sql)).scalar()
    engine.dispose()
    return value


def _dump(url: str, out: Path, name: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(sa.engine.make_url(url).database) as conn:
            (out / f"{name}.sqlite.sql").write_text("\n".join(conn.iterdump()) + "\n")
        return
    dump = subprocess.run(
        ["pg_dump", "--inserts", "--no-owner", "--no-privileges", "--no-comments", url], capture_output=True, text=True, check=True
    ).stdout
    # psql's own meta-commands (\restrict) are not SQL: drop them so any client can load the dump.
    sql = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
    (out / f"{name}.postgres.sql").write_text(sql + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
