"""Databases exactly as earlier releases left them, loaded from the dumps in tests/data/upgrades/.

Each dump was made once by running that release's own bot (build_fixture.py there says how):
SQLite's own dump for SQLite, pg_dump for PostgreSQL. `<name>.<dialect>.json` names its rows
and the pending request's original approval message.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from tests.store.schema_v1 import create_v1_database

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "upgrades"

#: name -> the commit whose code made it, and the version number it wrote.
RELEASES = {
    "schema1": ("43ed138", 1),  # says v1, already has the durable-work tables and requests.started_at
    "schema2": ("5a7dea3", 2),  # a true v2: the hash chain, no durable work, no journal
    "early3": ("fda8256", 3),  # says v3, lacks requests.retries and home_views
    "latest3": ("4493a31", 3),  # the last release before the recorded chain: complete, nothing to add
}


def dialect_of(url: str) -> str:
    return "postgres" if url.startswith("postgresql") else "sqlite"


def engine_for(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def load_release(url: str, name: str) -> dict:
    """Make the database at `url` hold exactly what release `name` left; return the fixture's facts."""
    dialect = dialect_of(url)
    sql = (FIXTURES / f"{name}.{dialect}.sql").read_text()
    empty_database(url)
    if dialect == "sqlite":
        with sqlite3.connect(sa.engine.make_url(url).database) as conn:
            conn.executescript(sql)
    else:
        engine = engine_for(url)
        raw = engine.raw_connection()  # its own connection: the dump empties search_path for the session
        try:
            raw.cursor().execute(sql)
            raw.commit()
        finally:
            raw.close()
            engine.dispose()
    return json.loads((FIXTURES / f"{name}.{dialect}.json").read_text())


def load_legacy_v1(url: str) -> None:
    """The oldest layout (tests/store/schema_v1.py: no durable work), with one audit entry."""
    empty_database(url)
    entry = {"id": 1, "at": 1764000000.0, "event": "cancelled", "actor": "U1", "request_id": "r1", "detail": {"jobs": 1}}
    create_v1_database(url, [entry])


def empty_database(url: str) -> None:
    """No tables at all (only this test's own database, or file, is touched)."""
    if dialect_of(url) == "sqlite":
        Path(sa.engine.make_url(url).database).unlink(missing_ok=True)
        return
    engine = engine_for(url)
    with engine.begin() as conn:
        for table in sa.inspect(conn).get_table_names():
            conn.execute(sa.text(f'DROP TABLE "{table}" CASCADE'))
    engine.dispose()


def schema_of(url: str) -> dict:
    """What the database holds, as reflected: every table's columns, keys, indexes and unique constraints."""
    engine = engine_for(url)
    try:
        inspector = sa.inspect(engine)
        tables = {}
        for name in inspector.get_table_names():
            columns = {c["name"]: (str(c["type"]), c["nullable"], _default(c.get("default"))) for c in inspector.get_columns(name)}
            indexes = {i["name"]: (tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(name)}
            uniques = sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(name))
            primary = tuple(inspector.get_pk_constraint(name)["constrained_columns"])
            tables[name] = {"columns": columns, "indexes": indexes, "unique": uniques, "primary": primary}
        return tables
    finally:
        engine.dispose()


def _default(text: str | None) -> str | None:
    """A server default without its quoting: SQLite keeps the text as written ('0'), PostgreSQL does not."""
    return None if text is None else text.strip("'")
