"""All bot processes together stay within CI_RATE_LIMIT: the limiter lives in the database."""

from __future__ import annotations

import threading

from tests.conftest import job
from tests.harness import CHANNEL, ONCALL


def test_two_processes_each_running_a_50_job_bulk_stay_within_the_limit(make_bot, ci, slack):
    first, second = make_bot(), make_bot()
    ids = [job(n) for n in range(100)]
    for j in ids:
        ci.add_job(j)
    barrier = threading.Barrier(2)

    def bulk(bot, chunk):
        barrier.wait()
        bot.command(ONCALL, " ".join(chunk) + " coordinated takedown")

    threads = [threading.Thread(target=bulk, args=(b, c)) for b, c in ((first, ids[:50]), (second, ids[50:]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    slack.wait_calls("chat.postMessage", 2, timeout=30, channel=CHANNEL)
    assert len(ci.requests_for("cancel_auditing")) == 100
    assert all(ci.jobs[j].state == "Cancelled" for j in ids)
    assert ci.max_in_window(1.0) <= 20


def test_a_slot_holds_its_place_while_in_flight_and_its_answer_narrows_it(database_url):
    """The shared log itself, on each database: a burst takes what the window allows in one
    check; requests without an answer keep their place; an answer frees it after one window."""
    from bot.store import Store

    store = Store(database_url)
    store.migrate()
    try:
        slots = store.slots.take(limit=3, window=1.0, in_flight=30.0, wanted=5)
        assert len(slots) == 3
        assert 29.0 < store.slots.take(limit=3, window=1.0, in_flight=30.0) <= 31.0  # all in flight
        store.slots.settle(slots[0], 0.0)
        store.slots.settle(slots[1], 0.0)
        wait = store.slots.take(limit=3, window=1.0, in_flight=30.0)
        assert isinstance(wait, float) and 0.0 < wait <= 1.0  # one window after the answered sends
    finally:
        store.close()
