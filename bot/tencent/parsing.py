"""Parse CI API XML bodies. Responses are untrusted: defusedxml only, no DTDs at all."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from bot.tencent.results import CancelResult, JobStatus


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
    )


def parse_error(body: bytes) -> dict[str, str]:
    """Fields of an <Error> body; empty dict when the body is not one."""
    try:
        root = parse(body)
    except UnreadableXml:
        return {}
    if root.tag != "Error":
        return {}
    return {k: _text(root, k) for k in ("Code", "Message", "Resource", "RequestId", "TraceId")}
