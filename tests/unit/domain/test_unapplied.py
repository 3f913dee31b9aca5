"""Review of Retry failed's `sends` (outcomes.unapplied): which failed jobs a retry may send as
never sent (found in review)."""

from __future__ import annotations

from bot.domain import outcomes as oc
from bot.tencent.results import CINotLocated


def test_a_job_placement_stopped_before_its_send_keeps_its_sends():
    """Placement stops a job before its send in this run (its target was removed or means another
    bucket since the request; the clicker is not its target's on-call): nothing was sent, as with
    Ctrl-C (NotSent), so an earlier run may have sent it, with its answer lost. `unapplied` counts
    it as refused by Tencent, so Retry failed resets its sends: the next round sends it as never
    sent, and Tencent's InvalidArgument for a job our earlier cancel ended is then reported as a
    plain failure instead of being confirmed with the query API."""
    moved = oc.failed("av1", CINotLocated("TargetChanged", "target `bj` means another bucket now; nothing was sent", job_id="av1"))
    not_on_call = oc.failed("av2", CINotLocated("NotOnCall", "only the bj on-call can act on this job", job_id="av2"))
    stopped = oc.not_sent("av3", "stopped (Ctrl-C) before it was sent")
    assert oc.unapplied([moved, not_on_call, stopped]) == []


def test_a_placement_stop_after_an_earlier_send_is_unknown_not_failed():
    """Nothing was sent this round, but an earlier round's cancel may have landed."""
    moved = oc.failed("av1", CINotLocated("TargetChanged", "target `sg` means another bucket now; nothing was sent", job_id="av1"))
    outcome = oc.maybe_sent_before(moved)
    assert oc.result_of(outcome) is oc.UNKNOWN and outcome["code"] == "TargetChanged"
    assert outcome["message"].endswith("an earlier send may have cancelled it") and oc.unapplied([outcome]) == []
