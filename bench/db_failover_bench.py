"""How long the bot takes to come back by itself after a PostgreSQL failover.

    python -m bench.db_failover_bench --postgres postgresql://postgres@127.0.0.1:5432/scratch [--runs 3]

The real bot (tests/harness.py Bot) reaches PostgreSQL through the TCP proxy of tests/fakes.
Each run: a cancel goes through; then the proxy fails over (open connections hang for good,
new ones reach the server) and the bench measures, from that moment, the first command taken,
its job cancelled at the CI stand-in, and /healthz answering 200 again. The contract: 45 s.
The bot tables of the scratch database are dropped.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import urllib.parse

from bot.slack.services import NOT_STORED
from tests.conftest import job
from tests.fakes.ci_server import CIStandIn
from tests.fakes.slack_server import SlackStandIn
from tests.fakes.tcp_proxy import TCPProxy
from tests.harness import ONCALL, Bot, bot_env, reset_database

CONTRACT_SECONDS = 45.0


def until(predicate, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"FAIL: {what} not within {timeout} s")
        time.sleep(0.1)
    return time.monotonic()


def one_run(url: str, n: int) -> tuple[float, float, float]:
    reset_database(url)
    parsed = urllib.parse.urlsplit(url)
    proxy = TCPProxy(parsed.hostname or "127.0.0.1", parsed.port or 5432).start()
    auth = f"{parsed.username}@" if parsed.username else ""
    proxied = urllib.parse.urlunsplit((parsed.scheme, f"{auth}127.0.0.1:{proxy.port}", parsed.path, parsed.query, ""))
    with CIStandIn(keys={"AKIDtest": "test-secret-key"}) as ci:
        slack = SlackStandIn().start()
        bot = Bot(bot_env(ci, slack, proxied), slack)
        try:
            ci.add_job(job(2 * n))
            bot.command(ONCALL, f"{job(2 * n)} before")
            until(lambda: ci.jobs[job(2 * n)].state == "Cancelled", 20, "the first cancel")
            ci.add_job(job(2 * n + 1))
            failed_over = time.monotonic()
            proxy.failover()

            def taken() -> bool:
                _, body, _ = bot.command(ONCALL, f"{job(2 * n + 1)} after")
                assert "Working" in json.dumps(body) or body.get("text") == NOT_STORED, body
                return "Working" in json.dumps(body)

            accepted = until(taken, CONTRACT_SECONDS, "a command taken")
            cancelled = until(lambda: ci.jobs[job(2 * n + 1)].state == "Cancelled", CONTRACT_SECONDS, "its cancel")
            healthy = until(lambda: bot.http.get(bot.url + "/healthz", timeout=10).status_code == 200, CONTRACT_SECONDS, "/healthz 200")
            return accepted - failed_over, cancelled - failed_over, healthy - failed_over
        finally:
            proxy.failover()
            bot.stop()
            slack.stop()
            proxy.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="a scratch PostgreSQL database (its bot tables are dropped)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    print("seconds after the failover: first command taken / its job cancelled / /healthz 200")
    worst = 0.0
    for n in range(1, args.runs + 1):
        taken, cancelled, healthy = one_run(args.postgres, n)
        worst = max(worst, taken, cancelled, healthy)
        print(f"run {n}: {taken:.1f} / {cancelled:.1f} / {healthy:.1f}")
    print("PASS" if worst < CONTRACT_SECONDS else f"FAIL: {worst:.1f} s (contract {CONTRACT_SECONDS:g} s)")


if __name__ == "__main__":
    main()
