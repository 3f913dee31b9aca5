"""What the audit channel, the requester's DM and the approval message say: each readable on
its own, naming every job and what happened to it."""

from __future__ import annotations

import json

from bot.slack.audit_blocks import audit_message
from bot.store import AuditEntry
from tests.conftest import job
from tests.fakes.ci_server import Fault
from tests.harness import APPROVALS, AUDIT, CHANNEL, MOD, ONCALL, OUTSIDER, age_requests, all_posted
from tests.slack.blockkit import assert_all_sent_blocks_valid, assert_valid_blocks


def entries_posted(bot, slack, count: int) -> dict[str, str]:
    """Wait for `count` audit entries, all posted; return each event's posted text (blocks as JSON)."""
    store = bot.runtime.store
    slack.wait_for(lambda: len(store.audit.entries()) >= count and all_posted(store), timeout=30, what=f"{count} audit entries posted")
    posted = {}
    for call in slack.calls_to("chat.postMessage", channel=AUDIT):
        if call.result and not call.args.get("thread_ts"):
            event = call.args["text"].split(":")[1].split(" by")[0].strip()
            posted[event] = json.dumps(call.args["blocks"])
    return posted


def test_a_direct_cancel_names_every_job_and_its_result(bot, ci, slack):
    ci.add_job(job(1))
    ci.add_job(job(2), state="Success")
    bot.command(ONCALL, f"{job(1)} {job(2)} stream shows violence")
    posted = entries_posted(bot, slack, 2)
    for text in posted.values():
        assert job(1) in text and job(2) in text and "stream shows violence" in text
        assert f"<@{ONCALL}>" in text and f"<#{CHANNEL}>" in text and "audit #" in text
    final = posted["failed"]
    assert "req-" in final and "err-req-InvalidArgument" in final and "InvalidArgument" in final
    assert "1 of 2 cancelled" in final
    assert_all_sent_blocks_valid(slack)


def test_an_approval_names_requester_approver_jobs_and_links_the_request(bot, ci, slack):
    ci.add_job(job(1))
    bot.command(MOD, f"{job(1)} spam stream")
    request_id = bot.request_id_from_approval()
    bot.click(ONCALL, "approve_request", request_id)
    posted = entries_posted(bot, slack, 4)
    assert set(posted) == {"requested", "approved", "started", "cancelled"}
    for event in ("approved", "cancelled"):
        text = posted[event]
        assert f"<@{MOD}>" in text and f"<@{ONCALL}>" in text and job(1) in text and "spam stream" in text
        assert "approval message" in text and f"archives/{APPROVALS}/" in text, event
    assert "req-" in posted["cancelled"]
    dm = slack.wait_calls("chat.postMessage", channel=MOD)[-1].args["text"]
    assert job(1) in dm and "✅" in dm
    final = slack.wait_for(
        lambda: [c for c in slack.calls_to("chat.update", channel=APPROVALS) if "Cancelled 1 job" in json.dumps(c.args["blocks"])],
        what="the final update",
    )
    shown = json.dumps(final[-1].args["blocks"], ensure_ascii=False)
    assert job(1) in shown and "✅" in shown  # the decided message keeps each job's line, with its outcome


def test_a_denial_and_an_expiry_name_the_jobs(make_bot, ci, slack):
    bot = make_bot(APPROVAL_TTL_SECONDS="10")
    for n in (1, 2):
        ci.add_job(job(n))
    bot.command(MOD, f"{job(1)} first")
    first = bot.request_id_from_approval()
    bot.submit_view(ONCALL, "deny_form", {"note": "not a violation"}, private_metadata=f"{first}|{APPROVALS}|")
    slack.wait_for(lambda: "denied" in [e.event for e in bot.runtime.store.audit.entries()], what="the denial")
    bot.command(MOD, f"{job(2)} second")
    slack.wait_calls("chat.postMessage", 2, channel=APPROVALS)
    age_requests(bot.runtime.store, 11)  # the second request is past its expiry
    posted = entries_posted(bot, slack, 4)
    assert job(1) in posted["denied"] and "not a violation" in posted["denied"] and f"<@{MOD}>" in posted["denied"]
    assert job(2) in posted["expired"] and "`system`" in posted["expired"]
    dms = [c.args["text"] for c in slack.wait_calls("chat.postMessage", 2, channel=MOD)]
    assert any(job(1) in t and "denied" in t for t in dms) and any(job(2) in t and "expired" in t for t in dms)


def test_a_refusal_names_who_why_and_the_jobs(bot, ci, slack):
    bot.command(OUTSIDER, f"{job(1)} {job(2)} let me")
    posted = entries_posted(bot, slack, 1)
    text = posted["refused"]
    assert f"<@{OUTSIDER}>" in text and job(1) in text and job(2) in text and "not allowed" in text
    [entry] = bot.runtime.store.audit.entries()
    assert f"audit #{entry.id}" in text and f"hash `{entry.hash[:12]}`" in text


def test_a_hundred_job_entry_is_complete_and_valid(bot, ci, slack):
    ids = [job(300 + n) for n in range(100)]
    for j in ids:
        ci.add_job(j)
    bot.command(ONCALL, " ".join(ids) + " bulk")
    posted = entries_posted(bot, slack, 2)
    assert all(j in posted["cancelled"] for j in ids) and all(j in posted["started"] for j in ids)
    assert_all_sent_blocks_valid(slack)


def test_an_entry_too_long_for_one_message_continues_in_replies():
    results = [
        {
            "job_id": job(n),
            "result": "failed",
            "ok": False,
            "code": "InternalError",
            "message": "x" * 200,
            "request_id": f"req-{n}",
            "hint": "h" * 100,
        }
        for n in range(1500)
    ]
    entry = AuditEntry(7, 1.8e9, "failed", ONCALL, "r" * 32, {"results": results, "jobs": 1500, "cancelled": 0, "reason": "huge"})
    _text, blocks, replies = audit_message(entry)
    assert replies, "the list continues in thread replies"
    shown = json.dumps([b.to_dict() for b in blocks]) + json.dumps([[b.to_dict() for b in r] for r in replies])
    assert all(job(n) in shown for n in range(1500))
    for message in [blocks, *replies]:
        assert_valid_blocks([b.to_dict() for b in message])


def test_cli_cancels_are_posted_by_the_bot_with_a_safe_actor(bot, ci, slack, database_url):
    from bot.cli.cancel import OperatorCancel
    from bot.store import Store

    ci.add_job(job(1))
    store = Store(database_url)
    try:
        OperatorCancel(store, bot.runtime.ci, 20).run([job(1)], "from the shell", lambda _o: None)
    finally:
        store.close()
    bot.runtime.outbox.wake()
    posted = entries_posted(bot, slack, 2)
    assert "`cli:" in posted["cancelled"] and job(1) in posted["cancelled"] and "command line" in posted["cancelled"]


def test_tencent_text_in_entries_is_escaped(bot, ci, slack):
    ci.add_job(job(1))
    ci.script(job(1), Fault.error(403, "AccessDenied", "&lt;!here&gt; denied"))
    bot.command(ONCALL, f"{job(1)} escape")
    posted = entries_posted(bot, slack, 2)
    assert "<!here>" not in posted["failed"] and "&lt;!here&gt;" in posted["failed"]
