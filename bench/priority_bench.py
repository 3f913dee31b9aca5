"""Decisions first, under load (issue 16): two figures through the whole bot.

    python -m bench.priority_bench [--rounds 20] [--viewers 100] [--database-url URL]

1. **Buttons gone**: a requester asks, on-call clicks Approve; from the click's
   acknowledgement to the stand-in receiving the chat.update that takes the buttons away
   ("approved by …, cancelling"), timed from the moment the click is sent (its acknowledgement
   included). On-call clicks `--read-seconds` after the card appears (reading it, then Slack's
   confirm dialog: a person takes longer); the same figure with the click sent the moment
   the card's post is answered is printed as the worst case. Home viewers are present: `--viewers` users have opened the
   Home tab, so every change queues that many refreshes (Slack answering views.publish in
   `--publish-latency` seconds). CI answers in `--ci-latency` seconds. Target p95 <= 50 ms.
2. **Cancel under look-ups**: at CI_RATE_LIMIT=10, `status` commands keep the look-up share of
   the limit busy for the whole run; from the Approve click being sent to the cancel reaching
   the CI stand-in. Target p95 <= 100 ms; the stand-in never sees more than 10
   requests in any one second.

Both bots run with the runtime's own defaults (1 s fallback poll, as in production).
Everything is local (stand-ins on 127.0.0.1); the machine's other load shows in the tail.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import threading
import time

from bench.ack_bench import percentile
from tests.conftest import job
from tests.fakes.ci_server import CIStandIn
from tests.fakes.slack_server import SlackStandIn
from tests.harness import APPROVALS, MOD, ONCALL, ONCALL2, Bot, bot_env, reset_database

PRODUCTION = {"sweep_every": 5.0, "work_poll": 1.0, "outbox_poll": 2.0, "heartbeat_every": 5.0}


def buttons_gone(bot: Bot, slack: SlackStandIn, ci: CIStandIn, n: int, read_seconds: float) -> float:
    """One request approved `read_seconds` after its card was posted; seconds from sending the
    click to the buttons-gone update."""
    ci.add_job(job(n))
    posts = len(slack.calls_to("chat.postMessage", channel=APPROVALS))
    bot.command(MOD, f"{job(n)} bench round {n}")
    post = slack.wait_calls("chat.postMessage", posts + 1, timeout=30, channel=APPROVALS)[-1]
    request_id = bot.request_id_from_approval()
    slack.wait_for(lambda: post.result, what="the approval post answered")
    ts = post.result["ts"]
    time.sleep(read_seconds)  # a person reading the card (not a wait for the bot: nothing is polled)
    clicked = time.monotonic()
    status, _, _ = bot.click(ONCALL, "approve_request", request_id)
    assert status == 200, status

    def update():
        for call in slack.calls_to("chat.update", channel=APPROVALS):
            blocks = json.dumps(call.args.get("blocks"))
            if call.args.get("ts") == ts and "Approved by" in blocks and "approve_request" not in blocks:
                return call
        return None

    return slack.wait_for(update, timeout=30, what="the buttons-gone update").at - clicked


def cancel_under_lookups(bot: Bot, slack: SlackStandIn, ci: CIStandIn, n: int, stop: threading.Event) -> float:
    """One request approved while look-ups saturate their share; click -> cancel at the stand-in."""
    ci.add_job(job(n))
    posts = len(slack.calls_to("chat.postMessage", channel=APPROVALS))
    bot.command(MOD, f"{job(n)} bench round {n}")
    slack.wait_calls("chat.postMessage", posts + 1, timeout=60, channel=APPROVALS)
    request_id = bot.request_id_from_approval()
    clicked = time.monotonic()
    status, _, _ = bot.click(ONCALL, "approve_request", request_id)
    assert status == 200, status
    path = f"cancel_auditing/{job(n)}"
    deadline = time.monotonic() + 60
    while not (arrived := ci.requests_for(path)) and time.monotonic() < deadline and not stop.is_set():
        time.sleep(0.002)  # a bench polls the stand-in's record; the bot is never polled
    return arrived[0].at - clicked


def lookup_load(bot: Bot, ci: CIStandIn, stop: threading.Event) -> None:
    """Keep `status` commands queued: each asks about 20 jobs, a new one whenever few wait."""
    ids = [job(50_000 + n) for n in range(20)]
    for j in ids:
        ci.add_job(j)
    while not stop.is_set():
        bot.command(ONCALL2, "status " + " ".join(ids), response_name="load")
        stop.wait(1.0)  # 20 look-ups a second offered against a share of at most 8


def run(urls: tuple[str, str], rounds: int, viewers: int, publish_latency: float, ci_latency: float, read_seconds: float):
    """`urls`: a database for each figure (the same PostgreSQL database may serve both).
    Returns buttons gone (after reading, at once), click to cancel, and the peak per second."""
    reached, peak = cancels(urls[1], rounds, ci_latency)
    gone = buttons(urls[0], rounds, viewers, publish_latency, ci_latency, read_seconds)
    at_once = buttons(urls[0], rounds, viewers, publish_latency, ci_latency, 0.0)
    return gone, at_once, reached, peak


def buttons(database_url: str, rounds: int, viewers: int, publish_latency: float, ci_latency: float, read_seconds: float) -> list[float]:
    reset_database(database_url)
    with CIStandIn(keys={"AKIDtest": "test-secret-key"}, latency=ci_latency) as ci:
        slack = SlackStandIn().start()
        slack.slow("views.publish", publish_latency)
        bot = Bot(bot_env(ci, slack, database_url), slack, **PRODUCTION)
        try:
            for v in range(viewers):
                bot.home_opened(f"U0VIEW{v:05d}")
            if viewers:
                slack.wait_calls("views.publish", viewers, timeout=120)
            return [buttons_gone(bot, slack, ci, n, read_seconds) for n in range(rounds)]
        finally:
            bot.stop()
            slack.stop()


def cancels(database_url: str, rounds: int, ci_latency: float) -> tuple[list[float], int]:
    reset_database(database_url)
    with CIStandIn(keys={"AKIDtest": "test-secret-key"}, latency=ci_latency) as ci:
        slack = SlackStandIn().start()
        bot = Bot(bot_env(ci, slack, database_url, CI_RATE_LIMIT="10"), slack, **PRODUCTION)
        stop = threading.Event()
        loader = threading.Thread(target=lookup_load, args=(bot, ci, stop), daemon=True)
        try:
            loader.start()
            time.sleep(2.0)  # let the look-up backlog build before the first click
            reached = [cancel_under_lookups(bot, slack, ci, 1000 + n, stop) for n in range(rounds)]
            return reached, ci.max_in_window(1.0)
        finally:
            stop.set()
            loader.join(5)
            bot.stop()
            slack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--publish-latency", type=float, default=0.1)
    parser.add_argument("--ci-latency", type=float, default=0.25)
    parser.add_argument("--read-seconds", type=float, default=0.5, help="on-call's time from the card appearing to the click")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        urls = (url, url) if args.database_url else (url, f"sqlite:///{tmp}/lookups.db")
        gone, at_once, reached, peak = run(urls, args.rounds, args.viewers, args.publish_latency, args.ci_latency, args.read_seconds)
    database = url.split(":", 1)[0]
    print(f"{database}; {args.rounds} rounds; {args.viewers} Home viewers (views.publish {args.publish_latency}s); CI latency {args.ci_latency}s")
    print(f"{'':40}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    rows = (
        (f"click -> buttons gone (read {args.read_seconds}s)", gone),
        ("  the same, clicked as the card is posted", at_once),
        ("click -> cancel at CI (limit 10)", reached),
    )
    for name, values in rows:
        print(f"{name:40}{percentile(values, 50) * 1000:9.1f}{percentile(values, 95) * 1000:9.1f}{max(values) * 1000:9.1f}")
    print(f"most CI requests in any one second: {peak} (limit 10)")
    ok = percentile(gone, 95) <= 0.050 and percentile(reached, 95) <= 0.100 and peak <= 10
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
