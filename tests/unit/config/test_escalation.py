"""ESCALATE_AFTER_SECONDS and the next level: off by default; on, it must come before the
expiry and name someone, or the start stops with one clear message."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from bot.config_load import load_settings
from tests.unit.config.test_targets import SINGLE


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_settings(env)
    return err.value.problems


def test_off_by_default():
    settings = load_settings(SINGLE)
    assert settings.escalate_after_seconds == 0 and not settings.escalation_users and not settings.escalation_usergroups


def test_the_next_level_is_read():
    env = dict(SINGLE, ESCALATE_AFTER_SECONDS="600", ESCALATION_USERGROUPS="S0NEXT, S0MORE", ESCALATION_USERS="U0BOSS")
    settings = load_settings(env)
    assert settings.escalate_after_seconds == 600
    assert settings.escalation_usergroups == {"S0NEXT", "S0MORE"} and settings.escalation_users == {"U0BOSS"}


def test_escalation_without_a_next_level_stops_the_start():
    [problem] = problems(dict(SINGLE, ESCALATE_AFTER_SECONDS="600"))
    assert "ESCALATION_USERGROUPS or ESCALATION_USERS" in problem and "ESCALATE_AFTER_SECONDS=600" in problem


def test_escalation_must_come_before_the_expiry():
    [problem] = problems(dict(SINGLE, ESCALATE_AFTER_SECONDS="1800", ESCALATION_USERS="U0BOSS"))
    assert "ESCALATE_AFTER_SECONDS=1800 must be less than APPROVAL_TTL_SECONDS=1800" in problem


def test_malformed_next_level_ids_are_named():
    found = problems(dict(SINGLE, ESCALATE_AFTER_SECONDS="60", ESCALATION_USERGROUPS="oncall-leads"))
    assert any("ESCALATION_USERGROUPS" in p for p in found)


def test_a_next_level_without_escalation_is_harmless():
    assert load_settings(dict(SINGLE, ESCALATION_USERS="U0BOSS")).escalate_after_seconds == 0
