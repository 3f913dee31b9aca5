"""The job-ID grammar: the only strings ever put into a CI URL path.

Documented shapes: `va` + 32 lowercase hex (the API reference's sample) and `av` + 32
lowercase hex (live moderation jobs). ASCII-only by construction: no slash, dot, percent,
query, fragment, whitespace or look-alike character can pass.
"""

from __future__ import annotations

import re

JOB_ID = re.compile(r"(?:av|va)[0-9a-f]{32}")
MAX_LENGTH = 34


class InvalidJobId(ValueError):
    """A string that is not a job ID; nothing was sent."""

    def __init__(self, value: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        super().__init__(f"{shown!r} is not a job ID (expected av or va followed by 32 hex digits)")
        self.value = value


def is_job_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == MAX_LENGTH and JOB_ID.fullmatch(value) is not None


def checked(value: str) -> str:
    """Return `value` if it is a job ID, else raise InvalidJobId."""
    if not is_job_id(value):
        raise InvalidJobId(str(value))
    return value
