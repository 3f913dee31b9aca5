"""The CI client against the local stand-in, over real HTTP."""

from __future__ import annotations

import threading
import time

import pytest

from bot.config import Secret
from bot.store import schema
from bot.store.slots import SharedLimiter
from bot.store.store import Store
from bot.tencent import CIClient
from bot.tencent.jobid import InvalidJobId
from bot.tencent.ratelimit import SlidingWindowLimiter, resends_checked_by
from bot.tencent.results import (
    HINTS,
    CancelResult,
    CIBadResponse,
    CIClockSkewed,
    CIError,
    CILocalError,
    CINetworkError,
    CIRateLimited,
    CIServerError,
    CIServiceError,
)
from tests.conftest import SECRET_ID, SECRET_KEY, job
from tests.fakes.ci_server import CIStandIn, Fault, FullBacklog, Trickler, self_signed_cert


def test_cancel_returns_typed_result(ci, make_client):
    ci.add_job(job(1), data_id="biz-1")
    result = make_client().cancel(job(1))
    assert isinstance(result, CancelResult)
    assert (result.job_id, result.data_id, result.creation_time) == (job(1), "biz-1", "2026-11-24T10:00:00+0800")
    assert result.request_id.startswith("req-")
    [arrival] = ci.requests_for("/video/cancel_auditing/")
    assert arrival.verified and arrival.method == "POST"
    assert ci.jobs[job(1)].state == "Cancelled"


def test_describe_returns_state_stream_and_data_id(ci, make_client):
    ci.add_job(job(2, "va"), data_id="biz-2", url="rtmp://live.example.com/a/b")
    status = make_client().describe(job(2, "va"))
    assert (status.state, status.stream_url, status.data_id) == ("Auditing", "rtmp://live.example.com/a/b", "biz-2")
    assert ci.requests_for("/video/auditing/")[0].verified


def test_sts_token_is_sent_and_signed():
    with CIStandIn(keys={SECRET_ID: SECRET_KEY}, tokens={"sts-token"}) as server:
        server.add_job(job(3))
        client = CIClient(
            endpoint=server.url,
            secret_id=SECRET_ID,
            secret_key=Secret(SECRET_KEY),
            session_token=Secret("sts-token"),
            limiter=SlidingWindowLimiter(20),
        )
        assert client.cancel(job(3)).job_id == job(3)
        arrival = server.arrivals[0]
        assert arrival.headers["x-ci-security-token"] == "sts-token"
        assert "x-ci-security-token" in arrival.authorization.split("q-header-list=")[1].split("&")[0]


def test_wrong_key_is_refused_by_the_stand_in(ci, make_client):
    ci.add_job(job(4))
    with pytest.raises(CIServiceError) as err:
        make_client(secret_key=Secret("not-the-key")).cancel(job(4))
    assert err.value.code == "SignatureDoesNotMatch" and err.value.status == 403
    assert ci.jobs[job(4)].state == "Auditing"
    assert len(ci.arrivals) == 1  # a 4xx is final: no retry


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "InvalidArgument"),
        (403, "AccessDenied"),
        (403, "InvalidAccessKeyId"),
        (403, "SignatureDoesNotMatch"),
        (404, "NoSuchBucket"),
    ],
)
def test_final_errors_map_to_typed_errors_without_retry(ci, make_client, status, code):
    ci.add_job(job(5))
    ci.script(job(5), Fault.error(status, code, f"{code} happened"))
    with pytest.raises(CIServiceError) as err:
        make_client().cancel(job(5))
    e = err.value
    assert (e.code, e.status, e.message) == (code, status, f"{code} happened")
    assert e.request_id == f"err-req-{code}" and e.trace_id == f"trace-{code}"
    assert e.hint == HINTS[code] and code in str(e) and e.request_id in str(e)
    assert len(ci.arrivals) == 1


