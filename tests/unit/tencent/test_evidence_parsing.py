"""The query answer parsed into typed evidence: the documented body, missing fields, hostile
values; a snapshot's or audio section's Url is never kept."""

from __future__ import annotations

import dataclasses

import pytest

from bot.tencent.parsing import parse_status
from bot.tencent.results import AUDIO, SNAPSHOT, Flag
from tests.fakes.ci_server import AudioSection, CIStandIn, Job, Snapshot

JOB = "av" + "1" * 32
FRAME_URL = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/snap/frame-9.jpg?q-signature=secret"
AUDIO_URL = "https://examplebucket-1250000000.cos.ap-beijing.myqcloud.com/audio/part-9.mp3?q-signature=secret2"

# The documented answer, written out (tencentcloud.com/document/product/1045/49342, its Type typo fixed).
DOCUMENTED = f"""<Response>
  <JobsDetail>
    <Code>Success</Code><Message>Success</Message><DataId>room-42</DataId><JobId>{JOB}</JobId>
    <State>Auditing</State><CreationTime>2026-11-24T10:00:00+0800</CreationTime><Type>live_video</Type>
    <Url>rtmp://live.example.com/app/stream</Url>
    <SnapshotCount>3</SnapshotCount><Result>1</Result><Label>Porn</Label>
    <PornInfo><HitFlag>1</HitFlag><Count>2</Count></PornInfo>
    <AdsInfo><HitFlag>0</HitFlag><Count>0</Count></AdsInfo>
    <UserInfo><TokenId/><Nickname/></UserInfo>
    <Snapshot>
      <Url>{FRAME_URL.replace("&", "&amp;")}</Url><SnapshotTime>1795000000000</SnapshotTime><Text></Text>
      <Label>Porn</Label><Result>1</Result>
      <PornInfo><HitFlag>1</HitFlag><Score>91</Score><Label>Porn</Label><Category>Sexy</Category><SubLabel/></PornInfo>
      <AdsInfo><HitFlag>0</HitFlag><Score>12</Score><Label/><Category/><SubLabel/></AdsInfo>
    </Snapshot>
    <Snapshot>
      <Url>https://x/frame-2.jpg</Url><SnapshotTime>1795000005000</SnapshotTime><Text/>
      <Label>Normal</Label><Result>0</Result>
      <PornInfo><HitFlag>0</HitFlag><Score>3</Score><Label/><Category/><SubLabel/></PornInfo>
    </Snapshot>
    <AudioSection>
      <Url>{AUDIO_URL}</Url><Text>buy now</Text><OffsetTime>1795000009000</OffsetTime><Duration>15000</Duration>
      <Label>Ads</Label><Result>2</Result>
      <AdsInfo><HitFlag>2</HitFlag><Score>77</Score><Category>Ad</Category><Keywords>buy</Keywords></AdsInfo>
    </AudioSection>
  </JobsDetail>
  <RequestId>req-1</RequestId>
</Response>""".encode()


def test_the_documented_answer_gives_every_field():
    status = parse_status(DOCUMENTED)
    assert (status.state, status.data_id, status.stream_url) == ("Auditing", "room-42", "rtmp://live.example.com/app/stream")
    assert (status.result, status.label, status.creation_time) == (1, "Porn", "2026-11-24T10:00:00+0800")
    assert status.flags == (
        Flag(SNAPSHOT, "Porn", 1, 91, 1795000000000),
        Flag(SNAPSHOT, "Normal", 0, 3, 1795000005000),
        Flag(AUDIO, "Ads", 2, 77, 1795000009000),
    )
    assert [f.flagged for f in status.flags] == [True, False, True]


