"""Answers through a response_url: a second route only when the first certainly failed."""

from __future__ import annotations

import logging

from bot.domain import announce
from bot.domain.announce import Caller
from bot.slack.respond import say_privately
from tests.unit.slack.support import CHANNEL, MOD, ONCALL, claimed, done_request, events

URL = "https://hooks.slack.invalid/commands/T1/1/abc"


def test_tell_answers_through_the_response_url_alone(courier, store, slack, response_urls):
    courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL, URL), "done", "k1")))
    assert response_urls.sent == [(URL, {"text": "done", "response_type": "ephemeral", "replace_original": False})]
    assert not slack.calls


def test_an_expired_response_url_falls_back_to_a_whisper(courier, store, slack, response_urls):
    response_urls.script.append("expired")
    courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL, URL), "done", "k1")))
    assert slack.sent("chat.postEphemeral") == [{"channel": CHANNEL, "user": MOD, "text": "done"}]


def test_an_unreachable_response_url_is_logged_and_falls_back(courier, store, slack, response_urls, caplog):
    response_urls.script.append("unreachable")
    with caplog.at_level(logging.WARNING):
        courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL, URL), "done", "k1")))
    assert events(caplog, "slack.respond_failed")[0].fields == {"error": "ConnectionRefusedError"}
    assert len(slack.sent("chat.postEphemeral")) == 1


def test_a_lost_answer_counts_as_sent_so_the_caller_never_sees_it_twice(courier, store, slack, response_urls, caplog):
    response_urls.script.append("lost")
    with caplog.at_level(logging.WARNING):
        courier.tell(claimed(store, announce.tell(Caller(MOD, CHANNEL, URL), "done", "k1")))
    assert events(caplog, "slack.respond_in_doubt")[0].fields == {"error": "TimeoutError"}
    assert not slack.calls


def test_a_result_slack_refuses_goes_through_the_response_url_before_a_dm(courier, store, slack, response_urls):
    request = done_request(store)
    slack.refuse("chat.postMessage", "not_in_channel")
    courier.result(claimed(store, announce.result(request, Caller(ONCALL, CHANNEL, URL))))
    [(url, body)] = response_urls.sent
    assert url == URL and body["response_type"] == "in_channel"
    assert [m["channel"] for m in slack.sent("chat.postMessage")] == [CHANNEL]  # the refused post only: no DM


def test_say_privately_logs_a_failure_and_never_raises(response_urls, caplog):
    response_urls.script.append("lost")
    with caplog.at_level(logging.WARNING):
        say_privately(URL, "not taken")
    assert events(caplog, "slack.respond_failed")[0].fields == {"error": "TimeoutError"}
    say_privately(None, "no one to tell")  # a click without a response_url: nothing to do
