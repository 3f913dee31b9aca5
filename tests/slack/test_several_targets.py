"""One bot over three CI stand-ins (two buckets of one APPID, a partner account with its own
keys), end to end: a job is acted on where it is, never guessed; --target is kept with the
request so the approval acts on that target; cards, results and audit entries name the target."""

from __future__ import annotations

import json

import pytest

from bot.store import AuditFilter
from tests.conftest import job
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, ONCALL2
from tests.targets import targets_env


@pytest.fixture
def bot(make_bot, ci, sg, partner):
    return make_bot(**targets_env(ci, sg, partner))


def test_on_call_cancels_where_each_job_is_and_a_job_in_two_targets_nowhere(bot, ci, sg, partner, slack):
    partner.add_job(job(1))
    ci.add_job(job(2))
    sg.add_job(job(2))
    bot.command(ONCALL, f"{job(1)} {job(2)} stream shows violence")
    [post] = slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    text = json.dumps(post.args["blocks"])
    assert "partner (clips-1300000000 @ ap-beijing)" in text  # where job 1 was cancelled
    assert "InSeveralTargets" in text and "bj (live-1250000000 @ ap-beijing) and sg (archive-1250000000 @ ap-singapore)" in text
    assert partner.jobs[job(1)].state == "Cancelled"
    assert ci.requests_for("cancel_auditing") == sg.requests_for("cancel_auditing") == []  # never guessed
    assert all(a.verified for server in (ci, sg, partner) for a in server.arrivals)


def test_a_request_for_a_named_target_is_approved_and_carried_out_there(bot, ci, sg, partner, slack):
    ci.add_job(job(3))
    sg.add_job(job(3))  # the same ID in two buckets: --target says which
    bot.command(MOD, f"--target sg {job(3)} looks like spam")
    [card] = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)
    assert "archive-1250000000 @ ap-singapore" in json.dumps(card.args["blocks"]) and "`sg`" in json.dumps(card.args["blocks"])
    bot.click(ONCALL, "approve_request", bot.request_id_from_approval())
    slack.wait_calls("chat.postMessage", 4, channel=AUDIT, timeout=20)  # requested, approved, started, cancelled
    assert sg.jobs[job(3)].state == "Cancelled" and ci.jobs[job(3)].state == "Auditing"
    assert ci.requests_for("cancel_auditing") == [] and partner.arrivals == []
    about_sg = bot.runtime.store.audit.entries(where=AuditFilter(target="sg"))
    assert [e.event for e in about_sg] == ["requested", "approved", "started", "cancelled"]
    assert {e.detail["target_label"] for e in about_sg} == {"sg (archive-1250000000 @ ap-singapore)"}
    assert bot.runtime.store.audit.entries(where=AuditFilter(target="bj")) == []


def test_an_unknown_target_is_refused_to_the_caller_and_nothing_is_sent(bot, ci, sg, partner):
    status, body, _ = bot.command(ONCALL, f"--target hk {job(4)} reason")
    assert status == 200 and body["response_type"] == "ephemeral"
    assert "`hk` is not a target: use one of `bj`, `sg`, `partner`" in body["text"]
    assert ci.arrivals == sg.arrivals == partner.arrivals == []


def test_the_form_offers_a_target_picker_and_acts_on_the_target_picked(bot, ci, sg, partner, slack):
    ci.add_job(job(5))
    sg.add_job(job(5))
    bot.command(ONCALL, "")
    [opened] = slack.wait_calls("views.open", timeout=10)
    [picker] = [b for b in opened.args["view"]["blocks"] if b.get("block_id") == "target"]
    assert [o["value"] for o in picker["element"]["options"]] == ["any", "bj", "sg", "partner"]
    assert picker["element"]["options"][2]["text"]["text"] == "sg (archive-1250000000 @ ap-singapore)"
    picked = {"type": "static_select", "selected_option": {"value": "sg", "text": {"type": "plain_text", "text": "sg"}}}
    status, _body, _ = bot.submit_view(ONCALL, "cancel_form", {"job_ids": job(5), "reason": "picked in the form", "target": picked}, CHANNEL)
    assert status == 200
    slack.wait_calls("chat.postMessage", channel=CHANNEL, timeout=20)
    assert sg.jobs[job(5)].state == "Cancelled" and ci.jobs[job(5)].state == "Auditing"


SG_ONCALL = "U0SGONCALL"


def test_a_target_with_its_own_on_call_turns_a_global_on_calls_command_into_a_request_to_them(make_bot, ci, sg, partner, slack):
    bot = make_bot(**targets_env(ci, sg, partner, CI_TARGET_SG_APPROVER_USERS=SG_ONCALL))
    sg.add_job(job(6))
    bot.command(ONCALL, f"--target sg {job(6)} stream shows violence")
    [card] = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)
    assert f"<@{SG_ONCALL}>" in card.args["text"] and sg.requests_for("cancel_auditing") == []
    request_id = bot.request_id_from_approval()
    bot.click(ONCALL2, "approve_request", request_id, response_name="global")
    refused = slack.wait_response(lambda c: c.method.endswith("global"), timeout=20)
    assert f"Only the on-call of target `sg` can decide this request: <@{SG_ONCALL}>" in refused.args["text"]
    bot.click(SG_ONCALL, "approve_request", request_id)
    slack.wait_for(lambda: sg.jobs[job(6)].state == "Cancelled", what="the cancel, in sg", timeout=20)
    assert ci.arrivals == partner.arrivals == []


def test_a_request_over_two_targets_calls_each_on_call_and_only_one_on_call_for_both_decides_it(make_bot, ci, sg, partner, slack):
    # SG_ONCALL is sg's own on-call and a global one too; ONCALL is global only.
    env = targets_env(ci, sg, partner, CI_TARGET_SG_APPROVER_USERS=SG_ONCALL)
    bot = make_bot(**env, APPROVER_USERS=f"{ONCALL},{ONCALL2},{SG_ONCALL}")
    ci.add_job(job(7))  # bj
    sg.add_job(job(8))
    bot.command(MOD, f"{job(7)} {job(8)} stream shows violence")
    [card] = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=20)
    assert f"<@{SG_ONCALL}>" in card.args["text"] and f"<@{ONCALL}>" in card.args["text"]  # both targets' on-call
    request_id = bot.request_id_from_approval()
    bot.click(ONCALL, "approve_request", request_id, response_name="global")
    refused = slack.wait_response(lambda c: c.method.endswith("global"), timeout=20)
    assert "only someone on call for each of them can decide it" in refused.args["text"]
    bot.click(SG_ONCALL, "approve_request", request_id)
    slack.wait_for(
        lambda: sg.jobs[job(8)].state == "Cancelled" and ci.jobs[job(7)].state == "Cancelled", what="each job, where it was found", timeout=20
    )
    assert partner.requests_for("cancel_auditing") == [] and len(ci.requests_for("cancel_auditing")) == len(sg.requests_for("cancel_auditing")) == 1
    about_sg = {e.event for e in bot.runtime.store.audit.entries(where=AuditFilter(target="sg")) if e.request_id == request_id}
    assert {"requested", "approved"} <= about_sg
