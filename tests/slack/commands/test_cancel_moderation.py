"""/cancel-moderation through the real endpoint: every form, every refusal, bulk, signatures."""

from __future__ import annotations

import json
import time

from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, OUTSIDER
from tests.slack.blockkit import assert_all_sent_blocks_valid


def audit_events(bot):
    return [(e.event, e.actor) for e in bot.runtime.store.audit.entries()]


def test_on_call_cancels_directly_and_sees_the_result_in_channel(bot, ci, slack):
    ci.add_job(job(1), data_id="biz-1")
    status, body, _ = bot.command(ONCALL, f"{job(1)} stream shows violence")
    assert status == 200 and body["response_type"] == "ephemeral" and "Working on 1 job" in body["text"]
    [post] = slack.wait_calls("chat.postMessage", channel=CHANNEL)
    text = json.dumps(post.args["blocks"])
    assert job(1) in text and "biz-1" in text and "req-" in text and "2026-11-24T10:00:00+0800" in text
    assert ci.jobs[job(1)].state == "Cancelled"
    audit = slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert "started" in audit[0].args["text"] and "cancelled" in audit[1].args["text"]
    assert audit_events(bot) == [("started", ONCALL), ("cancelled", ONCALL)]
    assert assert_all_sent_blocks_valid(slack) >= 2


def test_failures_show_code_message_request_id_and_hint(bot, ci, slack):
    ci.add_job(job(1), state="Success")
    bot.command(ONCALL, f"{job(1)} reason")
    [post] = slack.wait_calls("chat.postMessage", channel=CHANNEL)
    text = json.dumps(post.args["blocks"])
    assert "InvalidArgument" in text and "err-req-InvalidArgument" in text and "already finished" in text
    slack.wait_calls("chat.postMessage", 2, channel=AUDIT)
    assert audit_events(bot) == [("started", ONCALL), ("failed", ONCALL)]


def test_requester_gets_an_approval_request_posted(bot, ci, slack):
    ci.add_job(job(1), data_id="biz-1", url="rtmp://live/x")
    status, _body, _ = bot.command(MOD, f"{job(1)} looks like spam")
    assert status == 200
    [post] = slack.wait_calls("chat.postMessage", channel=APPROVALS)
    text = json.dumps(post.args["blocks"])
    for expected in (MOD, "looks like spam", "Auditing", "rtmp://live/x", "biz-1", "approve_request", "deny_request", "cannot be undone", "!date^"):
        assert expected in text, expected
    told = slack.wait_response(lambda c: "Asked on-call" in c.args.get("text", ""))
    assert told.args["response_type"] == "ephemeral"
    assert ci.jobs[job(1)].state == "Auditing"  # nothing cancelled yet
    assert audit_events(bot) == [("requested", MOD)]
    assert_all_sent_blocks_valid(slack)


def test_outsider_is_refused_privately_and_audited(bot, ci, slack):
    bot.command(OUTSIDER, f"{job(1)} reason")
    told = slack.wait_response(lambda c: "not allowed" in c.args.get("text", ""))
    assert told.args["response_type"] == "ephemeral"
    slack.wait_calls("chat.postMessage", channel=AUDIT)
    assert audit_events(bot) == [("refused", OUTSIDER)]
    assert ci.arrivals == []


def test_command_outside_allowed_channels_is_refused(make_bot, ci, slack):
    bot = make_bot(ALLOWED_CHANNELS="C0ELSEWHERE")
    bot.command(ONCALL, f"{job(1)} reason")
    slack.wait_response(lambda c: "not enabled in this channel" in c.args.get("text", ""))
    assert ci.arrivals == [] and audit_events(bot) == [("refused", ONCALL)]


def test_usage_mistakes_are_answered_in_the_ack_and_nothing_is_sent(bot, ci, slack):
    for text, fragment in [
        ("spam", "is not a job ID"),
        (job(1), "reason is required"),
        ("../../etc/passwd why", "is not a job ID"),
        (f"{job(1)}%2F.. why", "not a valid job ID"),
        (" ".join(job(n) for n in range(101)) + " why", "at most 100"),
    ]:
        status, body, _ = bot.command(ONCALL, text)
        assert status == 200 and body["response_type"] == "ephemeral" and fragment in body["text"], (text, body)
    assert ci.arrivals == [] and [c for c in slack.calls if c.method.startswith("chat.")] == []


def test_help_says_what_the_caller_may_do(bot, slack):
    bot.command(MOD, "help", response_name="help")
    told = slack.wait_response(lambda c: c.method.endswith("help"))
    assert "/cancel-moderation status" in told.args["text"] and "*request*" in told.args["text"]


def test_status_shows_state_stream_and_data_id(bot, ci, slack):
    ci.add_job(job(1), data_id="biz-1", url="rtmp://live/x")
    bot.command(MOD, f"status {job(1)}")
    told = slack.wait_response(lambda c: "blocks" in c.args)
    text = json.dumps(told.args["blocks"])
    assert "Auditing" in text and "rtmp://live/x" in text and "biz-1" in text
    assert_all_sent_blocks_valid(slack)


