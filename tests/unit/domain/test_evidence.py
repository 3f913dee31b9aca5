"""The evidence summary: running or ended, flags (Result 1 or 2) counted by label, the highest
score, the last flag's time, when it was read; and the one-line text."""

from __future__ import annotations

import json

import pytest

from bot.domain import outcomes as oc
from bot.domain.evidence import counts_line, evidence_of, is_running
from bot.tencent.results import AUDIO, SNAPSHOT, CIServiceError, Flag, JobStatus

JOB = "av" + "2" * 32


def status(*flags: Flag, state: str = "Auditing") -> JobStatus:
    return JobStatus(JOB, state, "room-1", "2026-11-24T10:00:00+0800", "rtmp://live/x", "req-1", result=1, label="Porn", flags=flags)


@pytest.mark.parametrize(
    ("state", "running"),
    [
        ("Submitted", True),
        ("Auditing", True),
        ("auditing", True),
        ("Success", False),
        ("Failed", False),
        ("Cancelled", False),
        ("", False),
        ("Paused", False),
    ],
)
def test_only_submitted_and_auditing_are_running(state, running):
    assert is_running(state) is running


def test_flags_are_counted_by_label_most_first():
    found = evidence_of(
        status(
            Flag(SNAPSHOT, "Porn", 1, 90, 1000),
            Flag(SNAPSHOT, "Porn", 2, 60, 3000),
            Flag(SNAPSHOT, "Normal", 0, 99, 9000),  # not a flag: Result 0
            Flag(AUDIO, "Ads", 1, 70, 2000),
            Flag(SNAPSHOT, "Porn", None, 100, 8000),  # an unreadable Result is not counted
            Flag(SNAPSHOT, "Porn", 1, None, None),
        ),
        read_at=1234.5,
    )
    assert found.counts == {"Porn": 3, "Ads": 1} and found.line == "Porn 3 · Ads 1"
    assert (found.snapshots, found.audio) == (3, 1)
    assert (found.highest_score, found.last_flag_ms, found.read_at, found.running) == (90, 3000, 1234.5, True)


def test_nothing_flagged():
    found = evidence_of(status(Flag(SNAPSHOT, "Normal", 0, 10, 5), state="Success"), read_at=1.0)
    assert found.counts == {} and found.line == "nothing flagged"
    assert (found.highest_score, found.last_flag_ms, found.running) == (None, None, False)


def test_the_line_does_not_depend_on_key_order():
    assert counts_line({"Ads": 1, "Porn": 3, "Abuse": 1}) == counts_line({"Porn": 3, "Abuse": 1, "Ads": 1}) == "Porn 3 · Abuse 1 · Ads 1"
    assert counts_line({"Ads": 0}) == "nothing flagged"


def test_a_flag_without_a_label_is_still_counted():
    assert evidence_of(status(Flag(AUDIO, "", 2, None, None)), 0.0).line == "Unlabelled 1"


def test_a_status_answer_carries_the_evidence_as_plain_json():
    answer = oc.status_dict(JOB, status(Flag(SNAPSHOT, "Porn", 1, 90, 1000), Flag(AUDIO, "Ads", 2, 70, 2000)), read_at=50.0)
    assert json.loads(json.dumps(answer)) == answer
    assert answer["flags"] == {"Porn": 1, "Ads": 1} and answer["running"] is True
    assert (answer["top_score"], answer["last_flag_ms"], answer["read_at"]) == (90, 2000, 50.0)
    assert (answer["flagged_snapshots"], answer["flagged_audio"], answer["result"], answer["label"]) == (1, 1, 1, "Porn")


def test_an_answer_with_nothing_flagged_has_no_score_nor_time():
    answer = oc.status_dict(JOB, status(), read_at=50.0)
    assert answer["flags"] == {} and "top_score" not in answer and "last_flag_ms" not in answer


def test_an_error_answer_has_no_evidence():
    answer = oc.status_dict(JOB, CIServiceError("InvalidArgument", "no such job", status=400))
    assert "flags" not in answer and "running" not in answer
