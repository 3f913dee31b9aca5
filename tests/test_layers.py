"""Imports go downward only: slack → domain → adapters (tencent, store) → config."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports_of(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / "bot" / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
                names.add(base)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_domain_is_plain_python():
    for path, names in imports_of("domain").items():
        bad = {n for n in names if n.split(".")[0] in {"slack_bolt", "slack_sdk", "requests", "sqlalchemy"}}
        upward = ("bot.slack", "bot.runtime", "bot.serve", "bot.cli", "bot.__main__", ".slack", "..runtime")
        bad |= {n for n in names if n.startswith(upward)}
        assert not bad, (path, bad)


#: The domain's vocabulary (plain Python, importing nothing of bot/): the store filters by its states.
VOCABULARY = "bot.domain.states"


def test_adapters_do_not_import_upward():
    for package in ("tencent", "store"):
        for path, names in imports_of(package).items():
            upward = re.compile(r"(^|\.)(slack|domain|runtime|serve|cli)(\.|$)|^slack_bolt")
            bad = {n for n in names if n != VOCABULARY and upward.search(n)}
            assert not bad, (path, bad)


def test_the_work_queue_knows_no_application_nor_storage():
    """bot/work is generic: kinds, lanes and storage are given to it (ports.py), never imported."""
    forbidden = {"bot.slack", "bot.tencent", "bot.store", "bot.domain", "bot.runtime", "slack_sdk", "slack_bolt", "requests", "sqlalchemy"}
    for path, names in imports_of("work").items():
        assert names, path
        bad = {n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden) or n.startswith("..")}
        assert not bad, (path, bad)


def test_the_vocabulary_imports_nothing_of_bot():
    names = imports_of("domain")["bot/domain/states.py"]
    assert not {n for n in names if n.startswith(("bot", "."))}, names


def test_importing_the_package_calls_nothing():
    """Nothing reaches Slack or Tencent at import: importing every module with no network works."""
    code = "import bot.runtime, bot.cli.check, bot.__main__; print('ok')"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": str(ROOT), "SLACK_API_URL": "http://192.0.2.1/"},
    )
    assert out.stdout.strip() == "ok", out.stderr


def test_ruff_is_clean():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "bot", "tests", "bench"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout


def test_the_package_root_holds_only_its_face_entry_point_settings_and_composition_root():
    """Everything else lives in a package that says what it is (cli, work, serve, observe, …). The
    settings are `config.py` and its siblings (reading, targets, loading), kept beside it rather
    than in a package of their own."""
    modules = sorted(path.name for path in (ROOT / "bot").glob("*.py"))
    settings = ["config.py", "config_load.py", "config_reader.py", "config_targets.py"]
    assert modules == ["__init__.py", "__main__.py", *settings, "runtime.py"], modules


def _hands_on(statement: ast.stmt) -> bool:
    """`module.register(app, …)`: a call handing the app to one of the package's modules."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "register"


def test_the_package_faces_only_re_export():
    """An `__init__.py` holds imports, names given to what it imports (`__all__`, aliases,
    `__version__`) and a docstring: no logic hides in a package's face. The one exception is the
    Bolt template's `register(app, …)` of a listener package, which only hands the app on."""
    for init in (ROOT / "bot").rglob("__init__.py"):
        for node in ast.parse(init.read_text()).body:
            naming = isinstance(node, ast.Assign) and not any(isinstance(n, ast.Call | ast.Lambda) for n in ast.walk(node.value))
            docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            registers = isinstance(node, ast.FunctionDef) and node.name == "register" and all(_hands_on(n) for n in node.body)
            assert isinstance(node, ast.Import | ast.ImportFrom) or naming or docstring or registers, (
                str(init.relative_to(ROOT)),
                ast.unparse(node)[:80],
            )
