"""How evidence is written on cards: untrusted words escaped and bounded, the stream a code span
(never a link), many jobs within Block Kit's limits, an ended job shown as ended."""

from __future__ import annotations

import json

from bot.domain import outcomes as oc
from bot.domain.lookups import HomeData
from bot.domain.states import RequestKind, State
from bot.slack import blocks as bk
from bot.slack import home_blocks
from bot.slack.job_lines import job_state, status_line
from bot.slack.request_blocks import approval_message
from bot.slack.status_blocks import status_refresh
from bot.store import Request
from bot.tencent.results import SNAPSHOT, Flag, JobStatus
from tests.slack.blockkit import assert_valid_blocks


def job(n: int) -> str:
    return "av" + f"{n:032x}"


def answer(n: int, state: str = "Auditing", labels: tuple[str, ...] = ("Porn", "Ads"), stream: str = "rtmp://live/x", data_id: str = "room"):
    flags = tuple(Flag(SNAPSHOT, label, 1, 80 + i % 20, 1_795_000_000_000 + i) for i, label in enumerate(labels))
    status = JobStatus(job(n), state, data_id, "2026-11-24T10:00:00+0800", stream, "req", flags=flags)
    return oc.status_dict(job(n), status, read_at=1_795_000_100.0)


def request(jobs: int, state: State = State.PENDING) -> Request:
    ids = tuple(job(n) for n in range(jobs))
    return Request("r" * 32, RequestKind.APPROVAL, state, "U0MOD", "C0MODS", "spam", ids, 1_795_000_000.0, 1_795_003_600.0)


def test_hostile_words_are_escaped_and_bounded():
    line = status_line(answer(1, labels=("<!channel>", *(f"L{i}" for i in range(20))), stream="rtmp://x/`<@U1>`\n*bold*", data_id="<!here>"))
    assert "<!channel>" not in line and "<!here>" not in line and "<@U1>" not in line
    assert "&lt;!channel&gt; 1" in line and "more label(s)" in line
    assert "stream `rtmp://x/'&lt;@U1&gt;' *bold*`" in line  # one code span: no backtick or line break ends it early


def test_the_stream_is_never_a_link_and_long_ones_are_cut():
    line = status_line(answer(1, stream="rtmp://live.example.com/" + "a" * 5000))
    assert "<rtmp" not in line and len(line) < 1000


def test_running_and_ended_are_told_apart():
    assert "*Auditing* (running)" in status_line(answer(1))
    assert "*ended* (State Success)" in status_line(answer(1, state="Success"))
    assert "state *?*" in job_state({"state": ""})


def test_a_card_for_a_hundred_jobs_stays_within_the_limits():
    statuses = [answer(n, labels=tuple(f"Label{i}" for i in range(10)), stream="rtmp://live/" + "s" * 300) for n in range(100)]
    _, blocks = approval_message(request(100), statuses)
    raw = bk.as_dicts(blocks)
    assert_valid_blocks(raw)
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in raw)
    assert "refresh_evidence" in json.dumps(raw) and "Evidence read" in json.dumps(raw)


def test_a_home_tab_of_many_requests_with_evidence_stays_within_the_limits():
    requests = [request(100) for _ in range(60)]
    statuses = [answer(n, stream="rtmp://live/" + "s" * 300) for n in range(100)]
    view = home_blocks.home_view(HomeData(approver=True, pending=requests, mine=[], recent=[], evidence={requests[0].id: statuses}))
    raw = view.to_dict()["blocks"]
    assert_valid_blocks(raw, "home")
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in raw)


def test_a_status_answer_holds_its_refresh_command_when_it_fits():
    [button] = status_refresh([answer(1), answer(2)])[0].elements
    assert button.value == f"status {job(1)} {job(2)}"
    assert status_refresh([answer(n) for n in range(100)]) == []  # 100 IDs do not fit in a button