def test_bare_command_opens_the_form_and_its_submission_acts(bot, ci, slack):
    ci.add_job(job(1))
    status, _, _ = bot.command(ONCALL, "")
    assert status == 200
    [opened] = slack.wait_calls("views.open")
    assert opened.args["trigger_id"] == "trig-1" and opened.args["view"]["private_metadata"] == CHANNEL
    status, body, _ = bot.submit_view(ONCALL, "cancel_form", {"job_ids": "nope", "reason": "x"}, CHANNEL)
    assert status == 200 and body["response_action"] == "errors" and "job_ids" in body["errors"]
    status, body, _ = bot.submit_view(ONCALL, "cancel_form", {"job_ids": job(1), "reason": ""}, CHANNEL)
    assert body["response_action"] == "errors" and "reason" in body["errors"]
    status, body, _ = bot.submit_view(ONCALL, "cancel_form", {"job_ids": f"{job(1)}\n{job(1)}", "reason": "r"}, CHANNEL)
    assert status == 200 and not body
    slack.wait_calls("chat.postMessage", channel=CHANNEL)
    assert ci.jobs[job(1)].state == "Cancelled"
    assert_all_sent_blocks_valid(slack)


def test_approver_by_user_group_and_groups_unavailable(make_bot, ci, slack):
    slack.groups["S0ONCALL"] = ["U0GROUPIE"]
    bot = make_bot(APPROVER_USERS=ONCALL, APPROVER_USERGROUPS="S0ONCALL")
    ci.add_job(job(1))
    bot.command("U0GROUPIE", f"{job(1)} reason")
    slack.wait_calls("chat.postMessage", channel=CHANNEL)
    assert ci.jobs[job(1)].state == "Cancelled"
    assert slack.calls_to("usergroups.users.list", usergroup="S0ONCALL")


def test_plain_user_lists_work_without_user_groups(make_bot, ci, slack):
    slack.group_error = "plan_upgrade_required"
    bot = make_bot(APPROVER_USERGROUPS="S0ONCALL", REQUESTER_USERGROUPS="S0MODS")
    ci.add_job(job(1))
    bot.command(ONCALL, f"{job(1)} reason")  # in APPROVER_USERS
    slack.wait_calls("chat.postMessage", channel=CHANNEL)
    bot.command("U0GROUPIE", f"{job(2)} reason")  # only a group could have allowed this: unreadable, fail closed
    slack.wait_response(lambda c: "could not confirm your user-group membership" in c.args.get("text", ""))
    assert ci.jobs[job(1)].state == "Cancelled"


def test_forged_and_stale_signatures_get_401_and_nothing_happens(bot, ci, slack):
    ci.add_job(job(1))
    status, _, _ = bot.command(ONCALL, f"{job(1)} reason", secret="wrong-secret")
    assert status == 401
    status, _, _ = bot.command(ONCALL, f"{job(1)} reason", timestamp=int(time.time()) - 600)
    assert status == 401
    time.sleep(0.3)  # give a (wrongly) started background task the chance to show itself
    assert ci.arrivals == [] and slack.calls == [] and slack.responses == []
    assert bot.runtime.store.audit.entries() == []


def test_bulk_of_100_is_summarised_within_block_kit_limits(bot, ci, slack):
    ids = [job(n) for n in range(100)]
    for n, j in enumerate(ids):
        if n % 10:
            ci.add_job(j, data_id=f"biz-{n}")
    status, _body, _ = bot.command(ONCALL, " ".join(ids) + " mass takedown")
    assert status == 200
    [post] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=30)
    assert post.args["text"] == "Cancelled 90 of 100 job(s)"
    assert_all_sent_blocks_valid(slack)
    assert len(ci.requests_for("cancel_auditing")) == 100


def test_healthz(bot):
    response = bot.http.get(bot.url + "/healthz", timeout=5)
    loops = {"work-loop": "ok", "audit-outbox": "ok", "sweeper": "ok"}
    assert response.status_code == 200 and response.json() == {"ok": True, "database": "ok", "loops": loops}


def test_status_of_several_jobs_lists_each_one(bot, ci, slack):
    ci.add_job(job(1), data_id="biz-1")
    ci.add_job(job(2), data_id="biz-2", state="Cancelled")
    bot.command(MOD, f"status {job(1)} {job(2)},{job(3)}", response_name="several")
    told = slack.wait_response(lambda c: c.method.endswith("several"))
    text = json.dumps(told.args["blocks"])
    assert told.args["text"] == "Status of 3 jobs"
    assert "biz-1" in text and "biz-2" in text and "Cancelled" in text
    assert f"`{job(3)}` could not be read" in text  # unknown to Tencent: said so, the others still shown
    assert_all_sent_blocks_valid(slack)


def test_status_of_more_than_twenty_jobs_is_refused_before_any_lookup(bot, ci, slack):
    status, body, _ = bot.command(MOD, "status " + " ".join(job(n) for n in range(21)))
    assert status == 200 and body["response_type"] == "ephemeral" and "at most 20" in body["text"]
    assert ci.requests_for("") == []
