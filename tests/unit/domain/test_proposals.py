"""A moderation callback's task on the domain: a hint is never dropped while a target cannot
be asked (a callback acknowledged is never lost)."""

from __future__ import annotations

import pytest

from bot.domain.proposals import Proposals, callback_task
from bot.store import Task
from bot.tencent.results import CINotLocated
from tests.unit.domain.conftest import job


def stored(store, new) -> Task:
    store.work.enqueue([new])
    task = store.work.get_task(new.key)
    assert task is not None
    return task


def test_a_callback_whose_target_cannot_be_asked_is_retried_not_dropped(store, ci, workflow):
    proposals = Proposals(workflow, frozenset({1}), cooldown=600)
    ci.describe_errors[job(1)] = CINotLocated("TargetUnreachable", "could not ask sg; nothing was sent", job_id=job(1))
    task = stored(store, callback_task(job(1)))
    with pytest.raises(CINotLocated):  # the runner retries it (backing off), never gives it up
        proposals.on_callback(task)
    assert store.requests.pending() == []


def test_a_callback_for_a_job_no_target_knows_is_dropped(store, ci, workflow):
    proposals = Proposals(workflow, frozenset({1}), cooldown=600)
    ci.describe_errors[job(2)] = CINotLocated("NotInAnyTarget", "no target knows this job", job_id=job(2))
    proposals.on_callback(stored(store, callback_task(job(2))))  # acknowledged and dropped: nothing to retry
    assert store.requests.pending() == []