def test_the_stand_in_answers_the_documented_shape():
    job = Job(
        JOB,
        data_id="room-42",
        result=2,
        label="Ads",
        snapshots=[Snapshot(1795000000000, scores={"PornInfo": 55, "AdsInfo": 64}, url=FRAME_URL)],
        audio_sections=[AudioSection(1795000001000, url=AUDIO_URL)],
    )
    status = parse_status(CIStandIn.query_body(job))
    assert status.result == 2 and status.label == "Ads"
    assert status.flags == (Flag(SNAPSHOT, "Porn", 1, 64, 1795000000000), Flag(AUDIO, "Ads", 1, 80, 1795000001000))


def test_no_snapshot_or_audio_url_is_kept():
    status = parse_status(DOCUMENTED)
    kept = repr(status) + repr(dataclasses.asdict(status))
    assert "frame-9" not in kept and "part-9" not in kept and "q-signature" not in kept and "frame-2" not in kept
    assert {f.name for f in dataclasses.fields(Flag)} == {"kind", "label", "result", "score", "at_ms"}


def test_an_answer_without_evidence_reads_as_before():
    body = f"<Response><JobsDetail><JobId>{JOB}</JobId><State>Success</State></JobsDetail></Response>".encode()
    status = parse_status(body)
    assert (status.state, status.result, status.label, status.flags, status.stream_url) == ("Success", None, "", (), "")


def test_missing_fields_of_a_flag_stay_unknown():
    body = f"<Response><JobsDetail><JobId>{JOB}</JobId><Snapshot/><AudioSection><Result>1</Result></AudioSection></JobsDetail></Response>"
    status = parse_status(body.encode())
    assert status.flags == (Flag(SNAPSHOT, "", None, None, None), Flag(AUDIO, "", 1, None, None))


@pytest.mark.parametrize(
    ("result", "score", "at", "expected"),
    [
        ("1", "95", "1795000000000", (1, 95, 1795000000000)),
        ("3", "101", "0", (None, None, None)),  # out of range
        ("-1", "-5", "-1795000000000", (None, None, None)),  # signs
        ("one", "9e1", "1.7e12", (None, None, None)),  # not plain integers
        (" 2 ", " 50 ", " 1795000000000 ", (2, 50, 1795000000000)),  # whitespace around is trimmed
        ("١", "٩٠", "99999999999999999999999", (None, None, None)),  # non-ASCII digits; past year 9999
    ],
)
def test_hostile_numbers_are_not_believed(result, score, at, expected):
    body = (
        f"<Response><JobsDetail><JobId>{JOB}</JobId><Result>{result}</Result><Snapshot><Result>{result}</Result>"
        f"<SnapshotTime>{at}</SnapshotTime><PornInfo><Score>{score}</Score></PornInfo></Snapshot></JobsDetail></Response>"
    )
    status = parse_status(body.encode())
    flag = status.flags[0]
    assert (flag.result, flag.score, flag.at_ms) == expected
    assert status.result == expected[0]


def test_hostile_labels_are_printable_and_short():
    label = "Porn\u200b\u202e\x85<!channel>" + "x" * 100
    flag = "<Snapshot><Label>\x09Ads\x0a</Label></Snapshot>"
    body = f"<Response><JobsDetail><JobId>{JOB}</JobId><Label>{label.replace('<', '&lt;')}</Label>{flag}</JobsDetail></Response>"
    status = parse_status(body.encode())
    assert status.label.isprintable() and len(status.label) <= 32 and status.label.startswith("Porn<!channel>")
    assert status.flags[0].label == "Ads"


def test_scenes_without_a_score_are_ignored_and_the_highest_is_kept():
    body = (
        f"<Response><JobsDetail><JobId>{JOB}</JobId><Snapshot><Result>1</Result><PornInfo><HitFlag>1</HitFlag></PornInfo>"
        "<AdsInfo><Score>40</Score></AdsInfo><TerrorismInfo><Score>72</Score></TerrorismInfo><AbuseInfo><Score>x</Score></AbuseInfo>"
        "</Snapshot></JobsDetail></Response>"
    )
    assert parse_status(body.encode()).flags[0].score == 72
