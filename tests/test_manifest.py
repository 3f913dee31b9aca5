"""manifest.yml is valid for Slack and declares exactly what the code uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Slack's own manifest schema (MIT, licence beside it), kept in the repository so a bare clone tests itself.
SCHEMA = ROOT / "tests" / "data" / "manifest.schema.1.0.0.json"

# Web API methods the bot calls, and the bot scope each needs.
SCOPES_BY_METHOD = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "usergroups_users_list": "usergroups:read",
    "conversations_info": {"channels:read", "groups:read"},
    # Before posting again after a lost answer, the bot looks for its earlier post (by its message
    # metadata) in the audit or approval channel: channels:history for a public channel,
    # groups:history for a private one; and for an escalation's direct message in the DM with the
    # member: im:write to open it (conversations.open), im:history to read it. No group DMs.
    "conversations_history": {"channels:history", "groups:history", "im:history"},
    "conversations_open": "im:write",
    "conversations_replies": {"channels:history", "groups:history"},  # the same, for an entry's thread replies
    "chat_getPermalink": None,  # the audit entry's link to the approval message; needs no scope
    "views_open": None,  # needs a trigger_id, not a scope
    "views_publish": None,  # the Home tab: needs no scope, only the app_home_opened event (checked below)
    "auth_test": None,
}


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema():
    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text()))


def test_command_interactivity_and_scopes_match_the_code():
    m = manifest()
    [command] = m["features"]["slash_commands"]
    assert command["command"] == "/cancel-moderation"
    assert m["settings"]["interactivity"]["is_enabled"] is True
    source = "\n".join(p.read_text() for p in (ROOT / "bot").rglob("*.py"))
    called = set(re.findall(r"\.(chat_\w+|usergroups_\w+|views_\w+|conversations_\w+|auth_test)\(", source))
    assert called <= set(SCOPES_BY_METHOD), called - set(SCOPES_BY_METHOD)
    needed = {"commands"}
    for method in called:
        scope = SCOPES_BY_METHOD[method]
        needed |= scope if isinstance(scope, set) else ({scope} if scope else set())
    assert set(m["oauth_config"]["scopes"]["bot"]) == needed
    assert f'"{command["command"]}"' in (ROOT / "bot/slack/commands/cancel_moderation.py").read_text()


def test_the_readme_sections_the_manifest_points_to_exist():
    readme_headings = {line.lstrip("#").strip() for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("#")}
    pointers = re.findall(r'README, "([^"]+)"', (ROOT / "manifest.yml").read_text())
    assert pointers, "the manifest should point operators to the README"
    assert set(pointers) <= readme_headings, set(pointers) - readme_headings


def test_home_tab_and_its_event_are_enabled():
    m = manifest()
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in m["settings"]["event_subscriptions"]["bot_events"]
    assert '"app_home_opened"' in (ROOT / "bot/slack/events/app_home.py").read_text()
