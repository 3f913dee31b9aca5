"""Cancel N jobs against the local CI stand-in with added latency, three ways, in one run.

    python -m bench.cancel_bench [--jobs 100] [--latency 0.25] [--rate 20]

Prints our bulk cancel's wall time next to the rate-limit bound (N/rate - 1 + latency), the
most requests the stand-in saw in any one-second window, and the official SDK's one-by-one
loop over the same stand-in.
"""

from __future__ import annotations

import argparse
import logging
import time

from qcloud_cos import CosConfig, CosS3Client

from bot.config import Secret
from bot.tencent import CIClient
from bot.tencent.ratelimit import SlidingWindowLimiter
from tests.fakes.ci_server import CIStandIn

KEY_ID, KEY = "AKIDbench", "bench-secret"


def job(n: int) -> str:
    return f"av{n:032x}"


def ours(jobs: int, latency: float, rate: int) -> tuple[float, int, int]:
    with CIStandIn(keys={KEY_ID: KEY}, latency=latency) as server:
        ids = [job(n) for n in range(jobs)]
        for j in ids:
            server.add_job(j)
        client = CIClient(endpoint=server.url, secret_id=KEY_ID, secret_key=Secret(KEY),
                          limiter=SlidingWindowLimiter(rate), concurrency=rate)
        started = time.perf_counter()
        outcomes = client.cancel_many(ids)
        wall = time.perf_counter() - started
        assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
        return wall, server.max_in_window(1.0), sum(1 for a in server.arrivals if not a.verified)


def official_sdk(jobs: int, latency: float) -> float:
    with CIStandIn(keys={KEY_ID: KEY}, latency=latency) as server:
        ids = [job(n) for n in range(jobs)]
        for j in ids:
            server.add_job(j)
        port = int(server.url.rsplit(":", 1)[1])
        conf = CosConfig(Region="ap-beijing", SecretId=KEY_ID, SecretKey=KEY, Scheme="http", IP="127.0.0.1", Port=port)
        client = CosS3Client(conf)
        started = time.perf_counter()
        for j in ids:
            client.ci_auditing_live_video_cancle(Bucket="examplebucket-1250000000", JobID=j)
        wall = time.perf_counter() - started
        assert all(a.verified for a in server.arrivals)
        return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--rate", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    bound = args.jobs / args.rate - 1 + args.latency
    wall, peak, unverified = ours(args.jobs, args.latency, args.rate)
    sdk = official_sdk(args.jobs, args.latency)
    print(f"jobs={args.jobs} latency={args.latency}s rate={args.rate}/s")
    print(f"bulk cancel (this bot)     {wall:7.2f} s   ({wall / bound:.2f}x the bound)")
    print(f"rate-limit bound           {bound:7.2f} s   (N/rate - 1 + latency)")
    print(f"official SDK, one by one   {sdk:7.2f} s   ({sdk / wall:.1f}x slower)")
    print(f"peak requests in any 1 s window at the server: {peak} (limit {args.rate})")
    print(f"requests failing signature verification: {unverified}")
    ok = wall <= 1.25 * bound and peak <= args.rate and unverified == 0
    print("PASS" if ok else "FAIL")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
