"""Fourth review of issues 19 and 20 (the checked cancel across Retry failed): the test
reproduced a guarantee that did not hold, and now holds."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.harness import CHANNEL, ONCALL


def _retry_value(slack) -> str:
    """The Retry failed button's value on the latest result posted in the channel."""
    result = slack.wait_for(lambda: [c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if "retry_failed" in json.dumps(c.args)])[-1]
    return next(e["value"] for b in result.args["blocks"] for e in b.get("elements", []) if e.get("action_id") == "retry_failed")


def test_retry_after_a_restart_sends_no_cancel_for_a_job_the_first_round_saw_ended(make_bot, ci, slack):
    """Moderation of the stream ended by itself (State Success); on-call's `status` shows it
    ended and on-call asks to cancel it: the checked cancel sends nothing and the outcome says
    'already ended (State Success): no cancel sent' (failed, confirmed, so Retry failed is
    offered). The bot restarts (a deploy). On-call clicks Retry failed: the new process knows
    no reading of the job (its cache is empty; an on-call cancel has no card statuses), so the
    job, with no send on record, is sent a cancel although the request's own outcome recorded
    it ended (an ended job never runs again). Contract: a job shown ended gets no cancel."""
    first = make_bot()
    ci.add_job(job(1), data_id="room-1")
    ci.jobs[job(1)].state = "Success"  # moderation ended by itself
    first.command(ONCALL, f"status {job(1)}", response_name="status")
    slack.wait_response(lambda c: c.method.endswith("status") and "*ended* (State Success)" in json.dumps(c.args.get("blocks")))
    first.command(ONCALL, f"{job(1)} stop it")
    retry = _retry_value(slack)
    store = first.runtime.store
    [request] = store.requests.recent_decisions()
    [outcome] = store.requests.get(request.id).outcome
    assert outcome["code"] == "AlreadyEnded" and ci.requests_for("cancel_auditing") == [], outcome
    first.stop()
    again = make_bot()  # the restarted process
    again.click(ONCALL, "retry_failed", retry, channel=CHANNEL)
    store = again.runtime.store
    slack.wait_for(lambda: (lambda r: r.retries == 1 and r.state == "done")(store.requests.get(request.id)), timeout=20, what="the retry done")
    [outcome] = store.requests.get(request.id).outcome
    sent = ci.requests_for("cancel_auditing")
    assert sent == [], f"{len(sent)} cancel(s) for a job the first round saw ended; reported {outcome['result']} {outcome.get('code')}"
