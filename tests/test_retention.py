"""RETENTION_DAYS: finished work items and Home views not opened for that long are pruned;
audit entries, unfinished work and the approval posts a card is re-rendered from never are."""

from __future__ import annotations

import json
import threading
import time

import sqlalchemy as sa

from bot.domain.retention import DAY, Retention
from bot.store.schema import home_views_table, tasks_table
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, MOD, ONCALL, all_posted
from tests.slack.actions.test_approve import request_by_mod
from tests.slack.events.test_app_home import latest_home


def counts(store) -> dict:
    t = tasks_table.c
    audit = len(store.audit.entries())
    with store.engine.connect() as conn:
        return {
            "finished": conn.execute(sa.select(sa.func.count()).where(t.done_at.is_not(None))).scalar_one(),
            "unfinished": conn.execute(sa.select(sa.func.count()).where(t.done_at.is_(None))).scalar_one(),
            "home_views": conn.execute(sa.select(sa.func.count()).select_from(home_views_table)).scalar_one(),
            "audit": audit,
        }


def finished_keys(store) -> list[str]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(tasks_table.c.key).where(tasks_table.c.done_at.is_not(None))).scalars())


def only_the_reminder_open(bot) -> bool:
    bot.runtime.work.wake()
    return bot.runtime.store.work.open_task_count() == 1


def test_old_finished_work_and_stale_homes_are_pruned_and_nothing_else(make_bot, ci, slack):
    bot = make_bot(RETENTION_DAYS="30", APPROVAL_TTL_SECONDS="3600", APPROVAL_REMINDER_SECONDS="3000")
    assert bot.runtime.retention.days == 30
    store = bot.runtime.store
    bot.home_opened(ONCALL)
    latest_home(slack, ONCALL, "Nothing is waiting")
    ci.add_job(job(2))
    bot.command(ONCALL, f"{job(2)} cancel now")
    request_id = request_by_mod(bot, ci, slack, job(1))  # pending, with its reminder due in 50 minutes: unfinished work
    slack.wait_for(lambda: all_posted(store) and only_the_reminder_open(bot), timeout=30, what="everything but the reminder done")
    before = counts(store)
    assert before["finished"] > 0 and before["unfinished"] == 1 and before["home_views"] == 1

    retention = Retention(store, days=30)
    assert retention.prune(time.time() + 29 * DAY) == (0, 0)  # nothing is 30 days old yet
    assert counts(store) == before
    assert retention.prune(time.time() + 31 * DAY) == (before["finished"] - 1, 1)  # all but the approval post
    assert counts(store) == {**before, "finished": 1, "home_views": 0}  # the reminder and every audit entry stay
    assert finished_keys(store) == [f"{request_id}:post"]
    assert store.audit.verify().ok

    bot.home_opened(MOD)  # opening the tab again makes the user a viewer again
    latest_home(slack, MOD, "withdraw_request")
    assert store.homes.viewers() == [MOD]


def test_reopening_the_tab_keeps_a_home_view_fresh(make_bot, slack):
    bot = make_bot()
    store = bot.runtime.store
    bot.home_opened(ONCALL)
    latest_home(slack, ONCALL, "Nothing is waiting")
    with store.engine.begin() as conn:  # opened 40 days ago
        conn.execute(home_views_table.update().values(opened_at=time.time() - 40 * DAY))
    bot.home_opened(ONCALL)
    latest_home(slack, ONCALL, "Nothing is waiting", count=2)
    assert Retention(store, days=30).prune(time.time())[1] == 0
    assert store.homes.viewers() == [ONCALL]


def test_an_open_requests_card_keeps_its_evidence_after_pruning(make_bot, ci, slack):
    """A request may wait for on-call longer than RETENTION_DAYS (APPROVAL_TTL_SECONDS goes up to
    7 days): pruning keeps its finished approval post, whose payload holds the evidence (each
    job's state, DataId) that every later re-render of the card shows, "Approved by…" included."""
    bot = make_bot(RETENTION_DAYS="1", APPROVAL_TTL_SECONDS=str(7 * 86400), APPROVAL_REMINDER_SECONDS="0")
    ci.add_job(job(1), data_id="biz-data-id-42")
    bot.command(MOD, f"{job(1)} please stop")
    request_id = bot.request_id_from_approval()
    posted = json.dumps(slack.wait_calls("chat.postMessage", channel=APPROVALS)[-1].args["blocks"])
    assert "biz-data-id-42" in posted
    store = bot.runtime.store
    slack.wait_for(lambda: f"{request_id}:post" in finished_keys(store), what="the post task finished")
    # A day and a half goes by (on the database's clock) while the request waits for on-call.
    with store.engine.begin() as conn:
        shift = {"s": 1.5 * DAY}
        conn.execute(sa.text("UPDATE tasks SET done_at = done_at - :s, created_at = created_at - :s WHERE done_at IS NOT NULL"), shift)
        conn.execute(sa.text("UPDATE requests SET created_at = created_at - :s"), shift)
    bot.runtime.retention.prune(time.time())  # the sweeper's hourly pruning
    assert store.requests.get(request_id).is_open
    held = threading.Event()
    ci.script(job(1), Fault.until(held))  # the CI call after the click is held: the card shows the decision only
    try:
        bot.click(ONCALL, "approve_request", request_id)
        slack.wait_for(lambda: slack.calls_to("chat.update", channel=APPROVALS), what="the buttons taken away")
        update = slack.calls_to("chat.update", channel=APPROVALS)[0]
    finally:
        held.set()
    blocks = json.dumps(update.args["blocks"])
    assert "Approved by" in blocks
    assert "biz-data-id-42" in blocks, "the approved card lost the evidence it was approved on"
