"""How late an approval request is posted when many people use the Home tab.

    python -m bench.home_fanout_bench [--viewers 300] [--publish-ms 50] [--rounds 5]

`--viewers` users open the Home tab (plus on-call and the requester); Slack's stand-in answers
views.publish `--publish-ms` late, as a loaded Slack does. Each round: on-call approves the
previous request (a decision: Homes are refreshed) and at once the requester asks for another
cancel; we time the command's arrival to its approval post in APPROVAL_CHANNEL, and count the
views.publish calls each round caused.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time

from tests.conftest import job
from tests.fakes.ci_server import CIStandIn
from tests.fakes.slack_server import SlackStandIn
from tests.harness import APPROVALS, MOD, ONCALL, Bot, bot_env


def approval_posts(slack) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=APPROVALS) if c.result and not c.args.get("thread_ts")]


def run(viewers: int, publish_ms: float, rounds: int) -> tuple[list[float], list[int]]:
    with tempfile.TemporaryDirectory() as tmp, CIStandIn(keys={"AKIDtest": "test-secret-key"}) as ci:
        slack = SlackStandIn().start()
        bot = Bot(bot_env(ci, slack, f"sqlite:///{tmp}/bot.db", APPROVAL_REMINDER_SECONDS="0"), slack)
        try:
            users = [f"U0VIEWER{n:04d}" for n in range(viewers)] + [ONCALL, MOD]
            for user in users:
                bot.home_opened(user)
            slack.wait_for(lambda: len(slack.calls_to("views.publish")) >= len(users), timeout=600, what="every Home published")
            slack.slow("views.publish", publish_ms / 1000)
            latencies, publishes = [], []
            previous = None
            for n in range(rounds + 1):
                ci.add_job(job(n), data_id="biz")
                before = len(slack.calls_to("views.publish"))
                if previous:
                    bot.click(ONCALL, "approve_request", previous)
                started = time.monotonic()
                bot.command(MOD, f"{job(n)} round {n}")
                post = slack.wait_for(lambda n=n: len(approval_posts(slack)) > n and approval_posts(slack)[n], timeout=600, what="the post")
                if previous:  # round 0 has no decision before it
                    latencies.append(post.at - started)
                    publishes.append(len(slack.calls_to("views.publish")) - before)
                previous = bot.request_id_from_approval()
            return latencies, publishes
        finally:
            bot.stop()
            slack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=300)
    parser.add_argument("--publish-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    latencies, publishes = run(args.viewers, args.publish_ms, args.rounds)
    ms = [round(v * 1000) for v in latencies]
    print(f"{args.viewers} Home viewers, views.publish answered {args.publish_ms:g} ms late, {args.rounds} rounds")
    print(f"command -> approval post: {ms} ms (median {statistics.median(ms):.0f} ms, max {max(ms)} ms)")
    print(f"views.publish calls by the time of each post: {publishes}")


if __name__ == "__main__":
    main()
