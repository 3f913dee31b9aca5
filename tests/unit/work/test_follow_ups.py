"""Review 16: a decision's follow-ups, stored owned by the deciding worker and started at once
(WorkQueue.run_now, WorkItems.ready_tasks), on a real SQLite task repository. Each test states
the rule it shows broken; the lanes and classes are those the runtime registers (executions
in the urgent lane, announcements in the slack lane, both of the decision class)."""

from __future__ import annotations

import threading

from bot.work import Priority
from tests.unit.work.conftest import task, wait_for

CLASSES = {"decide": Priority.DECIDE, "update": Priority.DECIDE, "exec": Priority.DECIDE, "post": Priority.POST}
LANES = {"decide": "urgent", "update": "slack", "exec": "urgent", "post": "slack"}


def started(queue):
    """Start the queue and wait for its loop's first pass: from then on it claims only when woken
    (or at its poll, 30 s here), so no stray pass takes a follow-up run_now should start."""
    before = queue.heartbeat._at
    queue.start()
    wait_for(lambda: queue.heartbeat._at > before, what="the loop's first pass")
    return queue


def test_a_follow_up_waiting_for_its_stream_starts_when_another_process_finishes_the_task_ahead(make_queue, repo):
    """Two processes. B runs the approval post of request req-1 (stream req-1: say its first
    chat.postMessage timed out and the retry is B's). Meanwhile on-call approves on A: A stores
    the buttons-gone update owned by A; it is not ready (the post is unfinished), so run_now
    leaves it. When B finishes the post, nothing wakes A: the update belongs to A (alive), B may
    not claim it, and A looks again only at its next poll (here 30 s; 1 s by default). The issue
    asks that workers wake when the task ahead finishes, with no poll on the hot path."""
    a = make_queue({"urgent": 2, "slack": 2})
    b = make_queue({"urgent": 2, "slack": 2})
    post_may_finish, decided = threading.Event(), threading.Event()
    ran: list[str] = []

    def post(t):
        assert post_may_finish.wait(10)
        ran.append("post")

    def decide(t):
        repo.enqueue([task("update", "update", "slack", stream="req-1"), task("exec", "exec", "urgent")], owner=t.owner)
        a.run_now(["update", "exec"])
        decided.set()

    handlers = {"decide": decide, "post": post, "update": lambda t: ran.append("update"), "exec": lambda t: ran.append("exec")}
    for q in (a, b):
        q.register(handlers, CLASSES, LANES)
        started(q)
    assert b.accept(task("post", "post", "slack", stream="req-1"))  # the approval post, B's
    assert a.accept(task("decide", "decide", "urgent"))  # the Approve click, on A
    assert decided.wait(5)
    wait_for(lambda: "exec" in ran, what="the execution started at once")
    post_may_finish.set()
    wait_for(lambda: "post" in ran, what="B finished the approval post")
    wait_for(lambda: "update" in ran, timeout=3.0, what="the buttons-gone update, once the post ahead of it finished (A never woke)")


def test_executions_never_wait_behind_a_slow_slack_update_run_on_the_deciding_thread(make_queue, repo):
    """run_now runs the buttons-gone update (a Slack call, slack lane) on the deciding thread, an
    urgent-lane thread, and hands the execution to the urgent lane. While Slack is slow (a 429
    retry-after, a slow chat.update), every deciding thread is held by Slack and the executions
    wait in the urgent lane behind them, though the slack lane has idle threads. Here: two
    approvals, an urgent lane of two threads: no execution starts until Slack answers."""
    q = make_queue({"urgent": 2, "slack": 4})
    slack_answers = threading.Event()
    began: list[str] = []
    decisions = threading.Barrier(2, timeout=5)

    def decide(t):
        n = t.payload["n"]
        repo.enqueue([task(f"update{n}", "update", "slack", stream=f"req-{n}"), task(f"exec{n}", "exec", "urgent")], owner=t.owner)
        decisions.wait()  # both approvals clicked together
        q.run_now([f"update{n}", f"exec{n}"])

    def update(t):
        slack_answers.wait(10)  # a slow Slack

    q.register({"decide": decide, "update": update, "exec": lambda t: began.append(t.key)}, CLASSES, LANES)
    started(q)
    try:
        assert q.accept(task("d1", "decide", "urgent", payload={"n": 1}))
        assert q.accept(task("d2", "decide", "urgent", payload={"n": 2}))
        wait_for(lambda: len(began) == 2, timeout=3.0, what="both executions started while Slack is slow")
    finally:
        slack_answers.set()


def test_a_follow_up_runs_once_when_the_deciding_worker_was_presumed_dead_before_it_decided(make_queue, repo, clock):
    """A stalls in the middle of an Approve (a long GC, a frozen container) past dead_after; B
    reaps it. A wakes and decides before its next heartbeat: decide() stores the follow-ups
    owned by task.owner, A's old id, which is no worker any more, so they are free: B claims
    them, and neither A's run_now nor its claims (under that same old id) start them too."""
    a = make_queue({"urgent": 2, "slack": 2}, heartbeat_every=60.0, dead_after=60.0)
    b = make_queue({"slack": 2}, heartbeat_every=60.0, dead_after=60.0)  # B delivers announcements
    go, release = threading.Event(), threading.Event()
    runs: list[str] = []
    won = threading.Lock()
    decided: list[str] = []

    def decide(t):
        if threading.current_thread().name.startswith("work-urgent") and not decided:
            go.wait(10)  # the stall
        with won:  # the request's conditional UPDATE: one winner
            if decided:
                return
            decided.append(t.owner)
        repo.enqueue([task("update", "update", "slack", stream="req-1")], owner=t.owner)
        a.run_now(["update"])

    def update(t):
        runs.append(t.owner)
        release.wait(10)

    handlers = {"decide": decide, "update": update, "exec": lambda t: None, "post": lambda t: None}
    a.register(handlers, CLASSES, LANES)
    b.register({"update": update}, {"update": Priority.DECIDE}, {"update": "slack"})
    started(a)
    started(b)
    try:
        assert a.accept(task("decide", "decide", "urgent"))
        clock.advance(61)  # A's stall outlasts dead_after on the database's clock (B beats: it is alive)
        assert repo.heartbeat(b.id)
        assert repo.reap_workers(b.id, 60.0) == [a.id]
        go.set()
        wait_for(lambda: decided, what="A deciding after its stall")
        assert a._claim(["urgent", "slack"]) == 0  # A, presumed dead and not yet told, starts nothing
        assert b._claim(["slack"]) == 1  # free: its owner is no worker
        wait_for(lambda: len(runs) == 1, what="B running the update it claimed")
        assert a._claim(["urgent", "slack"]) == 0
        assert runs == [b.id], f"the update ran on A (old id) as well as on B: {runs}"
    finally:
        release.set()
