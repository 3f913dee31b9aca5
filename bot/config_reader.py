"""Reading raw settings: each value checked, each problem recorded (by section) instead of raised,
so an operator fixes them all in one go."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import urlsplit

from bot.config import Secret

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
USERGROUP_ID = re.compile(r"^S[A-Z0-9]{2,20}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")

#: The example values of `.env.example`: copied unchanged they look valid, but are nobody's.
PLACEHOLDERS = frozenset({"xoxb-your-bot-token", "U0123ONCALL", "C0123APPROVALS", "C0123AUDIT", "AKID...", "your-bucket-1250000000"})

#: What each kind of Slack ID looks like, and where an operator copies one from.
ID_HELP = {
    "user ID": "a user ID (like U0123ABCD: in Slack open the person's profile, click ⋮ (More) and choose Copy member ID)",
    "user-group ID": "a user-group ID (like S0123ABCD: the last part of the group's URL in Slack, under People → User groups)",
    "channel ID": "a channel ID (like C0123ABCD: in Slack open the channel, click its name at the top, "
    "and copy the Channel ID at the bottom of the About tab)",
}

#: Where each Slack token is found, and its prefix, so a token in the wrong variable is named.
TOKENS = {
    "SLACK_BOT_TOKEN": ("xoxb-", "the Bot User OAuth Token (xoxb-…) under OAuth & Permissions"),
    "SLACK_APP_TOKEN": ("xapp-", "an app-level token (xapp-…) with connections:write under Basic Information → App-Level Tokens"),
}
OTHER_TOKEN_KINDS = {"xoxp-": "a user token (xoxp-…)", "xoxe-": "a refresh token (xoxe-…)"}


class Reader:
    """Reads raw strings from a mapping, recording problems (by section) instead of raising."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.section = "runtime"
        self.found: list[tuple[str, str]] = []  # (section, problem)
        self.missing = False

    def problem(self, text: str) -> None:
        self.found.append((self.section, text))

    def problems_for(self, need: Iterable[str]) -> list[str]:
        wanted = {*need, "runtime"}
        return [text for section, text in self.found if section in wanted]

    def text(self, name: str, default: str = "", required: bool = False, help: str = "") -> str:
        value = self.env.get(name, "").strip()
        if not value:
            if required:
                self.missing = True
                self.problem(f"{name} is required" + (f": {help}" if help else ""))
            return default
        if value in PLACEHOLDERS or "your-" in value or value.endswith("..."):
            shown = f"={value!r}" if value in PLACEHOLDERS else ""  # known examples only: never echo a secret
            self.problem(f"{name}{shown} is the placeholder from .env.example" + (f"; replace it with {help}" if help else ""))
            return default
        return value

    def token(self, name: str, required: bool = False) -> Secret:
        """A Slack token; one of another kind names the variable it belongs in. Never echoes the value."""
        prefix, where = TOKENS[name]
        value = self.text(name, required=required, help=where)
        if not value or value.startswith(prefix):
            return Secret(value)
        other = next((n for n, (p, _) in TOKENS.items() if value.startswith(p)), None)
        if other:
            kind = TOKENS[other][0]
            self.problem(f"{name} holds a {kind}… token, which belongs in {other}; {name} is {where}")
        else:
            kind = next((k for p, k in OTHER_TOKEN_KINDS.items() if value.startswith(p)), "a value")
            self.problem(f"{name} holds {kind} that does not start with {prefix!r}: {name} is {where}")
        return Secret("")

    def secret(self, name: str, required: bool = False, help: str = "") -> Secret:
        return Secret(self.text(name, required=required, help=help))

    def pattern(self, name: str, regex: re.Pattern[str], what: str, required: bool = False) -> str:
        help = ID_HELP.get(what, f"a {what}")
        value = self.text(name, required=required, help=help)
        if value and not regex.match(value):
            self.problem(f"{name}={value!r} {_not_a(value, what)}: use {help}")
            return ""
        return value

    def id_set(self, name: str, regex: re.Pattern[str], what: str) -> frozenset[str]:
        items = [p for p in re.split(r"[\s,]+", self.env.get(name, "").strip()) if p]
        placeholders = [p for p in items if p in PLACEHOLDERS]
        if placeholders:
            self.problem(f"{name}: {', '.join(placeholders)} is the placeholder from .env.example; replace it with {ID_HELP[what]}")
        bad = [p for p in items if not regex.match(p) and p not in PLACEHOLDERS]
        if bad:
            self.problem(f"{name} has values that are not {what}s: {', '.join(bad)}; use {ID_HELP[what]}")
        return frozenset(p for p in items if regex.match(p) and p not in PLACEHOLDERS)

    def number(self, name: str, default: float, cast: Callable[[str], float], low: float, high: float, unit: str) -> float:
        """A number within [low, high]; every error states the range and the unit."""
        raw = self.env.get(name, "").strip()
        if not raw:
            return default
        allowed = f"use {low:g} to {high:g} ({unit}); default {default:g}"
        try:
            value = cast(raw)
        except ValueError:
            kind = "a whole number" if cast is int else "a number"
            self.problem(f"{name}={raw!r} is not {kind}: {allowed}")
            return default
        if not low <= value <= high:
            self.problem(f"{name}={raw!r} is out of range: {allowed}")
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        if raw in {"1", "true", "yes", "on"}:
            return True
        if raw in {"0", "false", "no", "off"}:
            return False
        self.problem(f"{name}={raw!r} must be true or false")
        return default

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        raw = self.env.get(name, "").strip().lower()
        if not raw:
            return default
        allowed = sorted(choices)
        if raw not in allowed:
            self.problem(f"{name}={raw!r} must be one of {', '.join(allowed)}")
            return default
        return raw

    def url(self, name: str, default: str) -> str:
        value = self.text(name, default)
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            self.problem(f"{name}={value!r} must be an http(s) URL")
        return value


def _not_a(value: str, what: str) -> str:
    if what == "channel ID" and (value.startswith("#") or value != value.upper()):
        return "is a channel name, not a channel ID"
    return f"is not a {what}"
