"""Three CI stand-ins as three targets: two buckets of one APPID (bj, sg) sharing the test keys,
and a partner account (another APPID) with its own keys."""

from __future__ import annotations

from tests.conftest import PARTNER_ID, PARTNER_KEY

CI_TARGETS = "bj=live-1250000000@ap-beijing,sg=archive-1250000000@ap-singapore,partner=clips-1300000000@ap-beijing"


def targets_env(bj, sg, partner, **overrides: str) -> dict[str, str]:
    """The settings that replace CI_BUCKET/CI_REGION/CI_ENDPOINT (given as "" to bot_env, which drops them)."""
    env = {
        "CI_BUCKET": "",
        "CI_REGION": "",
        "CI_ENDPOINT": "",
        "CI_TARGETS": CI_TARGETS,
        "CI_TARGET_BJ_ENDPOINT": bj.url,
        "CI_TARGET_SG_ENDPOINT": sg.url,
        "CI_TARGET_PARTNER_ENDPOINT": partner.url,
        "CI_TARGET_PARTNER_SECRET_ID": PARTNER_ID,
        "CI_TARGET_PARTNER_SECRET_KEY": PARTNER_KEY,
    }
    return {**env, **overrides}
