"""`python -m bot audit` as an auditor runs it: filters, --verify against each kind of tampering,
in the database and in an exported file, and never a database created by reading one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.__main__ import main
from bot.store import Store
from tests.conftest import job
from tests.store.upgrades import empty_database

T0 = 1764000000.0  # 2025-11-24T16:00:00Z
REQ_A, REQ_B = "a1b2c3d4" + "0" * 24, "b1" + "0" * 30
ONCALL, MOD, OUTSIDER = "U0ONCALL1", "U0MOD1", "U0OUTSIDER"

# (seconds after T0, event, actor, request, detail): ids 1..8 in this order
ENTRIES = [
    (0, "requested", MOD, REQ_A, {"reason": "dup", "job_ids": [job(1), job(2)]}),
    (60, "approved", ONCALL, REQ_A, {"note": ""}),
    (120, "cancelled", ONCALL, REQ_A, {"results": [{"job_id": job(1)}, {"job_id": job(2)}]}),
    (180, "requested", MOD, REQ_B, {"reason": f"looks like {job(2)} again", "job_ids": [job(3)]}),
    (240, "failed", ONCALL, REQ_B, {"results": [{"job_id": job(3), "code": "InvalidArgument"}], "failed_jobs": [job(3)]}),
    (300, "refused", OUTSIDER, None, {"why": "not allowed", "job_ids": [job(4)]}),
    (360, "cancelled", "cli:ops", None, {"results": [{"job_id": job(1)}]}),
    (420, "expired", "system", REQ_B, {}),
]


@pytest.fixture
def log(database_url):
    """The database URL of a log holding ENTRIES."""
    times = iter([T0 + e[0] for e in ENTRIES])
    store = Store(database_url, clock=lambda: next(times))
    store.migrate()
    for _, event, actor, request_id, detail in ENTRIES:
        store.audit.append(event, actor, request_id, detail)
    store.close()
    return database_url


@pytest.fixture
def audit(monkeypatch, capsys, tmp_path):
    """Run `python -m bot audit ARGS` in this process against DATABASE_URL=url: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(url: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("DATABASE_URL", url)
        code = main(["audit", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def ids(stdout: str) -> list[int]:
    return [json.loads(line)["id"] for line in stdout.splitlines()]


def tamper(url: str, *statements: str) -> None:
    store = Store(url)
    with store.engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    store.close()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--request", REQ_A], [1, 2, 3]),
        (["--request", REQ_A[:8]], [1, 2, 3]),  # the start the audit channel shows
        (["--job", job(1)], [1, 3, 7]),  # job_ids, results[*].job_id
        (["--job", job(2)], [1, 3]),  # not entry 4, whose reason merely quotes it
        (["--job", job(3)], [4, 5]),  # job_ids, results, failed_jobs
        (["--job", "%"], []),
        (["--actor", ONCALL], [2, 3, 5]),
        (["--event", "cancelled"], [3, 7]),
        (["--since", "2025-11-24T16:01:00Z", "--until", "2025-11-24T16:04:00+00:00"], [2, 3, 4]),  # until is exclusive
        (["--until", "2025-11-24T16:00:00.000001"], [1]),  # no zone: UTC
        (["--job", job(1), "--event", "cancelled", "--since", "2025-11-24T16:03:00Z"], [7]),
        (["--request", REQ_B, "--actor", "system"], [8]),
    ],
)
def test_filters_combine(log, audit, args, expected):
    code, out, err = audit(log, *args)
    assert code == 0, err
    assert ids(out) == expected


def test_export_rows_carry_the_hashes_in_jsonl_and_csv(log, audit):
    code, out, _ = audit(log, "--event", "requested")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == [1, 4]
    assert rows[0]["prev_hash"] == "0" * 64 and len(rows[0]["hash"]) == 64
    assert rows[0]["at"] == "2025-11-24T16:00:00.000000+00:00" and rows[0]["request_id"] == REQ_A
    code, out, _ = audit(log, "--format", "csv", "--actor", MOD)
    lines = out.splitlines()
    assert code == 0 and lines[0] == "id,at,event,actor,request_id,posted_to_slack,detail,prev_hash,hash"
    assert len(lines) == 3 and lines[1].endswith(rows[0]["hash"]) and lines[2].endswith(rows[1]["hash"])


def test_the_command_says_which_database_it_reads(log, audit):
    _, _, err = audit(log, "--verify")
    shown = log if log.startswith("postgresql") else str(Path(log.removeprefix("sqlite:///")).resolve())
    assert "reading the audit log from" in err and shown in err


@pytest.mark.parametrize("bad", [["--until", "tomorrow"], ["--event", "deleted"], ["--verify", "--actor", MOD], ["--file", "x.jsonl"]])
def test_usage_mistakes_are_named(log, audit, bad):
    code, out, err = audit(log, *bad)
    assert code == 2 and out == "" and err.startswith("error: ")


def test_verify_an_intact_log(log, audit):
    code, out, _ = audit(log, "--verify")
    assert code == 0 and out.startswith("ok: 8 entries checked")


@pytest.mark.parametrize(
    ("statements", "named", "says"),
    [
        pytest.param(['UPDATE audit_log SET detail = \'{"note": "all fine"}\' WHERE id = 2'], 2, "content does not match", id="edited detail"),
        pytest.param(["UPDATE audit_log SET actor = 'U0SOMEONE' WHERE id = 5"], 5, "content does not match", id="edited actor"),
        pytest.param(["UPDATE audit_log SET detail = 'not json' WHERE id = 6"], 6, "content does not match", id="broken detail"),
        pytest.param(["DELETE FROM audit_log WHERE id = 4"], 5, "missing here, or out of order", id="deleted row"),
        pytest.param(["DELETE FROM audit_log WHERE id = 1"], 2, "the start of the log", id="deleted first row"),
        pytest.param(["DELETE FROM audit_log WHERE id = 8"], 8, "the log ends at #7", id="deleted last row"),
        pytest.param(
            ["UPDATE audit_log SET id = -3 WHERE id = 3", "UPDATE audit_log SET id = 3 WHERE id = 4", "UPDATE audit_log SET id = 4 WHERE id = -3"],
            3,
            "moved here",
            id="swapped pair",
        ),
    ],
)
def test_verify_names_the_first_entry_that_does_not_match(log, audit, statements, named, says):
    tamper(log, *statements)
    code, out, _ = audit(log, "--verify")
    assert code == 1
    assert out.startswith(f"FAILED at entry #{named}: ") and says in out, out


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_verify_an_export_offline(log, audit, tmp_path, fmt):
    code, out, _ = audit(log, "--format", fmt)
    export = tmp_path / f"export.{fmt}"
    export.write_text(out, encoding="utf-8")
    code, out, err = audit("sqlite:///nowhere.db", "--verify", "--file", str(export))  # no database needed
    assert code == 0 and out.startswith("ok: 8 entries checked"), out + err
    assert not (tmp_path / "nowhere.db").exists()


@pytest.mark.parametrize(
    ("edit", "named", "says"),
    [
        pytest.param(lambda lines: [line.replace('"dup"', '"routine"') for line in lines], 1, "content does not match", id="edited detail"),
        pytest.param(lambda lines: lines[:2] + lines[3:], 4, "missing here", id="deleted line"),
        pytest.param(lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], 3, "missing here, or out of order", id="swapped lines"),
        pytest.param(lambda lines: [*lines[:4], "{not json", *lines[4:]], None, "line 5 is not JSON", id="garbage line"),
    ],
)
def test_verify_a_tampered_export(log, audit, tmp_path, edit, named, says):
    _, out, _ = audit(log)
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(edit(out.splitlines())) + "\n", encoding="utf-8")
    code, out, _ = audit(log, "--verify", "--file", str(export))
    assert code == 1 and says in out, out
    if named:
        assert out.startswith(f"FAILED at entry #{named}: ")


def test_a_missing_sqlite_file_is_named_and_not_created(audit, tmp_path):
    code, out, err = audit("sqlite:///missing/bot.db")
    assert code == 2 and out == ""
    assert f"no database file at {tmp_path / 'missing' / 'bot.db'}" in err
    assert not (tmp_path / "missing").exists()
    code, _, _ = audit("sqlite:///bot.db", "--verify")
    assert code == 2 and not (tmp_path / "bot.db").exists()


def test_a_database_without_the_bot_schema_is_left_untouched(database_url, audit):
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).touch()  # an empty file: a mistyped path
    else:
        empty_database(database_url)  # a database holding no tables at all (the fixture's holds today's, empty)
    code, out, err = audit(database_url)
    assert code == 2 and out == "" and "holds no audit log" in err
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()
