"""Cancel N jobs against the local CI stand-in with added latency, in one run:

- one process, the in-process limiter (what `python -m bot cancel` uses);
- two processes, N/2 jobs each, sharing the limit through the database (what several bot
  processes do); PostgreSQL with --database-url, else a SQLite file;
- the official SDK's one-by-one loop over the same stand-in (skip with --no-sdk).

    python -m bench.cancel_bench [--jobs 100] [--latency 0.25] [--rate 20] [--database-url URL]

Each figure is the wall time next to the rate-limit bound (N/rate - 1 + latency), with the
most requests the stand-in saw in any one-second window.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from bot.config import Secret
from bot.tencent import CIClient
from bot.tencent.ratelimit import SlidingWindowLimiter
from tests.fakes.ci_server import CIStandIn

KEY_ID, KEY = "AKIDbench", "bench-secret"
ONE_PROCESS_FLOOR, TWO_PROCESS_FLOOR = 1.08, 1.10  # issue 16


def job(n: int) -> str:
    return f"av{n:032x}"


@dataclass
class Figure:
    wall: float
    peak: int
    unverified: int


def stand_in(jobs: int, latency: float) -> CIStandIn:
    server = CIStandIn(keys={KEY_ID: KEY}, latency=latency).start()
    for n in range(jobs):
        server.add_job(job(n))
    return server


def measured(server: CIStandIn, wall: float) -> Figure:
    return Figure(wall, server.max_in_window(1.0), sum(1 for a in server.arrivals if not a.verified))


def one_process(jobs: int, latency: float, rate: int) -> Figure:
    server = stand_in(jobs, latency)
    try:
        client = CIClient(endpoint=server.url, secret_id=KEY_ID, secret_key=Secret(KEY), limiter=SlidingWindowLimiter(rate), concurrency=rate)
        started = time.perf_counter()
        outcomes = client.cancel_many([job(n) for n in range(jobs)])
        wall = time.perf_counter() - started
        assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
        return measured(server, wall)
    finally:
        server.stop()


def two_processes(jobs: int, latency: float, rate: int, database_url: str) -> Figure:
    """Two real processes, each cancelling half the jobs, started at the same instant."""
    server = stand_in(jobs, latency)
    half = jobs // 2
    cmd = [sys.executable, "-m", "bench.cancel_bench", "--worker", "--endpoint", server.url, "--database-url", database_url, "--rate", str(rate)]
    procs = [
        subprocess.Popen([*cmd, "--first", str(first), "--count", str(count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for first, count in ((0, half), (half, jobs - half))
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        start_at = time.time() + 0.2
        for proc in procs:
            proc.stdin.write(f"{start_at}\n")
            proc.stdin.flush()
        ends = [json.loads(proc.stdout.readline())["finished"] for proc in procs]
        for proc in procs:
            assert proc.wait(30) == 0
        return measured(server, max(ends) - start_at)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        server.stop()


def worker(endpoint: str, database_url: str, rate: int, first: int, count: int) -> None:
    """One of the two processes: a shared limiter on the database, like a bot process."""
    from bot.store import SharedLimiter, Store

    store = Store(database_url)
    store.migrate()
    store.ping()
    client = CIClient(endpoint=endpoint, secret_id=KEY_ID, secret_key=Secret(KEY), limiter=SharedLimiter(store.slots, rate), concurrency=rate)
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))  # both processes start at the same instant
    outcomes = client.cancel_many([job(n) for n in range(first, first + count)])
    finished = time.time()
    assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
    print(json.dumps({"finished": finished}), flush=True)

    store.close()


def clear_slots(database_url: str) -> None:
    """Start the shared limiter from an empty log (an earlier run's sends are not this run's)."""
    import sqlalchemy as sa

    from bot.store import Store
    from bot.store.schema import rate_table

    store = Store(database_url)
    store.migrate()
    with store.engine.begin() as conn:
        conn.execute(sa.delete(rate_table))
    store.close()


def official_sdk(jobs: int, latency: float) -> float:
    from qcloud_cos import CosConfig, CosS3Client

    server = stand_in(jobs, latency)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        conf = CosConfig(Region="ap-beijing", SecretId=KEY_ID, SecretKey=KEY, Scheme="http", IP="127.0.0.1", Port=port)
        client = CosS3Client(conf)
        started = time.perf_counter()
        for n in range(jobs):
            client.ci_auditing_live_video_cancle(Bucket="examplebucket-1250000000", JobID=job(n))
        wall = time.perf_counter() - started
        assert all(a.verified for a in server.arrivals)
        return wall
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--rate", type=int, default=20)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="shared limiter's database (default: a SQLite file); PostgreSQL: postgresql://...",
    )
    parser.add_argument("--no-sdk", action="store_true", help="skip the official SDK's loop (about 30 s)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.worker:
        return worker(args.endpoint, args.database_url, args.rate, args.first, args.count)

    with tempfile.TemporaryDirectory() as tmp:
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        clear_slots(database_url)
        bound = args.jobs / args.rate - 1 + args.latency
        one = one_process(args.jobs, args.latency, args.rate)
        two = two_processes(args.jobs, args.latency, args.rate, database_url)
    database = database_url.split(":", 1)[0].split("+", 1)[0]
    print(f"jobs={args.jobs} latency={args.latency}s rate={args.rate}/s; rate-limit bound {bound:.2f} s (N/rate - 1 + latency)")
    print(f"{'':34}{'wall s':>8}{'x bound':>9}{'max/1s':>8}{'bad sig':>8}")
    rows = [("one process", one, ONE_PROCESS_FLOOR), (f"two processes ({database}, {args.jobs // 2} each)", two, TWO_PROCESS_FLOOR)]
    for name, fig, _ in rows:
        print(f"{name:34}{fig.wall:8.2f}{fig.wall / bound:8.3f}x{fig.peak:8d}{fig.unverified:8d}")
    if not args.no_sdk:
        sdk = official_sdk(args.jobs, args.latency)
        print(f"{'official SDK, one by one':34}{sdk:8.2f}{sdk / bound:8.2f}x   ({sdk / one.wall:.1f}x slower)")
    ok = all(fig.wall <= floor * bound and fig.peak <= args.rate and fig.unverified == 0 for _, fig, floor in rows)
    print("PASS" if ok else f"FAIL (floors: {ONE_PROCESS_FLOOR}x one process, {TWO_PROCESS_FLOOR}x two)")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
