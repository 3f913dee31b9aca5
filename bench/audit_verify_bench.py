"""What the audit hash chain costs: `--verify` over 100,000 entries, and each append with and without it.

    python -m bench.audit_verify_bench [--entries 100000] [--appends 300] [--postgres postgresql://...]

SQLite always (a temporary file, synchronous=FULL as in production); PostgreSQL too with
--postgres (its tables are dropped and recreated: use a scratch database). The log is filled
with realistic decision entries (three jobs with results), chained as the bot chains them.
Appends alternate chained (AuditLog.append) and unchained (the insert as it was before the chain)
so both see the same machine load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bot.store import Store, metadata
from bot.store.chain import GENESIS, entry_hash, stored_fields
from bot.store.schema import audit_table, chain_head_table

ROOT = Path(__file__).resolve().parents[1]
T0 = 1764000000.0


def detail(n: int) -> dict:
    jobs = [f"av{n:028x}{k:04x}" for k in range(3)]
    return {
        "reason": f"duplicate stream #{n}, stopping its moderation",
        "kind": "direct",
        "job_ids": jobs,
        "jobs": 3,
        "cancelled": 3,
        "results": [
            {"job_id": j, "ok": True, "request_id": f"NjM{n:08d}{k}", "data_id": f"biz-{n}-{k}", "creation_time": "2026-11-24T10:00:00+0800"}
            for k, j in enumerate(jobs)
        ],
    }


def fresh_store(url: str) -> Store:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            metadata.drop_all(conn)
        engine.dispose()
    store = Store(url)
    store.migrate()
    return store


def fill(store: Store, count: int, batch: int = 5000) -> None:
    """`count` chained entries, written in bulk (the bench measures reading them, not writing)."""
    prev = GENESIS
    for start in range(1, count + 1, batch):
        rows = []
        for n in range(start, min(start + batch, count + 1)):
            text = json.dumps(detail(n))
            row = dict(id=n, at=T0 + n * 0.37, event="cancelled", actor="U0ONCALL1", request_id=f"{n:032x}", detail=text)
            digest = entry_hash(prev, stored_fields(n, row["at"], row["event"], row["actor"], row["request_id"], text))
            rows.append({**row, "prev_hash": prev, "hash": digest, "posted_at": row["at"] + 1})
            prev = digest
        with store.transaction() as conn:
            conn.execute(audit_table.insert(), rows)
    with store.transaction() as conn:
        conn.execute(chain_head_table.update().values(last_id=count, last_hash=prev))
        if store.is_postgres:
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT max(id) FROM audit_log))"))


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def cli(url: str, *args: str) -> tuple[float, str]:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "LOG_FORMAT": "json"}
    elapsed, out = timed(
        lambda: subprocess.run([sys.executable, "-m", "bot", "audit", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    )
    if out.returncode != 0:
        raise SystemExit(f"audit {' '.join(args)} failed: {out.stdout}{out.stderr}")
    return elapsed, out.stdout


def bench_verify(name: str, url: str, count: int, workdir: Path) -> None:
    store = fresh_store(url)
    fill(store, count)
    seconds, verdict = timed(store.audit.verify)
    assert verdict.ok and verdict.checked == count, str(verdict)
    store.close()
    cli_seconds, _ = cli(url, "--verify")
    export = workdir / f"{name}.jsonl"
    export_seconds, text = cli(url)
    export.write_text(text, encoding="utf-8")
    file_seconds, out = cli(url, "--verify", "--file", str(export))
    assert f"{count} entries checked" in out
    print(
        f"{name:<10} verify {count} entries: AuditLog.verify {seconds:.2f} s, `audit --verify` {cli_seconds:.2f} s; "
        f"export {export_seconds:.2f} s ({export.stat().st_size / 1e6:.0f} MB), `--verify --file` {file_seconds:.2f} s"
    )


def plain_append(store: Store, event: str, actor: str, request_id: str | None, data: dict) -> None:
    """The append as it was before the chain: one INSERT in its own transaction."""
    with store.transaction() as conn:
        conn.execute(
            audit_table.insert().values(at=time.time(), event=event, actor=actor, request_id=request_id, detail=json.dumps(data, default=str))
        )


def bench_append(name: str, url: str, appends: int) -> None:
    store = fresh_store(url)
    chained, plain = [], []
    for n in range(appends):
        plain.append(timed(lambda n=n: plain_append(store, "cancelled", "U0ONCALL1", f"{n:032x}", detail(n)))[0])
        chained.append(timed(lambda n=n: store.audit.append("cancelled", "U0ONCALL1", f"{n:032x}", detail(n)))[0])
    store.close()

    def ms(xs: list[float]) -> str:
        cuts = statistics.quantiles(xs, n=100)
        return f"p50 {cuts[49] * 1e3:.2f} ms, p99 {cuts[98] * 1e3:.2f} ms, mean {statistics.fmean(xs) * 1e3:.2f} ms"

    added = (statistics.median(chained) - statistics.median(plain)) * 1e3
    print(f"{name:<10} append x{appends}: chained {ms(chained)} | unchained {ms(plain)} | chain adds {added:+.2f} ms (p50)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--postgres", help="a scratch PostgreSQL database (its bot tables are dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("sqlite", f"sqlite:///{tmp}/verify.db", f"sqlite:///{tmp}/append.db")]
        if args.postgres:
            targets.append(("postgresql", args.postgres, args.postgres))
        for name, verify_url, append_url in targets:
            bench_verify(name, verify_url, args.entries, Path(tmp))
            bench_append(name, append_url, args.appends)


if __name__ == "__main__":
    main()
