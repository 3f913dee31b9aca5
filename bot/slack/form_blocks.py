"""The modals: the cancel form (job IDs, reason, and the target when there are several) and
Deny's optional reason."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.blocks.blocks import InputBlock
from slack_sdk.models.views import View

CANCEL_FORM = "cancel_form"
DENY_FORM = "deny_form"
ANY_TARGET = "any"  # the form's "find each job's target" choice


def target_picker(targets: Sequence[tuple[str, str]]) -> list[Block]:
    """With more than one target, the form asks which (default: find each job's)."""
    if len(targets) < 2:
        return []
    anywhere = Option(value=ANY_TARGET, text="Find each job's target")
    options = [anywhere, *(Option(value=name, text=label[:75]) for name, label in targets)]
    return [InputBlock(block_id="target", label="Target", element=StaticSelectElement(action_id="value", options=options, initial_option=anywhere))]


def cancel_form(channel_id: str, targets: Sequence[tuple[str, str]] = ()) -> View:
    return View(
        type="modal",
        callback_id=CANCEL_FORM,
        private_metadata=channel_id,
        title="Cancel moderation",
        submit="Continue",
        close="Close",
        blocks=[
            InputBlock(
                block_id="job_ids",
                label="Job IDs",
                element=PlainTextInputElement(
                    action_id="value", multiline=True, placeholder="av0123… one per line, or separated by spaces or commas"
                ),
            ),
            InputBlock(block_id="reason", label="Reason", element=PlainTextInputElement(action_id="value", multiline=True, max_length=500)),
            *target_picker(targets),
        ],
    )


def deny_form(request_id: str, caller) -> View:
    ts = caller.message[1] if caller.message else ""
    return View(
        type="modal",
        callback_id=DENY_FORM,
        private_metadata=f"{request_id}|{caller.channel_id}|{ts}",
        title="Deny request",
        submit="Deny",
        close="Back",
        blocks=[
            InputBlock(
                block_id="note",
                label="Why? (optional, the requester sees it)",
                optional=True,
                element=PlainTextInputElement(action_id="value", multiline=True, max_length=500),
            )
        ],
    )