@pytest.mark.parametrize(
    ("fault", "error_type", "code"),
    [
        (Fault.error(500, "InternalError"), CIServerError, "InternalError"),
        (Fault.error(503, "ServiceUnavailable"), CIServerError, "ServiceUnavailable"),
        (Fault.error(429, "RateLimited"), CIRateLimited, "RateLimited"),
        (Fault.error(503, "SlowDown"), CIRateLimited, "SlowDown"),
        (Fault.raw(502, b"<html>bad gateway</html>"), CIServerError, "InternalError"),
        (Fault.drop(), CINetworkError, "NetworkError"),
    ],
)
def test_retryable_errors_are_retried_until_success(ci, make_client, fault, error_type, code):
    ci.add_job(job(6))
    ci.script(job(6), fault, fault)
    assert make_client(max_attempts=3).cancel(job(6)).job_id == job(6)
    assert len(ci.arrivals) == 3


@pytest.mark.parametrize(
    ("fault", "error_type", "code"),
    [
        (Fault.error(500, "InternalError"), CIServerError, "InternalError"),
        (Fault.error(429, "RateLimited"), CIRateLimited, "RateLimited"),
        (Fault.drop(), CINetworkError, "NetworkError"),
    ],
)
def test_retries_stop_at_max_attempts(ci, make_client, fault, error_type, code):
    ci.add_job(job(7))
    ci.script(job(7), *[fault] * 5)
    with pytest.raises(error_type) as err:
        make_client(max_attempts=3).cancel(job(7))
    assert err.value.code == code and err.value.hint
    assert len(ci.arrivals) == 3


def test_retry_after_is_honoured(ci, make_client):
    ci.add_job(job(8))
    ci.script(job(8), Fault.error(429, "RateLimited", headers={"Retry-After": "0.3"}))
    slept = []
    client = make_client(sleep=lambda s: (slept.append(s), time.sleep(s)))
    client.cancel(job(8))
    assert slept == [0.3]


