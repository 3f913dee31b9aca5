"""Slack app that stops Tencent Cloud Infinite live-stream moderation jobs, safely."""

__version__ = "0.1.0"
