"""A click on an escalation DM's Approve/Deny is a click on the request, never on its card: the
DM is not taken for the approval message (the decision's update goes to the card)."""

from __future__ import annotations

from bot.slack.actions.approve import caller_of, decider_of


def body(channel: dict, ts: str = "1700000000.000100") -> dict:
    return {
        "user": {"id": "U0BOSS1"},
        "channel": channel,
        "container": {"type": "message", "channel_id": channel["id"], "message_ts": ts},
        "response_url": "https://hooks.slack.test/r",
    }


def test_a_click_on_the_card_names_the_card():
    caller = decider_of(body({"id": "C0APPROVALS", "name": "approvals"}))
    assert caller.message == ("C0APPROVALS", "1700000000.000100")


def test_a_click_in_a_direct_message_names_no_message():
    for channel in ({"id": "D0BOSS1", "name": "directmessage"}, {"id": "D0BOSS1"}):
        caller = decider_of(body(channel))
        assert caller.message is None and caller.channel_id == "D0BOSS1" and caller.response_url


def test_other_clicks_in_a_direct_message_keep_their_message():
    """ "Retry failed" on a result sent by DM edits that DM, as before."""
    assert caller_of(body({"id": "D0MOD1", "name": "directmessage"})).message == ("D0MOD1", "1700000000.000100")