def test_backoff_is_jittered_and_exponential(make_client):
    client = make_client(backoff_base=1.0, backoff_cap=100.0, jitter=lambda: 0.5)
    assert [client._backoff(n, None) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert make_client(backoff_base=1.0, backoff_cap=3.0, jitter=lambda: 1.0)._backoff(5, None) == 3.0


def test_lost_answer_then_invalid_argument_is_confirmed_as_cancelled(ci, make_client):
    """The first attempt cancelled the job but its answer was lost; the retry must not report failure."""
    ci.add_job(job(9), data_id="biz-9")
    ci.script(job(9), Fault.apply_then_drop())
    result = make_client().cancel(job(9))
    assert result.state == "Cancelled" and result.data_id == "biz-9"
    assert [a.method for a in ci.arrivals] == ["POST", "POST", "GET"]


def test_cancel_told_an_earlier_call_may_have_acted_confirms_with_the_query_api(ci, make_client):
    """A crash after the first call: the job is already Cancelled, so the retry's InvalidArgument is success."""
    ci.add_job(job(35), data_id="biz-35", state="Cancelled")
    result = make_client().cancel(job(35), ambiguous=True)
    assert isinstance(result, CancelResult)
    assert (result.job_id, result.state, result.data_id) == (job(35), "Cancelled", "biz-35")
    assert result.request_id == "req-q-" + job(35)[-6:]  # the query API's answer
    assert [a.method for a in ci.arrivals] == ["POST", "GET"]


@pytest.mark.parametrize("ambiguous", [True, False])
def test_cancel_of_a_job_that_ended_otherwise_stays_invalid_argument(ci, make_client, ambiguous):
    ci.add_job(job(36), state="Success")
    with pytest.raises(CIServiceError) as err:
        make_client().cancel(job(36), ambiguous=ambiguous)
    assert err.value.code == "InvalidArgument"
    assert [a.method for a in ci.arrivals] == (["POST", "GET"] if ambiguous else ["POST"])


def test_ambiguous_cancel_whose_check_fails_reports_the_invalid_argument(ci, make_client):
    ci.add_job(job(37), state="Cancelled")
    ci.script(job(37), Fault.error(400, "InvalidArgument"), Fault.error(403, "AccessDenied"))
    with pytest.raises(CIServiceError) as err:
        make_client().cancel(job(37), ambiguous=True)
    assert err.value.code == "InvalidArgument"
    assert [a.status for a in ci.arrivals] == [400, 403]


def test_invalid_argument_without_ambiguity_is_final(ci, make_client):
    ci.add_job(job(10), state="Success")
    with pytest.raises(CIServiceError) as err:
        make_client().cancel(job(10))
    assert err.value.code == "InvalidArgument"
    assert len(ci.arrivals) == 1


def test_clock_skew_is_measured_and_corrected_once(ci, make_client, caplog):
    ci.clock_offset = 3600  # the server is an hour ahead of us
    ci.add_job(job(11))
    client = make_client()
    with caplog.at_level("WARNING"):
        assert client.cancel(job(11)).job_id == job(11)
    assert 3590 < client.clock_offset < 3610
    assert [a.status for a in ci.arrivals] == [403, 200]
    assert any(r.getMessage() == "ci.clock_skew" for r in caplog.records)


def test_clock_skew_without_date_is_final(ci, make_client):
    ci.add_job(job(12))
    ci.script(job(12), Fault.error(403, "RequestTimeTooSkewed"), Fault.error(403, "RequestTimeTooSkewed"))
    # The stand-in sends a Date equal to our clock, so the corrected retry also fails: only one retry.
    with pytest.raises(CIClockSkewed):
        make_client().cancel(job(12))
    assert len(ci.arrivals) == 2


HOSTILE_IDS = [
    "../../etc/passwd",
    "av" + "0" * 31 + "/",
    "av%2F..%2F" + "0" * 24,
    "av" + "0" * 32 + "?x=1",
    "av" + "0" * 32 + "#frag",
    "av" + "0" * 32 + "\n",
    "av" + "0" * 32 + " ",
    "\u0430v" + "0" * 32,  # Cyrillic a
    "av" + "0" * 31 + "\uff10",  # fullwidth zero
    "AV" + "0" * 32,
    "av" + "0" * 33,
    "av" + "0" * 5000,
    "",
    "duplicates",
    "stream",
    "av" + "g" * 32,
    "av" + "0" * 30 + "..",
]


@pytest.mark.parametrize("bad", HOSTILE_IDS)
def test_hostile_job_ids_never_reach_the_server(ci, make_client, bad):
    client = make_client()
    for call in (client.cancel, client.describe):
        with pytest.raises(InvalidJobId):
            call(bad)
    with pytest.raises(InvalidJobId):
        client.cancel_many([job(1), bad])
    assert ci.arrivals == []


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Response><JobsDetail><JobId>&lol3;</JobId></JobsDetail></Response>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<Response><JobsDetail><JobId>&xxe;</JobId></JobsDetail><RequestId>r</RequestId></Response>"
)
# The sample in Tencent's docs: <DataId> closed by </DataID>.
PUBLISHED_SAMPLE = (
    b"<Response><JobsDetail><DataId>1</DataID><JobId>x</JobId><CreationTime>t</CreationTime></JobsDetail><RequestId>r</RequestId></Response>"
)


@pytest.mark.parametrize(
    "body",
    [ENTITY_BOMB, EXTERNAL_ENTITY, PUBLISHED_SAMPLE, b"\x00\xff\xfe not xml", b"", b"<Other/>", b"<Response/>"],
    ids=["entity-bomb", "external-entity", "mismatched-tags", "binary", "empty", "wrong-root", "no-detail"],
)
def test_unreadable_200_is_reported_with_request_id(ci, make_client, body):
    ci.add_job(job(13))
    ci.script(job(13), Fault.raw(200, body))
    with pytest.raises(CIBadResponse) as err:
        make_client().cancel(job(13))
    assert err.value.request_id.startswith("hdr-200-")
    assert err.value.code == "BadResponse" and "most likely cancelled" in err.value.hint
    assert "root:" not in str(err.value)
    assert len(ci.arrivals) == 1  # the request was accepted; retrying could double-act


def _answer_naming(job_id: str) -> bytes:
    return (f"<Response><JobsDetail><JobId>{job_id}</JobId><State>Cancelled</State></JobsDetail><RequestId>req-other</RequestId></Response>").encode()


