"""Issue 19: evidence before a decision. Cards, `status`, Home and results show what the query
API says of each job (state, DataId, stream as plain text, start, flags by label, top score,
last flag, when read, with Refresh); an ended job gets no cancel; reads are cached per job and
made below cancels; no flagged snapshot or audio URL reaches Slack in any call."""

from __future__ import annotations

import json

from tests.conftest import job
from tests.fakes.ci_server import AudioSection, Snapshot
from tests.harness import APPROVALS, CHANNEL, MOD, ONCALL
from tests.slack.blockkit import assert_all_sent_blocks_valid

T0 = 1_795_000_000_000  # ms since the epoch, as SnapshotTime and OffsetTime are for live jobs
FRAME = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/snap/FRAME-SECRET.jpg?q-signature=s1"
SOUND = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/audio/SOUND-SECRET.mp3?q-signature=s2"
STREAM = "rtmp://live.example.com/app/room-7"


def flagged_job(ci, n: int, **kwargs):
    """A running job moderation flagged: Porn twice (scores 91, 64), Ads once by audio, one normal frame."""
    return ci.add_job(
        job(n),
        data_id=f"room-{n}",
        url=STREAM,
        result=1,
        label="Porn",
        snapshots=[
            Snapshot(T0, scores={"PornInfo": 91, "AdsInfo": 3}, url=FRAME),
            Snapshot(T0 + 5_000, label="Normal", result=0, scores={"PornInfo": 99}, url=FRAME),
            Snapshot(T0 + 9_000, result=2, scores={"PornInfo": 64}, url=FRAME),
        ],
        audio_sections=[AudioSection(T0 + 7_000, url=SOUND)],
        **kwargs,
    )


def everything_sent(slack) -> str:
    """Every Web API call and response_url post the bot made, as one text."""
    return json.dumps([c.args for c in list(slack.calls) + list(slack.responses)], ensure_ascii=False)


def assert_no_flagged_url(slack) -> None:
    sent = everything_sent(slack)
    assert "FRAME-SECRET" not in sent and "SOUND-SECRET" not in sent and "q-signature" not in sent


def card_text(call) -> str:
    return json.dumps(call.args["blocks"], ensure_ascii=False)


def test_the_approval_card_shows_the_evidence_and_never_a_flagged_image(bot, ci, slack):
    flagged_job(ci, 1)
    bot.command(MOD, f"{job(1)} porn on stream")
    [post] = slack.wait_calls("chat.postMessage", channel=APPROVALS)
    text = card_text(post)
    assert "*Auditing* (running)" in text and "DataId `room-1`" in text
    assert f"stream `{STREAM}`" in text and "started 2026-11-24T10:00:00+0800" in text
    assert "flagged Porn 2 · Ads 1 · top score 91 · last flag <!date^1795000009^" in text
    assert "Evidence read <!date^" in text and "never shown" in text
    assert "refresh_evidence" in text
    # The stream is text, never a link Slack would fetch or preview.
    assert post.args["unfurl_links"] is False and post.args["unfurl_media"] is False
    assert f"<{STREAM}" not in text and f"|{STREAM}" not in text
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)


def test_refresh_rereads_the_evidence_and_updates_the_card(bot, ci, slack):
    flagged_job(ci, 1)
    bot.command(MOD, f"{job(1)} porn on stream")
    request_id = bot.request_id_from_approval()
    bot.runtime.workflow.evidence.fresh_seconds = 0  # every Refresh asks again (the burst test keeps the default)
    ci.flag(job(1), Snapshot(T0 + 20_000, label="Ads", scores={"AdsInfo": 97}, url=FRAME))
    status, _, _ = bot.click(ONCALL, "refresh_evidence", request_id)
    assert status == 200
    [update] = slack.wait_calls("chat.update", channel=APPROVALS)
    text = card_text(update)
    assert "flagged Ads 2 · Porn 2 · top score 97 · last flag <!date^1795000020^" in text
    assert "approve_request" in text and "refresh_evidence" in text  # still pending: the buttons stay
    assert len(ci.requests_for(f"/video/auditing/{job(1)}")) == 2
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)


def test_a_burst_of_cards_for_one_job_makes_one_query(bot, ci, slack):
    flagged_job(ci, 1)
    for reason in ("first report", "second report", "third report"):
        bot.command(MOD, f"{job(1)} {reason}")
    slack.wait_calls("chat.postMessage", 3, channel=APPROVALS)
    bot.command(ONCALL, f"status {job(1)}", response_name="status")
    slack.wait_response(lambda c: c.method.endswith("status") and "blocks" in c.args)
    assert len(ci.requests_for(f"/video/auditing/{job(1)}")) == 1


