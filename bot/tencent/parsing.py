"""Parse CI API XML bodies. Responses are untrusted: defusedxml only, no DTDs at all."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.tencent.results import AUDIO, SNAPSHOT, CancelResult, Flag, JobStatus

LABEL_CHARS = 32  # a label is a word (Porn, Ads); anything longer is cut
LATEST_MS = 253402300799999  # 9999-12-31: a later "ms since the epoch" is not a time


class UnreadableXml(ValueError):
    """The body is not well-formed, safe XML of the expected shape."""


def parse(body: bytes) -> Element:
    try:
        # forbid_dtd: a CI body never needs one, and refusing it stops entity tricks early.
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise UnreadableXml(f"{type(exc).__name__}: {exc}") from None


def _text(node: Element | None, name: str) -> str:
    if node is None:
        return ""
    child = node.find(name)
    return (child.text or "").strip() if child is not None else ""


def _jobs_detail(body: bytes) -> tuple[Element, Element]:
    root = parse(body)
    if root.tag != "Response":
        raise UnreadableXml(f"expected <Response>, got <{root.tag[:40]}>")
    detail = root.find("JobsDetail")
    if detail is None:
        raise UnreadableXml("no <JobsDetail> in response")
    return root, detail


def parse_cancel(body: bytes) -> CancelResult:
    root, detail = _jobs_detail(body)
    return CancelResult(
        job_id=_text(detail, "JobId"),
        data_id=_text(detail, "DataId"),
        creation_time=_text(detail, "CreationTime"),
        state=_text(detail, "State"),
        request_id=_text(root, "RequestId"),
    )


def parse_status(body: bytes) -> JobStatus:
    root, detail = _jobs_detail(body)
    # Live jobs carry the stream address as JobsDetail/Url (older answers: Object or Input/Url).
    stream = _text(detail, "Url") or _text(detail.find("Input"), "Url") or _text(detail, "Object")
    return JobStatus(
        job_id=_text(detail, "JobId"),
        state=_text(detail, "State"),
        data_id=_text(detail, "DataId"),
        creation_time=_text(detail, "CreationTime"),
        stream_url=stream,
        code=_text(detail, "Code"),
        message=_text(detail, "Message"),
        request_id=_text(root, "RequestId"),
        result=_verdict(_text(detail, "Result")),
        label=_label(_text(detail, "Label")),
        flags=tuple(_flags(detail)),
    )


def _flags(detail: Element) -> list[Flag]:
    """Each Snapshot and AudioSection as a Flag, in the answer's order. Their Url (a signed link
    to the frame or the audio) is not read at all: it must never reach a card."""
    found: list[Flag] = []
    for node in detail:
        if node.tag == "Snapshot":
            found.append(_flag(node, SNAPSHOT, "SnapshotTime"))
        elif node.tag == "AudioSection":
            found.append(_flag(node, AUDIO, "OffsetTime"))
    return found


def _flag(node: Element, kind: str, time_field: str) -> Flag:
    # Per scene (PornInfo, AdsInfo, …) a Score; the flag's is the highest readable one.
    scores = [s for s in (_score(_text(scene, "Score")) for scene in node if scene.find("Score") is not None) if s is not None]
    return Flag(
        kind=kind,
        label=_label(_text(node, "Label")),
        result=_verdict(_text(node, "Result")),
        score=max(scores) if scores else None,
        at_ms=_epoch_ms(_text(node, time_field)),
    )


def _integer(text: str) -> int | None:
    """A plain decimal integer (what the API sends), else None: no signs, spaces inside, exponents."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else None


def _verdict(text: str) -> int | None:
    value = _integer(text)
    return value if value in (0, 1, 2) else None


def _score(text: str) -> int | None:
    value = _integer(text)
    return value if value is not None and value <= 100 else None


def _epoch_ms(text: str) -> int | None:
    value = _integer(text)
    return value if value and value <= LATEST_MS else None


def _label(text: str) -> str:
    """Untrusted text shown on a card: printable characters only, cut to LABEL_CHARS."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:LABEL_CHARS]


def parse_error(body: bytes) -> dict[str, str]:
    """Fields of an <Error> body; empty dict when the body is not one."""
    try:
        root = parse(body)
    except UnreadableXml:
        return {}
    if root.tag != "Error":
        return {}
    return {k: _text(root, k) for k in ("Code", "Message", "Resource", "RequestId", "TraceId")}