@pytest.mark.parametrize("call", ["cancel", "describe"])
def test_an_answer_about_another_job_is_a_bad_response(ci, make_client, call):
    ci.add_job(job(45))
    ci.script(job(45), Fault.raw(200, _answer_naming(job(99))))
    with pytest.raises(CIBadResponse) as err:
        getattr(make_client(), call)(job(45))
    e = err.value
    assert e.message == f"the answer names job {job(99)}, not the one asked for"
    assert (e.job_id, e.request_id) == (job(45), "req-other")
    assert e.maybe_applied and e.after_ambiguous
    assert len(ci.arrivals) == 1  # not retried: the request was accepted


def test_a_hostile_job_id_in_the_answer_is_escaped_and_cut(ci, make_client):
    ci.add_job(job(46))
    named = "\u202eav\tx\u00e9" + "A" * 200  # a direction override, a tab, non-ASCII; all legal in XML
    ci.script(job(46), Fault.raw(200, _answer_naming(named)))
    with pytest.raises(CIBadResponse) as err:
        make_client().cancel(job(46))
    shown = err.value.message.removeprefix("the answer names job ").removesuffix(", not the one asked for")
    assert shown == ("\\u202eav\\tx\\xe9" + "A" * 200)[:64]
    assert len(shown) == 64 and shown.isprintable() and shown.isascii()


@pytest.mark.parametrize("call", ["cancel", "describe"])
def test_results_carry_the_job_asked_for_even_when_the_answer_names_none(ci, make_client, call):
    ci.add_job(job(47))
    ci.script(job(47), Fault.raw(200, _answer_naming("")))
    assert getattr(make_client(), call)(job(47)).job_id == job(47)


def test_hostile_error_body_still_gives_a_typed_error(ci, make_client):
    ci.add_job(job(14))
    ci.script(job(14), Fault.raw(400, ENTITY_BOMB))
    with pytest.raises(CIServiceError) as err:
        make_client().cancel(job(14))
    assert err.value.code == "HTTP400" and err.value.status == 400


def test_huge_body_is_cut_off(ci, make_client):
    ci.add_job(job(15))
    ci.script(job(15), Fault.raw(200, b"<Response>" + b" " * (2 << 20) + b"</Response>"))
    with pytest.raises(CIBadResponse, match="over"):
        make_client().cancel(job(15))


def test_a_query_answer_may_be_larger_than_a_cancels_but_not_huge(ci, make_client):
    """A live job's query lists every flag: a few MB is read, beyond the query's cap is cut off."""
    ci.add_job(job(16))
    flags = b"<Snapshot><Label>Porn</Label><Result>1</Result><SnapshotTime>1795000000000</SnapshotTime></Snapshot>" * 30_000
    ci.script(job(16), Fault.raw(200, b"<Response><JobsDetail><State>Auditing</State>" + flags + b"</JobsDetail></Response>"))
    assert len(make_client().describe(job(16)).flags) == 30_000  # about 3 MB
    ci.script(job(16), Fault.raw(200, b"<Response>" + b" " * (9 << 20) + b"</Response>"))
    with pytest.raises(CIBadResponse, match="over"):
        make_client().describe(job(16))


@pytest.mark.parametrize("fault", [Fault.hang(), Fault.trickle(0.2)], ids=["never-answers", "trickles"])
def test_silent_or_trickling_server_fails_within_the_timeouts(ci, make_client, fault):
    ci.add_job(job(16))
    ci.script(job(16), fault, fault)
    client = make_client(connect_timeout=0.5, read_timeout=0.5, max_attempts=2)
    started = time.monotonic()
    with pytest.raises(CINetworkError):
        client.cancel(job(16))
    # Two attempts, each bounded by connect + read timeout, plus a tiny backoff.
    assert time.monotonic() - started < 2 * (0.5 + 0.5) + 1.0


def _fails_within(client, job_id: str, bound: float) -> CINetworkError:
    started = time.monotonic()
    with pytest.raises(CINetworkError) as err:
        client.cancel(job_id)
    assert time.monotonic() - started < bound
    return err.value