def test_status_shows_the_evidence(bot, ci, slack):
    flagged_job(ci, 1)
    bot.command(ONCALL, f"status {job(1)}")
    told = slack.wait_response(lambda c: "blocks" in c.args)
    text = json.dumps(told.args["blocks"], ensure_ascii=False)
    assert "*Auditing* (running)" in text and f"`{STREAM}`" in text and "`room-1`" in text
    assert "flagged Porn 2 · Ads 1 · top score 91" in text and "Evidence read" in text
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)


def test_approving_an_ended_job_sends_no_cancel_and_says_so(bot, ci, slack):
    flagged_job(ci, 1, state="Success")
    flagged_job(ci, 2)
    bot.command(MOD, f"{job(1)} {job(2)} porn on stream")
    [post] = slack.wait_calls("chat.postMessage", channel=APPROVALS)
    assert "*ended* (State Success)" in card_text(post) and "*Auditing* (running)" in card_text(post)
    request_id = bot.request_id_from_approval()
    bot.click(ONCALL, "approve_request", request_id)
    final = slack.wait_for(
        lambda: next((c for c in slack.calls_to("chat.update", channel=APPROVALS) if "already ended" in card_text(c)), None),
        what="the outcome card",
    )
    text = card_text(final)
    assert f"`{job(1)}` already ended (State Success): no cancel sent" in text
    assert "Cancelled 1 of 2 job(s), 1 already ended" in text
    assert "flagged Porn 2 · Ads 1" in text  # the results show what was found too
    assert ci.requests_for(f"cancel_auditing/{job(1)}") == [] and len(ci.requests_for(f"cancel_auditing/{job(2)}")) == 1
    [outcome] = [o for o in bot.runtime.store.requests.get(request_id).outcome if o["job_id"] == job(1)]
    assert outcome["code"] == "AlreadyEnded" and outcome["state"] == "Success"
    dm = slack.wait_calls("chat.postMessage", channel=MOD)
    assert job(1) in dm[-1].args["text"]
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)


def test_a_direct_cancel_of_a_job_seen_ended_sends_nothing(bot, ci, slack):
    ci.add_job(job(4), state="Failed")
    bot.command(ONCALL, f"status {job(4)}", response_name="status")
    slack.wait_response(lambda c: c.method.endswith("status") and "ended" in json.dumps(c.args.get("blocks")))
    bot.command(ONCALL, f"{job(4)} stop it")
    posted = slack.wait_for(
        lambda: next((c for c in slack.calls_to("chat.postMessage", channel=CHANNEL) if "already ended" in json.dumps(c.args)), None),
        what="the result",
    )
    assert "no cancel sent" in json.dumps(posted.args["blocks"], ensure_ascii=False)
    assert posted.args["unfurl_links"] is False and posted.args["unfurl_media"] is False
    assert ci.requests_for("cancel_auditing") == []


def test_the_home_tab_shows_each_jobs_evidence(bot, ci, slack):
    flagged_job(ci, 1)
    bot.command(MOD, f"{job(1)} porn on stream")
    slack.wait_calls("chat.postMessage", channel=APPROVALS)
    bot.home_opened(ONCALL)
    published = slack.wait_for(
        lambda: next((c for c in slack.calls_to("views.publish", user_id=ONCALL) if "flagged" in json.dumps(c.args)), None),
        what="the Home tab with evidence",
    )
    text = json.dumps(published.args["view"]["blocks"], ensure_ascii=False)
    assert "flagged Porn 2 · Ads 1 · top score 91" in text and "*Auditing* (running)" in text and "Evidence read" in text
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)


def test_a_card_for_many_flagged_jobs_stays_within_block_kit_limits(bot, ci, slack):
    for n in range(1, 101):
        flagged_job(ci, n)
    bot.command(MOD, " ".join(job(n) for n in range(1, 101)) + " a raid of streams")
    [post] = slack.wait_calls("chat.postMessage", channel=APPROVALS, timeout=30)
    text = card_text(post)
    assert "flagged Porn 2 · Ads 1" in text and "refresh_evidence" in text
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in post.args["blocks"])
    assert_no_flagged_url(slack)
    assert_all_sent_blocks_valid(slack)
