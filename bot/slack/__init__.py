"""Slack layer: Bolt listeners and Block Kit. Translates Slack payloads into workflow calls."""
