"""A 100-job on-call cancel through the whole bot: signed command to /slack/events, stored
task, execution with its per-job journal and shared rate limit, result posted to Slack.

    python -m bench.bulk_e2e_bench [--database-url postgresql://…]

Prints the time from the command to the result message against the rate-limit bound
(N/rate − 1 + latency) and the most requests the CI stand-in saw in any one second.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time

from tests.conftest import job
from tests.fakes.ci_server import CIStandIn
from tests.fakes.slack_server import SlackStandIn
from tests.harness import CHANNEL, ONCALL, Bot, bot_env, reset_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    bound = args.jobs / 20 - 1 + args.latency
    with CIStandIn(keys={"AKIDtest": "test-secret-key"}, latency=args.latency) as ci, tempfile.TemporaryDirectory() as tmp:
        slack = SlackStandIn().start()
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        reset_database(url)
        ids = [job(n) for n in range(args.jobs)]
        for j in ids:
            ci.add_job(j)
        # The runtime's own defaults (the test harness polls faster), as in production.
        bot = Bot(bot_env(ci, slack, url), slack, sweep_every=5.0, work_poll=1.0, outbox_poll=2.0, heartbeat_every=5.0)
        try:
            started = time.monotonic()
            bot.command(ONCALL, " ".join(ids) + " bench")
            [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=120)
            took = time.monotonic() - started
        finally:
            bot.stop()
            slack.stop()
    print(
        f"{args.jobs} jobs through the bot ({url.split(':')[0]}): {took:.2f} s, {took / bound:.3f}x the bound "
        f"{bound:.2f} s; most in any second at the stand-in: {ci.max_in_window(1.0)}; result: {result.args['text']}"
    )


if __name__ == "__main__":
    main()