def _fails_too_slowly_within(client, job_id: str, bound: float) -> CINetworkError:
    error = _fails_within(client, job_id, bound)
    assert error.message == "the CI API answered too slowly"
    return error


def test_trickled_status_line_and_headers_fail_at_the_deadline(ci, make_client):
    """Each byte arrives well within the read timeout, so only the attempt's deadline can stop it."""
    ci.add_job(job(40))
    ci.script(job(40), Fault.trickle_headers(0.3))
    client = make_client(connect_timeout=0.5, read_timeout=1.0, max_attempts=1)
    err = _fails_too_slowly_within(client, job(40), bound=2.5)
    assert len(ci.arrivals) == 1
    assert err.maybe_applied and err.after_ambiguous  # the request was sent; only its answer was slow


@pytest.fixture
def tls_ci(tmp_path):
    with CIStandIn(keys={SECRET_ID: SECRET_KEY}, tls=self_signed_cert(tmp_path)) as server:
        yield server


def _tls_client(server, **options) -> CIClient:
    client = CIClient(
        endpoint=server.url,
        secret_id=SECRET_ID,
        secret_key=Secret(SECRET_KEY),
        limiter=SlidingWindowLimiter(20),
        backoff_base=0.01,
        backoff_cap=0.05,
        **options,
    )
    client.session.verify = server.tls[0]  # trust the stand-in's certificate, and check it
    return client


@pytest.mark.parametrize("fault", [Fault.trickle_headers(0.3), Fault.trickle(0.3)], ids=["headers", "body"])
def test_trickling_over_https_also_fails_at_the_deadline(tls_ci, fault):
    tls_ci.add_job(job(41))
    tls_ci.script(job(41), fault)
    client = _tls_client(tls_ci, connect_timeout=0.5, read_timeout=1.0, max_attempts=1)
    try:
        _fails_too_slowly_within(client, job(41), bound=2.5)
        tls_ci.add_job(job(42))
        assert client.cancel(job(42)).job_id == job(42)  # and the client still works over https
    finally:
        client.close()


def test_a_trickled_tls_handshake_also_fails_within_the_timeouts(make_client):
    """Python bounds a whole TLS handshake by the socket timeout; this keeps that promise checked."""
    with Trickler(Trickler.TLS_RECORD_HEADER + bytes(16384), 0.3) as server:
        client = make_client(endpoint=server.url, connect_timeout=0.5, read_timeout=1.0, max_attempts=1)
        _fails_within(client, job(48), bound=2.5)


def test_a_finished_attempts_deadline_never_cuts_the_next_request_on_its_connection(ci, make_client):
    """Attempt A ends before its deadline; B reuses A's pooled connection and is in flight when
    A's deadline passes. B must be unaffected (the watchdog follows attempts, not connections)."""
    deadline = 0.1 + 1.5
    client = make_client(connect_timeout=0.1, read_timeout=1.5, max_attempts=1)
    ci.add_job(job(43))
    ci.add_job(job(44))
    ci.script(job(43), Fault.delay(0.8))
    ci.script(job(44), Fault.delay(1.1))
    started = time.monotonic()
    assert client.cancel(job(43)).job_id == job(43)
    assert client.cancel(job(44)).job_id == job(44)
    first, second = ci.arrivals
    assert first.peer == second.peer  # one connection carried both
    # The scenario held: B was sent before A's deadline and answered after it.
    assert second.at - started < deadline < time.monotonic() - started


def test_one_watchdog_thread_per_client_however_many_requests(ci, make_client):
    before = set(threading.enumerate())
    client = make_client()
    ids = [job(n) for n in range(50, 70)]
    for j in ids:
        ci.add_job(j)
    assert all(o.ok for o in client.cancel_many(ids))
    started = [t for t in set(threading.enumerate()) - before if t.name == "ci-watchdog"]
    assert len(started) == 1


def test_connection_refused_is_a_network_error(make_client):
    client = make_client(endpoint="http://127.0.0.1:9", max_attempts=2)
    with pytest.raises(CINetworkError) as err:
        client.cancel(job(17))
    assert err.value.hint == HINTS["NetworkError"]


