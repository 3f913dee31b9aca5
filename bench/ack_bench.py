"""Acknowledgement latency under a burst, side by side with a Bolt app that only acks, and
the web process's resident memory afterwards.

    python -m bench.ack_bench [--commands 120] [--concurrency 12] [--ci-latency 1.0] [--no-memory]

Target (issue 16): the bot's p99 at most 1.5x the ack-only app's, no acknowledgement over 3 s.

The CI stand-in takes --ci-latency seconds per call. Both apps are served the same way (a
threaded WSGI server on 127.0.0.1) and receive the same signed slash-command burst. Then the
real web process (`python -m bot http`, gunicorn, as the Procfile runs it) gets the same
burst, and its worker's resident memory (VmRSS, and the peak VmHWM) is read from /proc.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from tests.conftest import job
from tests.fakes.ci_server import CIStandIn
from tests.fakes.slack_server import SlackStandIn
from tests.harness import BOT_TOKEN, ONCALL, SIGNING_SECRET, Bot, SlackClient, bot_env, serve


def ack_only(slack: SlackStandIn) -> tuple[WSGIServer, SlackClient]:
    """A Bolt app whose listener only acks, behind the same server and client as the bot."""
    app = App(client=WebClient(token=BOT_TOKEN, base_url=slack.api_url), signing_secret=SIGNING_SECRET, token_verification_enabled=False)

    @app.command("/cancel-moderation")
    def on_command(ack):
        ack()

    server, url = serve(SlackRequestHandler(app))
    return server, SlackClient(url, slack)


def burst(bot: SlackClient, commands: int, concurrency: int, offset: int) -> list[float]:
    def one(n: int) -> float:
        status, _, elapsed = bot.command(ONCALL, f"{job(offset + n)} bench")
        assert status == 200, status
        return elapsed

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, range(commands)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def web_process_memory(commands: int, concurrency: int, ci_latency: float) -> tuple[float, float]:
    """RSS and peak RSS (MB) of the real web process's worker after the same burst."""
    from tests.test_process import Process

    with CIStandIn(keys={"AKIDtest": "test-secret-key"}, latency=ci_latency) as ci, tempfile.TemporaryDirectory() as tmp:
        slack = SlackStandIn().start()
        for n in range(commands + 5):
            ci.add_job(job(n))
        web = Process(bot_env(ci, slack, f"sqlite:///{tmp}/web.db"), slack, Path(tmp) / "web.log")
        try:
            burst(web.client, 5, 5, 10_000)
            burst(web.client, commands, concurrency, 0)
            slack.wait_calls("chat.postMessage", commands + 5, timeout=120, channel="C0WORK")
            [worker] = Path(f"/proc/{web.proc.pid}/task/{web.proc.pid}/children").read_text().split()
            status = dict(line.split(":", 1) for line in Path(f"/proc/{worker}/status").read_text().splitlines())
            return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024
        finally:
            web.close()
            slack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=120)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--ci-latency", type=float, default=1.0)
    parser.add_argument("--no-memory", action="store_true", help="skip the real web process's memory figure")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)

    with CIStandIn(keys={"AKIDtest": "test-secret-key"}, latency=args.ci_latency) as ci, tempfile.TemporaryDirectory() as tmp:
        slack = SlackStandIn().start()
        for n in range(2 * args.commands):
            ci.add_job(job(n))
        # The runtime's own defaults (the test harness polls faster), as in production.
        bot = Bot(bot_env(ci, slack, f"sqlite:///{tmp}/bench.db"), slack, sweep_every=5.0, work_poll=1.0, outbox_poll=2.0, heartbeat_every=5.0)
        baseline_server, baseline = ack_only(slack)
        try:
            burst(bot, 5, 5, 10_000)  # warm both up (first-request auth.test, connections)
            burst(baseline, 5, 5, 10_000)
            ours = burst(bot, args.commands, args.concurrency, 0)
            theirs = burst(baseline, args.commands, args.concurrency, args.commands)
            done = slack.wait_calls("chat.postMessage", args.commands + 5, timeout=120, channel="C0WORK")
        finally:
            bot.stop()
            baseline_server.shutdown()
            slack.stop()

    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    b50, b99 = percentile(theirs, 50), percentile(theirs, 99)
    print(f"{args.commands} commands, {args.concurrency} at a time, CI latency {args.ci_latency}s")
    print(f"{'':18}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    print(f"{'this bot':18}{p50 * 1000:9.1f}{p99 * 1000:9.1f}{max(ours) * 1000:9.1f}")
    print(f"{'ack-only Bolt app':18}{b50 * 1000:9.1f}{b99 * 1000:9.1f}{max(theirs) * 1000:9.1f}")
    print(
        f"ratio (bot / ack-only): p50 {p50 / b50:.2f}x, p99 {p99 / b99:.2f}x; mean bot "
        f"{statistics.mean(ours) * 1000:.1f} ms; results posted: {len(done)}"
    )
    ok = p99 <= 1.5 * b99 and max(ours) < 3.0
    if not args.no_memory:
        rss, peak = web_process_memory(args.commands, args.concurrency, args.ci_latency)
        print(f"web process (gunicorn worker) after the burst: RSS {rss:.1f} MB, peak {peak:.1f} MB")
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
