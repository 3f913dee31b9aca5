"""CI_RATE_LIMIT holds per account: each APPID has its own window; a row of an earlier release
(no account) counts against every account, so a rolling upgrade never exceeds a limit."""

from __future__ import annotations

from bot.store.schema import rate_table


def test_each_account_has_its_own_window(store):
    assert len(store.slots.take(limit=2, window=60.0, in_flight=5.0, wanted=2, account="1250000000")) == 2
    assert isinstance(store.slots.take(limit=2, window=60.0, in_flight=5.0, account="1250000000"), float)
    other = store.slots.take(limit=2, window=60.0, in_flight=5.0, wanted=3, account="1300000000")
    assert isinstance(other, list) and len(other) == 2  # the other account's own limit, untouched by the first


def test_a_row_without_an_account_counts_against_every_account(store):
    with store.transaction() as conn:
        conn.execute(rate_table.insert().values(slot_at=store.db.db_now(conn) + 5.0, account=None))
    for account in ("1250000000", "1300000000"):
        taken = store.slots.take(limit=2, window=60.0, in_flight=5.0, wanted=2, account=account)
        assert isinstance(taken, list) and len(taken) == 1, account
