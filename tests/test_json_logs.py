"""On a host every log line is JSON, gunicorn's own included, and no secret is in any of them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import requests

from tests.conftest import SECRET_KEY, job
from tests.harness import BOT_TOKEN, CHANNEL, ONCALL, SIGNING_SECRET, bot_env
from tests.test_process import ROOT, Process

METRICS_TOKEN = "metrics-token-in-logs-test"


def parsed_lines(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "the process wrote no log line"
    not_json = []
    docs = []
    for line in lines:
        try:
            docs.append(json.loads(line))
        except ValueError:
            not_json.append(line)
    assert not not_json, f"{len(not_json)} of {len(lines)} lines are not JSON: {not_json[:5]}"
    return docs


def test_the_http_process_logs_only_json_lines_without_secrets(ci, slack, database_url, tmp_path):
    ci.add_job(job(1))
    log_path = tmp_path / "bot.log"
    # LOG_FORMAT left at its default (auto): the output is a file, not a terminal, so JSON.
    env = bot_env(ci, slack, database_url, LOG_FORMAT="", METRICS_TOKEN=METRICS_TOKEN)
    bot = Process(env, slack, log_path)
    try:
        bot.client.command(ONCALL, f"{job(1)} {job(2)} logs check")  # job 2 is unknown: an error line too
        slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
        assert requests.get(f"{bot.client.url}/metrics", timeout=10).status_code == 401
        bot.signal(signal.SIGTERM)
        assert bot.wait(30) == 0
    finally:
        bot.close()
    text = log_path.read_text()
    docs = parsed_lines(text)
    loggers = {d.get("logger") for d in docs}
    assert "gunicorn.error" in loggers, loggers  # gunicorn's start-up and shutdown lines, as JSON
    assert any(d.get("event") == "ci.call" and d.get("code") == "InvalidArgument" for d in docs)
    for secret in (SECRET_KEY, SIGNING_SECRET, BOT_TOKEN, METRICS_TOKEN):
        assert secret not in text


def test_warnings_and_uncaught_exceptions_are_json_and_redacted(tmp_path):
    """What Python itself would print to stderr goes through the same formatter."""
    code = textwrap.dedent("""
        import threading, warnings
        from bot.observe import logs
        logs.configure("INFO", "json", secrets=["s3cret-value-xyz"])
        warnings.warn("deprecated thing")
        thread = threading.Thread(target=lambda: 1 / 0, name="boom")
        thread.start()
        thread.join()
        raise RuntimeError("failed with s3cret-value-xyz")
    """)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, env={"PATH": "", "PYTHONPATH": str(ROOT)}
    )
    assert out.returncode == 1
    docs = parsed_lines(out.stderr + out.stdout)
    assert [d["event"] for d in docs][1:] == ["thread.uncaught", "uncaught"]
    assert "deprecated thing" in docs[0]["event"] and docs[0]["logger"] == "py.warnings"
    assert "ZeroDivisionError" in docs[1]["error"] and docs[1]["thread"] == "boom"
    assert "RuntimeError" in docs[2]["error"] and "s3cret-value-xyz" not in out.stderr
