"""The README tells the truth: its tables are checked against the code they describe."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.tencent.results import CIError
from tests.test_config import BASE

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    """The text under a `## title` heading, up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of the table whose header line starts with `header`, as lists of cells."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def codes(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


# -- troubleshooting ----------------------------------------------------------------------------

CI_ROWS = table_rows(section("Troubleshooting"), "| you see | it means | the bot's hint |")


def test_the_troubleshooting_table_covers_every_code_with_a_hint():
    listed = {code for row in CI_ROWS for code in codes(row[0])}
    from bot.tencent.results import HINTS, RATE_LIMIT_CODES

    assert set(HINTS) | RATE_LIMIT_CODES <= listed, (set(HINTS) | RATE_LIMIT_CODES) - listed


@pytest.mark.parametrize("row", CI_ROWS, ids=lambda row: row[0])
def test_each_troubleshooting_code_gets_the_hint_the_readme_shows(row):
    """Whatever status Tencent sends it with (a 503 SlowDown, a 429 RateLimited), the hint is the README's."""
    for code in codes(row[0]):
        for status in (None, 400, 429, 503):
            assert CIError(code, "message", status=status).hint == row[2], (code, status)
    if "any other 5xx" in row[0]:
        assert CIError("SomethingNew", "message", status=502).hint == row[2]


# -- log events ---------------------------------------------------------------------------------


def emitted_events() -> dict[str, tuple[set[str], bool]]:
    """Every structured log event in bot/: its field names, and whether some are spread from a dict."""
    found: dict[str, tuple[set[str], bool]] = {}
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name, fields, spread = _event_call(node)
                if name:
                    known, was_spread = found.get(name, (set(), False))
                    found[name] = (known | fields, was_spread or spread)
    return found


def _event_call(node: ast.Call) -> tuple[str | None, set[str], bool]:
    func = node.func
    if isinstance(func, ast.Name) and func.id == "event" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
        keywords = [k.arg for k in node.keywords if k.arg != "level"]
        return node.args[1].value, {k for k in keywords if k}, None in keywords
    if isinstance(func, ast.Name) and func.id == "slack_call":  # bot/slack/calls.py: logs `failed` with its fields and `error`
        failed = next((k.value for k in node.keywords if k.arg == "failed"), None)
        if isinstance(failed, ast.Constant):
            keywords = [k.arg for k in node.keywords if k.arg not in {"failed", "level", "retry"}]
            return failed.value, {k for k in keywords if k} | {"error"}, None in keywords
    is_log = isinstance(func, ast.Attribute) and func.attr in {"debug", "info", "warning", "error", "exception"}
    if is_log and node.args and isinstance(node.args[0], ast.Constant) and re.fullmatch(r"[a-z_]+\.[a-z_]+", str(node.args[0].value)):
        fields = set()
        for keyword in node.keywords:
            if keyword.arg == "extra" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "fields" and isinstance(value, ast.Dict):
                        fields = {k.value for k in value.keys if isinstance(k, ast.Constant)}
        return node.args[0].value, fields, False
    return None, set(), False


def documented_events() -> dict[str, set[str]]:
    documented = {}
    for row in table_rows(section("Logs"), "| event | fields |"):
        fields = set(codes(row[1]))
        for name in codes(row[0]):
            documented[name] = fields
    return documented


def test_the_logs_table_lists_every_event_with_the_fields_it_carries():
    emitted, documented = emitted_events(), documented_events()
    assert set(emitted) == set(documented), set(emitted) ^ set(documented)
    for name, (fields, spread) in emitted.items():
        if spread:  # some fields come from a dict built beside the call: the README lists at least the named ones
            assert fields <= documented[name], (name, fields - documented[name])
        else:
            assert fields == documented[name], (name, fields, documented[name])


def test_the_ci_call_fields_built_beside_the_call_are_documented():
    source = (ROOT / "bot" / "tencent" / "client.py").read_text()
    built = re.search(r"fields = \{(.*?)\}", source, re.S).group(1)
    assert set(re.findall(r'"(\w+)":', built)) <= documented_events()["ci.call"]


# -- settings -----------------------------------------------------------------------------------

RANGE = re.compile(r"^([\d.]+)–([\d.]+) (.+)$")


def range_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for title, header in (("Using it", "| setting | meaning | default | allowed |"), ("Settings", "| setting | meaning | default | allowed |")):
        for row in table_rows(section(title), header):
            match = RANGE.match(row[3])
            if match:
                rows.extend((name, *match.groups()) for name in codes(row[0]))
    return rows


def test_every_numeric_setting_has_its_range_in_the_readme():
    assert {name for name, *_ in range_rows()} == {
        "APPROVAL_TTL_SECONDS", "MAX_PENDING_PER_USER",
        "CI_RATE_LIMIT", "PORT", "METRICS_PORT", "CI_CONNECT_TIMEOUT", "CI_READ_TIMEOUT", "CI_MAX_ATTEMPTS", "WORKER_THREADS",
        "PRESUMED_DEAD_SECONDS", "HEARTBEAT_SECONDS",
        "SHUTDOWN_GRACE_SECONDS",
        "RETENTION_DAYS",
        "WORK_QUEUE_LIMIT",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "low", "high", "unit"), range_rows())
def test_each_readme_range_is_the_one_the_settings_enforce(name, low, high, unit):
    step = 1 if "." not in low + high else float(low) / 2
    for ok in (low, high):
        load_settings(dict(BASE, **{name: ok}))
    for bad in (str(float(low) - step if step != 1 else int(low) - 1), str(float(high) + 1 if step != 1 else int(high) + 1)):
        with pytest.raises(ConfigError) as err:
            load_settings(dict(BASE, **{name: bad}))
        [problem] = err.value.problems
        shown_unit = unit.split(" (")[0]
        assert f"use {low} to {high} ({shown_unit}" in problem, problem
