"""Home refreshes coalesce: one stored task per person and change, and a refresh that finds the
person's Home already showing that change (or a newer one) publishes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk import WebClient

from bot.domain import announce
from bot.domain.lookups import HomeData
from bot.slack.courier import Courier
from bot.store import Store, Task
from bot.store.schema import tasks_table
from tests.harness import APPROVALS, BOT_TOKEN, ONCALL


def test_a_burst_of_changes_costs_one_publish(database_url, slack):
    store = Store(database_url)
    store.migrate()
    try:
        courier = Courier(
            WebClient(token=BOT_TOKEN, base_url=slack.api_url),
            store,
            APPROVALS,
            home_data=lambda user: HomeData(approver=True, pending=[], mine=[], recent=[]),
        )
        store.homes.opened(ONCALL)
        for n in range(3):
            store.audit.append("requested", "U0MOD1", f"r{n}", {})
        version = store.homes.latest_change()
        store.work.enqueue([announce.home(ONCALL, version) for _ in range(3)])  # three changes' refreshes, one key
        with store.engine.connect() as conn:
            keys = conn.execute(sa.select(tasks_table.c.key).where(tasks_table.c.kind == announce.HOME)).scalars().all()
        assert keys == [f"home:{ONCALL}:{version}"]  # the burst is one task

        courier.home(store.work.get_task(keys[0]))
        assert len(slack.calls_to("views.publish", user_id=ONCALL)) == 1
        # A refresh stored for an older change, run after the newer one was shown: nothing to do.
        courier.home(Task(0, "late", announce.HOME, "slack", None, {"user_id": ONCALL, "opened": False}, None, 0))
        assert len(slack.calls_to("views.publish", user_id=ONCALL)) == 1
        store.audit.append("approved", "U0ONCALL1", "r0", {})
        courier.home(Task(0, "next", announce.HOME, "slack", None, {"user_id": ONCALL, "opened": False}, None, 0))
        assert len(slack.calls_to("views.publish", user_id=ONCALL)) == 2
    finally:
        store.close()
