"""After an upgrade the bot works on what the earlier release left: the pending request is
decided from its ORIGINAL approval message (the button as that release posted it) and carried
out in full, new commands work, and `audit --verify` holds over old and new entries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, MOD, ONCALL, all_posted
from tests.store.upgrades import RELEASES, engine_for, load_release

ROOT = Path(__file__).resolve().parents[2]


def click_original(bot, fixture: dict, action_id: str, user: str = ONCALL, response_name: str = "click"):
    """A click on the button the old release posted, in the message it posted (its channel and ts)."""
    pending = fixture["pending"]
    [button] = [b for b in pending["buttons"] if b["action_id"] == action_id]
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "api_app_id": "A1",
        "trigger_id": "trig-old",
        "channel": {"id": pending["channel"]},
        "container": {"type": "message", "channel_id": pending["channel"], "message_ts": pending["ts"]},
        "message": {"type": "message", "ts": pending["ts"]},
        "response_url": bot.slack.response_url(response_name),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "decision", "value": button["value"], "action_ts": str(time.time())}],
    }
    return bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}))


def verify(url: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "LOG_FORMAT": "json"}
    return subprocess.run([sys.executable, "-m", "bot", "audit", "--verify"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def load_with_jobs(ci, database_url: str, release: str) -> dict:
    """The release's database, and the CI stand-in knowing its open requests' jobs as still running."""
    fixture = load_release(database_url, release)
    for j in fixture["pending"]["jobs"] + fixture["interrupted"]["jobs"]:
        ci.add_job(j)
    return fixture


def old_entries(url: str) -> tuple[list[tuple], set[int]]:
    """The entries the old release wrote (id, event, request id), and those it had not posted yet (it died first)."""
    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, event, request_id, posted_at FROM audit_log ORDER BY id")).all()
    engine.dispose()
    return [(r.id, r.event, r.request_id) for r in rows], {r.id for r in rows if r.posted_at is None}


def posted_ids(slack) -> list[int]:
    return [int(re.match(r"audit #(\d+):", c.args["text"]).group(1)) for c in slack.calls_to("chat.postMessage", channel=AUDIT)]


def events_of(store, request_id: str) -> list[str]:
    return [e.event for e in store.audit.entries() if e.request_id == request_id]


@pytest.mark.parametrize("release", RELEASES)
def test_a_request_left_pending_is_approved_from_its_original_message_and_carried_out(make_bot, ci, slack, database_url, release):
    fixture = load_with_jobs(ci, database_url, release)
    pending = fixture["pending"]
    written, left_unposted = old_entries(database_url)
    bot = make_bot()
    store = bot.runtime.store

    status, _, _ = click_original(bot, fixture, "approve_request")
    assert status == 200
    slack.wait_for(lambda: store.requests.get(pending["request_id"]).state == "done", timeout=20, what="the old request carried out")
    for j in pending["jobs"]:
        assert len(ci.requests_for(f"/video/cancel_auditing/{j}")) == 1, f"{j} sent once"
        assert ci.jobs[j].state == "Cancelled"
    final = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS, ts=pending["ts"]) if "Cancelled 2 job(s)" in json.dumps(c.args)],
        what="the original message shows the outcome",
    )
    assert "approve_request" not in json.dumps(final[-1].args["blocks"])
    assert events_of(store, pending["request_id"])[-3:] == ["approved", "started", "cancelled"]

    new_job = job(105)
    ci.add_job(new_job)
    entries_before = len(store.audit.entries())
    bot.command(ONCALL, f"{new_job} a new command after the upgrade")
    # The job is cancelled before its outcome is audited: wait for that entry too, and for every
    # entry to be posted.
    slack.wait_for(
        lambda: "cancelled" in [e.event for e in store.audit.entries()[entries_before:]] and all_posted(store),
        timeout=20,
        what="the new command's outcome audited and every entry posted",
    )
    # What the old release had posted is not posted again; the rest, old and new, once each.
    new_ids = {e.id for e in store.audit.entries()} - {e[0] for e in written}
    assert sorted(posted_ids(slack)) == sorted(left_unposted | new_ids)

    assert [(e.id, e.event, e.request_id) for e in store.audit.entries()][: len(written)] == written
    checked = verify(database_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(store.audit.entries())} entries checked" in checked.stdout


@pytest.mark.parametrize("release", RELEASES)
def test_a_request_left_pending_is_denied_from_its_original_message(make_bot, ci, slack, database_url, release):
    fixture = load_with_jobs(ci, database_url, release)
    pending = fixture["pending"]
    bot = make_bot()
    click_original(bot, fixture, "deny_request")
    [opened] = slack.wait_calls("views.open")
    view = opened.args["view"]
    status, _, _ = bot.submit_view(ONCALL, view["callback_id"], {"note": "stream is fine"}, view["private_metadata"])
    assert status == 200
    slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS, ts=pending["ts"]) if "Denied by" in json.dumps(c.args)],
        what="the original message shows the denial",
    )
    slack.wait_for(
        lambda: [
            c for c in slack.calls_to("chat.postMessage", channel=MOD) if pending["request_id"][:8] in c.args["text"] and "denied" in c.args["text"]
        ],
        what="the requester told",
    )
    for j in pending["jobs"]:
        assert ci.requests_for(f"/video/cancel_auditing/{j}") == []
    assert bot.runtime.store.requests.get(pending["request_id"]).state == "denied"


@pytest.mark.parametrize("release", RELEASES)
def test_a_request_approved_when_the_old_release_died_mid_cancel_is_carried_out(make_bot, ci, slack, database_url, release):
    """The old bot was killed while its cancel was on the wire: after the upgrade the request is
    finished (schema 2 kept no task for it: the upgrade queues its execution)."""
    interrupted = load_with_jobs(ci, database_url, release)["interrupted"]
    bot = make_bot()
    store = bot.runtime.store
    slack.wait_for(lambda: store.requests.get(interrupted["request_id"]).state == "done", timeout=30, what="the interrupted request finished")
    for j in interrupted["jobs"]:
        assert len(ci.requests_for(f"/video/cancel_auditing/{j}")) == 1
        assert ci.jobs[j].state == "Cancelled"
    message_ts = store.requests.get(interrupted["request_id"]).message_ts
    slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS, ts=message_ts) if "Cancelled 1 job(s)" in json.dumps(c.args)],
        what="its approval message shows the outcome",
    )
    assert events_of(store, interrupted["request_id"])[-1] == "cancelled"
    checked = verify(database_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def hold_lease(url: str, request_id: str, seconds: float) -> float:
    """A process of the schema-2 release (still running: a rolling upgrade) has just approved the
    request and is sending its jobs under its lease; returns when the lease ends (time.time())."""
    until = time.time() + seconds
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE requests SET state='approved', lease_until=:until WHERE id=:id"), {"until": until, "id": request_id})
    engine.dispose()
    return until


def test_a_request_the_old_release_holds_a_live_lease_on_is_left_to_it(make_bot, ci, slack, database_url):
    """Rolling upgrade: while an old process's lease on an approved request lasts, the new
    release sends none of its jobs (a job is sent once), and still serves new commands."""
    interrupted = load_with_jobs(ci, database_url, "schema2")["interrupted"]
    hold_lease(database_url, interrupted["request_id"], 300)
    bot = make_bot()  # upgrades the shared database
    new_job = job(150)
    ci.add_job(new_job)
    bot.command(ONCALL, f"{new_job} a new command during the rolling upgrade")
    slack.wait_for(lambda: ci.jobs[new_job].state == "Cancelled", timeout=20, what="a new command carried out")
    sent = {j: len(ci.requests_for(f"/video/cancel_auditing/{j}")) for j in interrupted["jobs"]}
    assert sent == dict.fromkeys(interrupted["jobs"], 0), f"the new release sent cancels for jobs the old release still holds a live lease on: {sent}"
    assert bot.runtime.store.requests.get(interrupted["request_id"]).state == "approved"


def test_a_request_whose_old_holder_died_is_carried_out_once_its_lease_ends(make_bot, ci, slack, database_url):
    """The old process holding the lease died mid-cancel: the new release carries the request
    out, once, but not before the old holder's lease has ended."""
    interrupted = load_with_jobs(ci, database_url, "schema2")["interrupted"]
    lease_ends = hold_lease(database_url, interrupted["request_id"], 3)
    lease_ends_monotonic = time.monotonic() + (lease_ends - time.time())
    bot = make_bot()
    store = bot.runtime.store
    slack.wait_for(lambda: store.requests.get(interrupted["request_id"]).state == "done", timeout=30, what="the request carried out")
    for j in interrupted["jobs"]:
        [arrival] = ci.requests_for(f"/video/cancel_auditing/{j}")
        assert arrival.at >= lease_ends_monotonic, f"{j} was sent {lease_ends_monotonic - arrival.at:.1f} s before the old holder's lease ended"
        assert ci.jobs[j].state == "Cancelled"
