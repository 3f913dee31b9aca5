"""The checked cancel's readings: which answer decides that a job has ended (found in review)."""

from __future__ import annotations

from bot.domain.checked import newest_evidence, shows_ended
from bot.domain.evidence import EvidenceCache

JOB = "av" + "3" * 32


def _answer(state: str, read_at: float) -> dict:
    return {"job_id": JOB, "ok": True, "request_id": "req", "state": state, "read_at": read_at}


def test_an_answer_showing_the_job_ended_is_never_hidden_by_one_stamped_later_showing_it_running():
    """Process A posted the card (read `Auditing`, stamped 100.0 by A's clock); the job ended;
    process B's Refresh read `Success` and stored it, stamped 95.0 by B's clock, 10 s behind.
    The card shows ended. An ended job never runs again (outcomes.already_ended), so whatever
    the stamps, the checked cancel must see it ended; it keeps the 'newest' stamp instead and
    Approve sends the cancel. The product lets no host's clock decide anything else."""
    stored = [_answer("Auditing", 100.0), _answer("Success", 95.0)]  # the card's post, then the Refresh
    known = newest_evidence(EvidenceCache(), stored, [JOB])
    assert shows_ended(known[JOB])
