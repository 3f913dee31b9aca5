"""The audit trail: stored before announced, posted once each, retried through Slack trouble."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import job
from tests.harness import AUDIT, MOD, ONCALL, OUTSIDER, all_posted

ROOT = Path(__file__).resolve().parents[2]


def audit_posts(slack):
    """Successful audit posts, by audit entry number."""
    return [c.args["text"] for c in slack.calls_to("chat.postMessage", channel=AUDIT)]


def test_rate_limited_audit_channel_is_retried_with_retry_after_and_nothing_doubles(bot, ci, slack):
    slack.rate_limit("chat.postMessage", 2, retry_after=1, channel=AUDIT)
    for n in range(3):
        ci.add_job(job(n))
        bot.command(ONCALL, f"{job(n)} reason {n}")
    store = bot.runtime.store
    slack.wait_for(lambda: store.audit.unposted_count() == 0 and len(store.audit.entries()) == 6, timeout=20, what="every audit entry posted")
    calls = slack.calls_to("chat.postMessage", channel=AUDIT)
    assert len(calls) == 6 + 2  # two refused by Slack, then each entry (started, cancelled) ×3 once
    assert slack.calls_to("conversations.history") == []  # a 429 is a sure "no": nothing to look for
    posted_ids = sorted({c.args["text"].split(":")[0] for c in calls})
    assert posted_ids == [f"audit #{e.id}" for e in store.audit.entries()]
    first_429, retry = calls[0].at, calls[1].at
    assert retry - first_429 >= 0.9  # Retry-After: 1 honoured


def test_slack_down_keeps_entries_until_it_is_back(bot, ci, slack):
    slack.fail("chat.postMessage", 3, status=500, error="fatal_error", channel=AUDIT)
    bot.runtime.outbox.poll = 0.1
    bot.command(OUTSIDER, f"{job(1)} reason")
    store = bot.runtime.store
    slack.wait_for(lambda: all_posted(store), timeout=30, what="the entry posted after Slack recovered")
    assert len(slack.calls_to("chat.postMessage", channel=AUDIT)) == 4


def test_audit_export_jsonl_and_csv(bot, ci, slack, tmp_path, database_url):
    ci.add_job(job(1))
    bot.command(ONCALL, f"{job(1)} jsonl test")
    slack.wait_for(lambda: len(bot.runtime.store.audit.entries()) == 2, what="the cancel finished")
    bot.command(MOD, f"{job(2)} ask")
    slack.wait_for(lambda: len(bot.runtime.store.audit.entries()) == 3, what="three entries")
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-m", "bot", "audit"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["event"] for r in rows] == ["started", "cancelled", "requested"]
    assert rows[1]["detail"]["reason"] == "jsonl test" and rows[1]["actor"] == ONCALL
    future = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--since", "2999-01-01T00:00:00Z"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert future.returncode == 0 and future.stdout == ""
    csv_out = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--format", "csv"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("id,at,event,actor") and len(lines) == 4
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--since", "yesterday"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "ISO-8601" in bad.stderr