@pytest.mark.parametrize(
    ("fault", "maybe_applied"),
    [
        (Fault.hang(), True),  # read timeout: the request was sent
        (Fault.apply_then_drop(), True),
        (Fault.drop(), True),
        (Fault.trickle(0.2), True),
        (Fault.error(500, "InternalError"), True),
        (Fault.error(503, "ServiceUnavailable"), True),
        (Fault.raw(200, b"not xml"), True),
        (Fault.error(429, "RateLimited"), False),
        (Fault.error(503, "SlowDown"), False),
        (Fault.error(400, "InvalidArgument"), False),
        (Fault.error(403, "AccessDenied"), False),
    ],
    ids=["read-timeout", "applied-then-dropped", "dropped", "too-slow", "500", "503", "bad-200", "429", "slowdown", "400", "403"],
)
def test_each_error_says_whether_its_attempt_may_have_been_applied(ci, make_client, fault, maybe_applied):
    ci.add_job(job(31))
    ci.script(job(31), fault)
    with pytest.raises(CIError) as err:
        make_client(connect_timeout=0.5, read_timeout=0.5, max_attempts=1).cancel(job(31))
    assert err.value.maybe_applied is maybe_applied
    assert err.value.after_ambiguous is maybe_applied  # a single attempt: the call is as ambiguous as it


def test_refused_connection_was_never_applied(make_client):
    with pytest.raises(CINetworkError) as err:
        make_client(endpoint="http://127.0.0.1:9", max_attempts=2).cancel(job(32))
    assert not err.value.maybe_applied and not err.value.after_ambiguous


def test_unresolvable_host_was_never_applied(make_client):
    with pytest.raises(CINetworkError) as err:  # .invalid never resolves (RFC 2606)
        make_client(endpoint="http://ci.invalid", max_attempts=1).cancel(job(32))
    assert not err.value.maybe_applied


def test_connect_timeout_was_never_applied(make_client):
    with FullBacklog() as server, pytest.raises(CINetworkError) as err:
        make_client(endpoint=server.url, connect_timeout=0.3, read_timeout=5.0, max_attempts=1).cancel(job(33))
    assert err.value.message == "the CI API did not answer in time"
    assert not err.value.maybe_applied


@pytest.mark.parametrize(
    ("faults", "after_ambiguous"),
    [
        ([Fault.drop(), Fault.error(403, "AccessDenied")], True),  # the dropped attempt may have acted
        ([Fault.error(429, "RateLimited"), Fault.error(403, "AccessDenied")], False),
        ([Fault.error(429, "RateLimited")] * 3, False),
        ([Fault.error(429, "RateLimited"), Fault.error(500, "InternalError"), Fault.error(429, "RateLimited")], True),
    ],
    ids=["dropped-then-denied", "limited-then-denied", "limited-thrice", "5xx-in-between"],
)
def test_after_ambiguous_covers_every_attempt_of_the_call(ci, make_client, faults, after_ambiguous):
    ci.add_job(job(34))
    ci.script(job(34), *faults)
    with pytest.raises(CIError) as err:
        make_client(max_attempts=3).cancel(job(34))
    assert not err.value.maybe_applied  # the last answer was a definite refusal
    assert err.value.after_ambiguous is after_ambiguous
    assert len(ci.arrivals) == len(faults)


def test_broken_limiter_database_gives_a_typed_local_error(ci, make_client, tmp_path):
    store = Store(f"sqlite:///{tmp_path}/bot.db")  # never migrated: the shared limiter's table is missing
    client = make_client(limiter=SharedLimiter(store.slots, 20))
    try:
        with pytest.raises(CILocalError) as err:
            client.cancel(job(38))
        e = err.value
        assert isinstance(e, CIError) and not e.retryable
        assert (e.code, e.message, e.job_id) == ("BotError", "the bot failed during the CI call (OperationalError)", job(38))
        assert e.hint == HINTS["BotError"]
        assert not e.maybe_applied and not e.after_ambiguous  # nothing was sent
        assert "ci_rate_slots" not in str(e) and "SELECT" not in str(e)  # the exception's text stays out
        outcomes = client.cancel_many([job(38), job(39)])
        assert [(type(o), o.job_id) for o in outcomes] == [(CILocalError, job(38)), (CILocalError, job(39))]
        assert ci.arrivals == []
    finally:
        store.close()


