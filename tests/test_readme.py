"""The README tells the truth: its tables are checked against the code they describe."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.config_load import load_settings
from bot.tencent.results import CIError
from tests.test_config import BASE

ROOT = Path(__file__).resolve().parents[1]
#: The README is the front door; the reference moved to docs/. Each check reads the one file that
#: holds what it checks, so a table that moves again (or is copied) fails here until this is updated.
PAGES = {path.relative_to(ROOT).as_posix(): path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}


def section(page: str, title: str) -> str:
    """The text under a `## title` heading of `page`, up to the next heading of that level."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", PAGES[page], re.S | re.M)
    assert match, f"{page} has no section {title!r}"
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

CI_ROWS = table_rows(section("docs/troubleshooting.md", "Tencent's error codes"), "| you see | it means | the bot's hint |")


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
            keywords = [k.arg for k in node.keywords if k.arg not in {"failed", "level", "retry", "logger"}]
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
    for row in table_rows(section("docs/operations.md", "Logs"), "| event | fields |"):
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
    built = re.search(r"fields(?:: [^=]+)? = \{(.*?)\}", source, re.S).group(1)
    assert set(re.findall(r'"(\w+)":', built)) <= documented_events()["ci.call"]


# -- settings -----------------------------------------------------------------------------------

RANGE = re.compile(r"^([\d.]+)–([\d.]+) (.+)$")


def range_rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for title in ("Roles and approvals", "Tencent and runtime"):
        for row in table_rows(section("docs/settings.md", title), "| setting | meaning | default | allowed |"):
            match = RANGE.match(row[3])
            if match:
                rows.extend((name, *match.groups()) for name in codes(row[0]))
    return rows


def test_every_numeric_setting_has_its_range_in_the_readme():
    assert {name for name, *_ in range_rows()} == {
        "APPROVAL_TTL_SECONDS", "MAX_PENDING_PER_USER", "PROPOSAL_COOLDOWN_SECONDS",
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


# -- where things live ------------------------------------------------------------------------

CHECKED_TABLES = {
    "| you see | it means | the bot's hint |": "docs/troubleshooting.md",
    "| event | fields |": "docs/operations.md",
    "| setting | meaning | default | allowed |": "docs/settings.md",
}


@pytest.mark.parametrize(("header", "page"), CHECKED_TABLES.items(), ids=CHECKED_TABLES.values())
def test_each_checked_table_lives_in_one_page_only(header, page):
    """A copy elsewhere would not be checked against the code, and would drift."""
    assert [name for name, text in PAGES.items() if header in text] == [page]


def test_the_readme_test_command_is_the_one_ci_runs():
    readme_command = re.search(r"^(python3 -m pip install -r requirements-dev\.txt && .+?)\s+# run the tests$", PAGES["README.md"], re.M)
    assert readme_command, "the README's quick start has no test command"
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^# The README's test command, exactly:\n" + re.escape(readme_command.group(1)) + "$", ci, re.M), readme_command.group(1)


# -- links --------------------------------------------------------------------------------------

#: What other parts of issue 17 make: named already, checked like anything else once it exists.
MADE_ELSEWHERE = {"docs/work-queue.md", "docs/logging.md", "tests/unit/"}
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(text: str) -> set[str]:
    """GitHub's ids for a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def links() -> list[tuple[str, str, str]]:
    found = []
    for page, text in PAGES.items():
        for target in LINK.findall(text):
            if not re.match(r"[a-z]+:", target):
                found.append((page, *target.partition("#")[::2]))
    return found


@pytest.mark.parametrize(("page", "path", "anchor"), links(), ids=lambda value: value)
def test_every_link_between_the_pages_leads_to_a_page_and_heading_that_exist(page, path, anchor):
    target = (ROOT / page).parent / path if path else ROOT / page
    name = target.resolve().relative_to(ROOT).as_posix()
    if name in MADE_ELSEWHERE and name not in PAGES:
        return
    assert target.exists(), (page, path)
    if anchor:
        assert anchor in anchors(target.read_text()), (page, path, anchor)


def test_the_readme_sections_the_code_points_to_exist():
    """Hints and comments in bot/ send operators to README sections by name."""
    pointers = set()
    for path in (ROOT / "bot").rglob("*.py"):
        source = path.read_text()
        pointers |= set(re.findall(r'README, "([^"]+)"', source)) | set(re.findall(r'README "([^"]+)"', source))
        pointers |= set(re.findall(r"see ([A-Z][\w ]+) in the README", source))
    headings = {line.lstrip("#").strip() for line in PAGES["README.md"].splitlines() if line.startswith("#")}
    assert pointers, "bot/ should point operators to the README somewhere"
    assert pointers <= headings, pointers - headings


def test_every_module_path_the_pages_name_exists():
    """Modules move (issue 17 moved several): a page naming a path that is gone misleads a newcomer."""
    named = {(page, path) for page, text in PAGES.items() for path in re.findall(r"\b(?:bot|tests|bench)/[\w/]*(?:\.py|/)", text)}
    named |= {(page, f"bench/{name}.py") for page, text in PAGES.items() for name in re.findall(r"\bbench\.(\w+)", text)}
    assert named, "the pages name no module"
    missing = sorted((page, path) for page, path in named if not (ROOT / path).exists() and path not in MADE_ELSEWHERE)
    assert not missing, missing


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-dev.txt"])
def test_every_pinned_dependency_says_why_it_is_there(requirements):
    pinned = re.findall(r"^([A-Za-z][\w.\[\]-]*)==", (ROOT / requirements).read_text(), re.M)
    assert pinned, requirements
    page = PAGES["docs/dependencies.md"]
    assert [name for name in pinned if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", page)] == []
