"""Retry failed: on-call sends the failed and unknown jobs again, exactly once however many
clicks; the message and the audit log show the new outcomes."""

from __future__ import annotations

import json
import threading

from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, ONCALL2, OUTSIDER
from tests.slack.actions.test_approve import events, request_by_mod
from tests.slack.blockkit import assert_all_sent_blocks_valid


def retry_value(blocks: list) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == "retry_failed":
                return element["value"]
    raise AssertionError("no Retry failed button")


def test_ten_clicks_on_two_processes_send_the_failed_job_again_once(make_bot, ci, slack):
    first, second = make_bot(), make_bot()
    ci.add_job(job(1))
    ci.add_job(job(2))
    ci.script(job(2), Fault.error(403, "AccessDenied", "not yet"))  # refused once, then it works
    first.command(ONCALL, f"{job(1)} {job(2)} spam stream")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert result.args["text"] == "Cancelled 1 of 2 job(s)"
    value = retry_value(result.args["blocks"])
    barrier = threading.Barrier(10)

    def click(i):
        barrier.wait()
        (first if i % 2 else second).click(ONCALL if i % 3 else ONCALL2, "retry_failed", value, channel=CHANNEL, response_name=f"r{i}")

    threads = [threading.Thread(target=click, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    [update] = slack.wait_calls("chat.update", channel=CHANNEL, timeout=20)
    assert update.args["ts"] == result.result["ts"]  # the result message itself shows the new outcomes
    assert update.args["text"] == "Cancelled 2 job(s)" and "retry_failed" not in json.dumps(update.args["blocks"])
    slack.wait_for(
        lambda: len([c for c in slack.responses if "already sent again" in c.args.get("text", "")]) == 9, what="nine 'already sent again' answers"
    )
    assert len(ci.requests_for("cancel_auditing")) == 3  # job 1 once; job 2 refused once, then once more
    assert ci.jobs[job(2)].state == "Cancelled"
    posts = slack.wait_calls("chat.postMessage", 4, channel=AUDIT)
    assert events(first) == ["started", "failed", "approved", "cancelled"]
    retry_post = json.dumps(posts[2].args["blocks"])
    assert "Retry failed* (round 1): 1 job(s) sent again" in retry_post and job(2) in retry_post and job(1) not in retry_post
    retried = next(e for e in first.runtime.store.audit.entries() if e.event == "approved")
    assert retried.detail["retry"] == 1 and retried.detail["retried_jobs"] == [job(2)]
    final = first.runtime.store.audit.entries()[-1]
    assert {r["job_id"]: r["result"] for r in final.detail["results"]} == {job(1): "cancelled", job(2): "cancelled"}
    assert_all_sent_blocks_valid(slack)


def test_only_on_call_may_retry_and_the_refusal_is_audited(bot, ci, slack):
    ci.add_job(job(1))
    ci.script(job(1), Fault.error(403, "AccessDenied"))
    bot.command(ONCALL, f"{job(1)} spam")
    [result] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    bot.click(OUTSIDER, "retry_failed", retry_value(result.args["blocks"]), channel=CHANNEL, response_name="no")
    slack.wait_response(lambda c: c.method.endswith("no") and "Only on-call can retry" in c.args["text"])
    slack.wait_for(lambda: "refused" in events(bot), what="the refusal audited")
    assert len(ci.requests_for("cancel_auditing")) == 1


def test_retry_from_the_approval_message_updates_it_and_tells_the_requester(bot, ci, slack):
    ci.add_job(job(2))
    request_id = request_by_mod(bot, ci, slack, job(2))
    ci.script(job(2), Fault.error(403, "AccessDenied"))  # after the look-up: the cancel meets it
    bot.click(ONCALL, "approve_request", request_id)
    done = slack.wait_calls("chat.update", 2, channel=APPROVALS, timeout=20)[-1]
    assert "Cancelled 0 of 1" in json.dumps(done.args["blocks"])
    bot.click(ONCALL2, "retry_failed", retry_value(done.args["blocks"]))
    final = slack.wait_calls("chat.update", 4, channel=APPROVALS, timeout=20)[-1]
    shown = json.dumps(final.args["blocks"], ensure_ascii=False)
    assert "Cancelled 1 job(s)" in shown and "sent again 1×" in shown and "retry_failed" not in shown
    dms = slack.wait_calls("chat.postMessage", 2, channel=MOD)
    assert "Cancelled 1 job(s)" in dms[-1].args["text"]
    assert ci.jobs[job(2)].state == "Cancelled"
