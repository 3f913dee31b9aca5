"""What the unit tests of every package share: a database clock the test moves, and SQLite
stores copied from one migrated file (migrating costs more than most tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.store import Store


class Clock:
    """The database's clock, moved by the test: due times, expiry and deaths take no waiting."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated SQLite file, made once per session."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    template = Store(f"sqlite:///{path}")
    template.migrate()
    template.close()  # the last connection's close folds the WAL into the file
    return path


def sqlite_store(template: Path, directory: Path, clock: Clock | None = None) -> Store:
    """A Store on a copy of the migrated template, in `directory`."""
    path = directory / "bot.db"
    shutil.copyfile(template, path)
    return Store(f"sqlite:///{path}", clock=clock)
