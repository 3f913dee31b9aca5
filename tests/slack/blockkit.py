"""Check that every message the bot sent is valid Block Kit within Slack's limits."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

LIMITS = {"message": 50, "modal": 100, "home": 100}


def assert_valid_blocks(blocks: list[dict], where: str = "message") -> None:
    assert isinstance(blocks, list) and blocks, "a message with blocks must have at least one"
    assert len(blocks) <= LIMITS[where], f"{len(blocks)} blocks > {LIMITS[where]}"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, raw
        block.validate_json()
        assert block.to_dict() == raw, "unknown or dropped keys"


def assert_all_sent_blocks_valid(slack) -> int:
    """Validate blocks of every call and response_url post; return how many messages were checked."""
    checked = 0
    for call in list(slack.calls) + list(slack.responses):
        if call.args.get("blocks"):
            assert_valid_blocks(call.args["blocks"])
            checked += 1
        if call.method == "views.open":
            assert_valid_blocks(call.args["view"]["blocks"], "modal")
            checked += 1
        if call.method == "views.publish":
            assert call.args["view"]["type"] == "home"
            assert_valid_blocks(call.args["view"]["blocks"], "home")
            checked += 1
    return checked
