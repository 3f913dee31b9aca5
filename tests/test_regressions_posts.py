"""Each outcome is posted exactly once: a result post is fenced (the task still ours, the
attempt recorded) right before it is made, and any attempt on record makes the next try look
for it in the channel (by its message metadata) before posting again. So neither a lost
answer from Slack nor a database blip between the post and marking its task done posts it twice.
"""

from __future__ import annotations

import json
import logging
import os

import sqlalchemy as sa

from bot.domain import announce
from bot.store.schema import tasks_table
from tests.conftest import job
from tests.harness import CHANNEL, ONCALL, Bot, bot_env
from tests.test_database_loss import make_proxied_bot, proxy  # noqa: F401  (fixtures)


def results_for(slack, job_id: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if job_id in json.dumps(c.args)]


def result_delivered(url: str) -> bool:
    """The result's task is done: nothing will post it again."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(tasks_table.c.done_at).where(tasks_table.c.kind == announce.RESULT)).all()
    finally:
        engine.dispose()
    return bool(rows) and all(r.done_at is not None for r in rows)


def test_a_lost_answer_to_the_result_post_does_not_post_the_outcome_twice(make_bot, database_url, ci, slack):
    bot = make_bot()
    ci.add_job(job(1))
    slack.lose_answer("chat.postMessage", 1, channel=CHANNEL)  # the post lands; its answer is lost
    status, _, _ = bot.command(ONCALL, f"{job(1)} stream already reported")
    assert status == 200
    slack.wait_for(lambda: result_delivered(database_url), timeout=30, what="the result's task done")
    posts = results_for(slack, job(1))
    responses = [c for c in slack.responses if job(1) in json.dumps(c.args)]
    assert len(posts) + len(responses) == 1, f"one outcome posted {len(posts)} time(s) in the channel and {len(responses)} via response_url"


def test_a_database_blip_right_after_the_result_post_does_not_post_the_outcome_twice(make_proxied_bot, proxy, ci, slack, caplog):  # noqa: F811
    """The post lands, then marking its task done fails: the task stays ours and runs again."""
    caplog.set_level(logging.WARNING)
    bot = make_proxied_bot()
    ci.add_job(job(1))
    release = slack.stall("chat.postMessage", channel=CHANNEL)  # the result post lands, its answer is held
    status, _, _ = bot.command(ONCALL, f"{job(1)} stream already reported")
    assert status == 200
    slack.wait_for(lambda: results_for(slack, job(1)), timeout=15, what="the result posted")
    proxy.refuse()  # the database goes away (a restart, a failover) just then
    release.set()  # Slack answers: the post is made

    def unrecorded() -> bool:
        return any(r.getMessage() == "task.retry_unrecorded" and ":result" in str(getattr(r, "fields", {})) for r in caplog.records)

    slack.wait_for(unrecorded, timeout=15, what="the result's task not marked done")
    proxy.forward()  # the database is back
    slack.wait_for(lambda: result_delivered(os.environ["TEST_DATABASE_URL"]), timeout=40, what="the result's task done")
    posts = results_for(slack, job(1))
    assert ci.jobs[job(1)].state == "Cancelled"
    assert len(posts) == 1, f"the outcome of one cancel was posted {len(posts)} times in {CHANNEL}"


def test_a_result_poster_frozen_before_its_post_posts_nothing_once_another_took_over(ci, slack, database_url):
    """The result's first try failed (503), so the retry looks in the channel first; the
    look-up's answer ("not there") arrives late, after another process presumed this one dead,
    took the task over and posted the result. The stalled worker must not post it again."""
    env = bot_env(ci, slack, database_url)
    bots = []
    try:
        first = Bot(env, slack, heartbeat_every=3600.0)  # heartbeats once, then looks frozen to others
        bots.append(first)
        ci.add_job(job(1))
        slack.fail("chat.postMessage", 1, status=503, error="service_unavailable", channel=CHANNEL)  # the result's first try
        release = slack.stall("conversations.history", channel=CHANNEL)
        status, _, _ = first.command(ONCALL, f"{job(1)} stream already reported")
        assert status == 200
        slack.wait_for(lambda: [c for c in slack.stalled if c.method == "conversations.history"], timeout=30, what="the retry stuck in its look-up")

        second = Bot(env, slack, dead_after=1.0)  # presumes the silent first process dead and takes the result over
        bots.append(second)
        slack.wait_for(lambda: result_delivered(database_url), timeout=30, what="the result posted by the second")
        release.set()  # the first process wakes up with its stale answer
        slack.wait_for(lambda: first.runtime.work.inflight == 0, timeout=30, what="the first process done with the result")
        posted = [m for m in slack.history[CHANNEL] if (m.get("metadata") or {}).get("event_type") == "cancel_moderation_result"]
        assert len(posted) == 1, f"the result was posted {len(posted)} times"
        assert len(results_for(slack, job(1))) == 2, "one refused try (503), one post"
    finally:
        for bot in bots:
            bot.stop()