def test_local_error_after_a_lost_answer_keeps_the_call_ambiguous(ci, make_client, tmp_path):
    store = Store(f"sqlite:///{tmp_path}/bot.db")
    store.migrate()

    def database_fails_during_backoff(_seconds: float) -> None:
        with store.engine.begin() as conn:
            conn.execute(schema.rate_table.delete())
            schema.rate_table.drop(conn)

    ci.add_job(job(39))
    ci.script(job(39), Fault.apply_then_drop())
    client = make_client(limiter=SharedLimiter(store.slots, 20), sleep=database_fails_during_backoff)
    try:
        with pytest.raises(CILocalError) as err:
            client.cancel(job(39))
        assert not err.value.maybe_applied  # the failing attempt never got to send
        assert err.value.after_ambiguous  # but the first one may have cancelled the job (it did)
        assert len(ci.arrivals) == 1 and ci.jobs[job(39)].state == "Cancelled"
    finally:
        store.close()


def test_cancel_many_keeps_order_and_reports_each_outcome(ci, make_client):
    ids = [job(n) for n in range(20, 30)]
    for n, j in enumerate(ids):
        if n != 3:
            ci.add_job(j)
    outcomes = make_client().cancel_many(ids)
    assert [o.job_id for o in outcomes] == ids
    assert [o.ok for o in outcomes] == [n != 3 for n in range(10)]
    assert isinstance(outcomes[3], CIError) and outcomes[3].code == "InvalidArgument"


def test_hundred_concurrent_cancels_never_exceed_the_rate_limit(ci):
    ci.latency = 0.05
    ids = [job(n) for n in range(100, 200)]
    for j in ids:
        ci.add_job(j)
    client = CIClient(endpoint=ci.url, secret_id=SECRET_ID, secret_key=Secret(SECRET_KEY), limiter=SlidingWindowLimiter(20), concurrency=20)
    # Several threads each running a bulk at once: the limiter is shared.
    results: list = []
    threads = [threading.Thread(target=lambda c=chunk: results.extend(client.cancel_many(c))) for chunk in (ids[:40], ids[40:70], ids[70:])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 100 and all(r.ok for r in results)
    assert len(ci.arrivals) == 100
    assert ci.max_in_window(1.0) <= 20


def test_client_repr_and_errors_hold_no_secret(ci, make_client):
    client = make_client()
    assert SECRET_KEY not in repr(client) and SECRET_KEY not in repr(client.__dict__)
    ci.add_job(job(18))
    ci.script(job(18), Fault.error(403, "AccessDenied"))
    with pytest.raises(CIError) as err:
        client.cancel(job(18))
    assert "q-signature" not in str(err.value) and SECRET_KEY not in str(err.value)


def test_a_cancel_that_may_have_landed_is_sent_again_only_while_the_check_allows_it(ci, make_client):
    """The executor records each re-send's intent while it holds the job: a process frozen
    mid-call (another took the job over) sends nothing more once it wakes."""
    ci.add_job(job(8))
    ci.script(job(8), Fault.drop(), Fault.drop())
    asked = []
    with resends_checked_by(lambda: asked.append(1) or len(asked) < 2), pytest.raises(CINetworkError):
        make_client(max_attempts=4).cancel(job(8))
    assert len(ci.arrivals) == 2 and len(asked) == 2  # sent, re-sent once (allowed), then refused


def test_a_refused_cancel_is_retried_without_asking_the_check(ci, make_client):
    ci.add_job(job(9))
    ci.script(job(9), Fault.error(429, "RateLimited"))  # refused: it certainly did nothing
    with resends_checked_by(lambda: pytest.fail("asked about a cancel that cannot have landed")):
        assert make_client(max_attempts=3).cancel(job(9)).job_id == job(9)
