"""slack_call: which failures retry, which are final (logged once, swallowed), what passes through."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from bot.slack.calls import slack_call
from bot.work import RetryLater
from bot.work.outbox import LeaseLost
from tests.unit.slack.fake_web import FakeSlack, FakeTransportClient


def post(client: FakeTransportClient, **fields) -> object:
    with slack_call("chat.postMessage", **fields) as call:
        client.chat_postMessage(channel="C1", text="hi")
    return call


def test_an_accepted_call_is_not_failed_and_logs_nothing(client, slack, caplog):
    call = post(client, failed="slack.dm_failed", user="U1")
    assert not call.failed and call.error is None
    assert slack.sent("chat.postMessage") == [{"channel": "C1", "text": "hi"}]
    assert not [r for r in caplog.records if r.getMessage() == "slack.dm_failed"]


def test_a_rate_limit_waits_as_long_as_slack_asks(client, slack):
    slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(RetryLater) as later:
        post(client, failed="slack.dm_failed")
    assert later.value.seconds == 7.0 and later.value.refused  # a 429 certainly did nothing


def test_a_server_error_retries_in_doubt(client, slack):
    slack.server_error("chat.postMessage", status=503)
    with pytest.raises(RetryLater) as later:
        post(client, failed="slack.dm_failed")
    assert later.value.seconds == 5.0 and not later.value.refused  # a 5xx may have landed


@pytest.mark.parametrize("error", ["service_unavailable", "ratelimited", "internal_error", "request_timeout", "fatal_error"])
def test_a_transient_error_in_an_ok_answer_retries(client, slack, error):
    slack.refuse("chat.postMessage", error)
    with pytest.raises(RetryLater) as later:
        post(client)
    assert str(later.value) == error and later.value.refused


def test_a_final_refusal_is_logged_once_with_its_fields_and_swallowed(client, slack, caplog):
    slack.refuse("chat.postMessage", "not_in_channel")
    with caplog.at_level(logging.WARNING):
        call = post(client, failed="slack.post_failed", channel="C1")
    assert call.failed and call.error == "not_in_channel"
    [record] = [r for r in caplog.records if r.getMessage() == "slack.post_failed"]
    assert record.levelno == logging.WARNING and record.fields == {"channel": "C1", "error": "not_in_channel"}


def test_a_final_refusal_without_an_event_name_logs_nothing(client, slack, caplog):
    slack.refuse("chat.postMessage", "channel_not_found")
    call = post(client)
    assert call.failed and call.error == "channel_not_found"
    assert not [r for r in caplog.records if r.name == "bot.slack.calls"]


@pytest.mark.parametrize("script", [FakeSlack.unreachable, FakeSlack.lose_answer])
def test_network_trouble_retries(client, slack, script):
    script(slack, "chat.postMessage")
    with pytest.raises(RetryLater) as later:
        post(client, failed="slack.dm_failed")
    assert later.value.seconds == 5.0 and not later.value.refused


def test_without_retry_every_failure_is_final_and_named_by_its_type(client, slack, caplog):
    slack.unreachable("views.open")
    with caplog.at_level(logging.WARNING), slack_call("views.open", failed="slack.views_open_failed", retry=False) as call:
        client.views_open(trigger_id="t1", view={"type": "modal"})
    assert call.failed
    [record] = [r for r in caplog.records if r.getMessage() == "slack.views_open_failed"]
    assert record.fields == {"error": "ConnectionRefusedError"}


@pytest.mark.parametrize("verdict", [LeaseLost("not ours"), RetryLater(3.0, "later")])
def test_a_verdict_raised_inside_passes_through_untouched(verdict):
    with pytest.raises(type(verdict)) as raised, slack_call("chat.postMessage", retry=False):
        raise verdict
    assert raised.value is verdict


def test_only_the_helper_judges_slack_failures():
    """One place decides retry versus final: no other module under bot/slack/ catches
    SlackApiError, except history.py's rule that a look-up Slack forbids (missing_scope, …)
    finds nothing. (Start-up checks, bot/serve/preflight.py and `bot check`, diagnose tokens
    and scopes instead: they run no task.)"""
    root = Path(__file__).resolve().parents[3] / "bot" / "slack"
    judging = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler) and "SlackApiError" in ast.unparse(node.type or ast.Constant(None))
    }
    assert judging <= {"calls.py", "history.py"}, judging
