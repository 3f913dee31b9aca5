"""Home views (who looks at the tab, what it last showed, coalesced refreshes), the shared CI
rate-limit slots, pruning, and the dialect both repositories lean on."""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.dialect import Dialect, PostgreSQL, dialect_for
from bot.store.schema import home_views_table, tasks_table
from tests.unit.store.conftest import task

DAY = 86400.0


def refresh(user: str, version: int):
    return task(f"home:{user}:{version}", kind="home", lane="home", stream=f"home:{user}")


def test_viewers_and_what_their_home_last_showed(store):
    store.homes.opened("U0B")
    store.homes.opened("U0A")
    store.homes.opened("U0A")  # again: still one viewer
    assert store.homes.viewers() == ["U0A", "U0B"]
    assert store.homes.shown("U0A") == 0 and store.homes.shown("U0NOBODY") == 0
    store.homes.mark_shown("U0A", 5)
    store.homes.mark_shown("U0A", 3)  # an older refresh finishing late never goes back
    assert store.homes.shown("U0A") == 5


def test_latest_change_is_the_newest_audit_entry(store):
    assert store.homes.latest_change() == 0
    entry = store.audit.append("refused", "U0X")
    assert store.homes.latest_change() == entry


def test_a_refresh_already_waiting_absorbs_the_next(store):
    assert store.homes.queue_refreshes([refresh("U0A", 1), refresh("U0B", 1)]) == 2
    assert store.homes.queue_refreshes([refresh("U0A", 2)]) == 0  # U0A's first one has not started
    store.work.register_worker("w1", "host", 1, "boot")
    started = store.work.claim_tasks("w1", ["home"], [], limit=5)
    assert {t.key for t in started} == {"home:U0A:1", "home:U0B:1"}
    assert store.homes.queue_refreshes([refresh("U0A", 3)]) == 1  # the running one may not show change 3
    assert store.homes.queue_refreshes([]) == 0


def test_views_not_opened_within_retention_are_pruned(store, clock):
    store.homes.opened("U0OLD")
    clock.advance(40 * DAY)
    store.homes.opened("U0NEW")
    assert store.homes.prune(clock.now - 30 * DAY) == 1
    assert store.homes.viewers() == ["U0NEW"]
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(home_views_table)).scalar_one() == 1


def test_finished_tasks_are_pruned_in_batches_except_kept_kinds_and_keys(store, clock):
    kept = [task("kept", kind="result"), task("r1:evidence:1"), task("r1%evidence_2")]  # the last: % and _ are no wildcards
    store.work.enqueue([task(f"old:{n}") for n in range(5)] + kept + [task("open")])
    store.work.register_worker("w1", "host", 1, "boot")
    for claimed in store.work.claim_tasks("w1", ["slack"], [], limit=10):
        if claimed.key != "open":
            store.work.complete_task(claimed.key, "w1")
    clock.advance(40 * DAY)
    assert store.retention.prune_finished_tasks(clock.now - 30 * DAY, batch=2, keep_kinds={"result"}, keep_keyed=[":evidence:"]) == 6
    with store.engine.connect() as conn:
        assert sorted(conn.execute(sa.select(tasks_table.c.key)).scalars()) == ["kept", "open", "r1:evidence:1"]


def test_slots_are_granted_up_to_the_limit_then_a_wait_is_named(store):
    taken = store.slots.take(limit=3, window=60.0, in_flight=5.0, wanted=2)
    assert isinstance(taken, list) and len(taken) == 2
    more = store.slots.take(limit=3, window=60.0, in_flight=5.0, wanted=5)
    assert isinstance(more, list) and len(more) == 1  # only one left in the window
    wait = store.slots.take(limit=3, window=60.0, in_flight=5.0, wanted=1)
    assert isinstance(wait, float) and 0 < wait <= 65.0
    store.slots.settle(taken[0], 0.1)  # answered: the row narrows to when the request had arrived


def test_lookups_leave_room_for_cancels(store):
    granted = store.slots.take(limit=4, window=60.0, in_flight=5.0, wanted=0, lookups=5, cap=2)
    assert isinstance(granted, list) and len(granted) == 2
    cancel = store.slots.take(limit=4, window=60.0, in_flight=5.0, wanted=1, lookups=1, cap=2)
    assert isinstance(cancel, list) and len(cancel) == 1  # the cancel, and no more look-ups


def test_the_dialect_follows_the_engine(store):
    expected = PostgreSQL if store.engine.dialect.name == "postgresql" else Dialect
    assert type(dialect_for(store.engine, store.url)) is expected
    assert store.db.dialect.is_postgres == store.is_postgres


def test_insert_ignore_keeps_the_first_row(store):
    insert = store.db.dialect.insert_ignore(home_views_table, ["user_id"])
    with store.transaction() as conn:
        assert conn.execute(insert.values(user_id="U0A", opened_at=1.0, shown_version=1)).rowcount == 1
        assert conn.execute(insert.values(user_id="U0A", opened_at=2.0, shown_version=2)).rowcount == 0
    assert store.homes.shown("U0A") == 1
