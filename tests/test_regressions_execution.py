"""A job is sent to the CI API once; again only when the first send's outcome could not be known.

An outcome Tencent gave is known, even when the database cannot take it at that moment (a
blip, a failover): the executor keeps it, retries storing it, and a retry of the task records
the kept outcome instead of sending the cancel again. PostgreSQL only: the database is lost
through a TCP proxy (tests/fakes/tcp_proxy.py), the far side of the wire.
"""

from __future__ import annotations

import json
import logging
import threading

import pytest

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import CHANNEL, ONCALL
from tests.test_database_loss import make_proxied_bot, proxy  # noqa: F401  (fixtures)


def results_for(slack, job_id: str) -> list:
    return [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if job_id in json.dumps(c.args)]


def logged(caplog, message: str) -> bool:
    return any(r.getMessage() == message for r in caplog.records)


def cancel_answered_while_the_database_is_away(bot, database, ci, slack) -> None:
    """The cancel is on the wire; the database goes away; Tencent answers "cancelled"."""
    ci.add_job(job(1))
    answer = threading.Event()
    ci.script(job(1), Fault.hold(answer))
    status, _, _ = bot.command(ONCALL, f"{job(1)} stream already reported")
    assert status == 200
    slack.wait_for(lambda: ci.requests_for(f"cancel_auditing/{job(1)}"), timeout=15, what="the cancel sent")
    database.refuse()
    answer.set()
    slack.wait_for(lambda: ci.jobs[job(1)].state == "Cancelled", timeout=10, what="the job cancelled")


@pytest.fixture
def caplog_warnings(caplog):
    caplog.set_level(logging.WARNING)
    return caplog


def test_an_outcome_known_during_a_database_blip_is_stored_not_sent_again(make_proxied_bot, proxy, ci, slack, caplog_warnings):  # noqa: F811
    """The outcome's write fails; it is retried while the execution is still ours, and lands
    once the database is back: one cancel request, one result."""
    bot = make_proxied_bot()
    cancel_answered_while_the_database_is_away(bot, proxy, ci, slack)
    slack.wait_for(lambda: logged(caplog_warnings, "execution.record_retry"), timeout=10, what="the outcome's write failing")
    proxy.forward()  # the database is back
    slack.wait_for(lambda: results_for(slack, job(1)), timeout=40, what="the result posted")
    assert results_for(slack, job(1))[0].args["text"] == "Cancelled 1 job(s)"
    sends = ci.requests_for(f"cancel_auditing/{job(1)}")
    assert len(sends) == 1, f"one cancel, {len(sends)} cancel requests to Tencent (the first one's answer was received)"


def test_an_outcome_known_during_a_long_outage_is_recorded_by_the_tasks_retry(make_proxied_bot, proxy, ci, slack, caplog_warnings):  # noqa: F811
    """The database stays away longer than the executor retries the write in place: the task
    fails this round, and its retry records the outcome kept in memory instead of resending."""
    bot = make_proxied_bot()
    cancel_answered_while_the_database_is_away(bot, proxy, ci, slack)
    slack.wait_for(lambda: logged(caplog_warnings, "execution.job_unrecorded"), timeout=30, what="the write given up for this round")
    proxy.forward()
    slack.wait_for(lambda: results_for(slack, job(1)), timeout=60, what="the result posted")
    sends = ci.requests_for(f"cancel_auditing/{job(1)}")
    assert len(sends) == 1, f"one cancel, {len(sends)} cancel requests to Tencent (the first one's answer was received)"
    assert results_for(slack, job(1))[0].args["text"] == "Cancelled 1 job(s)", "the kept outcome (cancelled) is the one posted"
