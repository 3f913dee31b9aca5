"""The signer is byte-identical to the official SDK (qcloud_cos.cos_auth.CosS3Auth)."""

from __future__ import annotations

import string

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qcloud_cos import CosConfig
from qcloud_cos import cos_auth as sdk_auth

from bot.tencent import signer
from tests.fakes.ci_server import expected_signature

NOW = 1_795_000_000

names = st.text(alphabet=string.ascii_letters + string.digits + "-_.~ /%&=;:+", min_size=1, max_size=12)
values = st.text(max_size=24)  # any unicode, reserved characters included
path_segments = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=16)
header_names = st.one_of(
    st.sampled_from(sorted(signer.SIGNED_HEADERS - {"host"})),
    names.map(lambda n: "x-cos-" + n.strip().replace(" ", "-").replace("/", "-") or "x-cos-a"),
    names.map(lambda n: "X-Ci-" + n.strip().replace(" ", "-").replace("/", "-") or "x-ci-a"),
)
header_values = st.text(alphabet=string.printable.strip() + "中文é", max_size=24)


def sdk_authorization(monkeypatch, method, path, params, headers, secret_id, secret_key, expire):
    """What the official SDK puts in the Authorization header for the same request."""
    monkeypatch.setattr(sdk_auth.time, "time", lambda: NOW)
    conf = CosConfig(Region="ap-beijing", SecretId=secret_id, SecretKey=secret_key)
    auth = sdk_auth.CosS3Auth(conf, key=path, params=params, expire=expire)
    request = requests.Request(method, "https://examplebucket-1250000000.ci.ap-beijing.myqcloud.com/x")
    prepared = request.prepare()
    prepared.headers.clear()
    prepared.headers.update(headers)
    return auth(prepared).headers["Authorization"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD"]),
    segments=st.lists(path_segments, min_size=1, max_size=4),
    params=st.dictionaries(names, values, max_size=4),
    headers=st.dictionaries(header_names, header_values, max_size=5),
    token=st.one_of(st.none(), st.text(alphabet=string.ascii_letters + string.digits + "+/=", min_size=8, max_size=40)),
    secret_key=st.text(alphabet=string.ascii_letters + string.digits, min_size=8, max_size=40),
    expire=st.integers(min_value=1, max_value=100_000),
)
def test_signature_matches_official_sdk(monkeypatch, method, segments, params, headers, token, secret_key, expire):
    path = "/" + "/".join(segments)
    headers = {k: v for k, v in headers.items()}
    # Header names are case-insensitive on the wire; keep one spelling of each like requests does.
    headers = dict({k.lower(): (k, v) for k, v in headers.items()}.values())
    headers["Host"] = "examplebucket-1250000000.ci.ap-beijing.myqcloud.com"
    if token:
        headers["x-ci-security-token"] = token
    # Params are lower-cased by both sides; keep names distinct after lower-casing.
    params = dict({k.lower(): (k, v) for k, v in params.items()}.values())

    ours = signer.authorization(
        secret_id="AKIDexample",
        secret_key=secret_key,
        method=method,
        path=path,
        params=params,
        headers=signer.headers_to_sign(headers),
        now=NOW,
        expire=expire,
    )
    theirs = sdk_authorization(monkeypatch, method, path, params, headers, "AKIDexample", secret_key, expire)
    assert ours == theirs


def test_stand_in_verifier_agrees_with_signer():
    """The stand-in's independent implementation computes the same signature."""
    headers = {"host": "bucket-125.ci.ap-beijing.myqcloud.com", "content-length": "0", "x-ci-security-token": "t/k+n="}
    params = {"a b": "c/d", "Z": "中"}
    auth = signer.authorization(
        secret_id="id",
        secret_key="key",
        method="POST",
        path="/video/cancel_auditing/x",
        params=params,
        headers=headers,
        now=NOW,
        expire=600,
    )
    fields = dict(p.split("=", 1) for p in auth.split("&"))
    assert fields["q-header-list"] == "content-length;host;x-ci-security-token"
    assert fields["q-url-param-list"] == "a%20b;z"
    assert fields["q-sign-time"] == f"{NOW - 60};{NOW + 600}"
    want = expected_signature("key", fields["q-key-time"], "POST", "/video/cancel_auditing/x", params, headers)
    assert fields["q-signature"] == want


def test_only_standard_and_vendor_headers_are_signed():
    sent = {"User-Agent": "x", "Host": "h", "Content-Length": "0", "X-Ci-Security-Token": "t", "Accept": "*/*"}
    assert set(signer.headers_to_sign(sent)) == {"Host", "Content-Length", "X-Ci-Security-Token"}


def test_path_must_be_absolute():
    with pytest.raises(ValueError):
        signer.authorization(secret_id="a", secret_key="b", method="GET", path="x", params={}, headers={}, now=NOW)


def test_redacted_authorization_hides_only_the_signature():
    auth = signer.authorization(secret_id="a", secret_key="b", method="GET", path="/x", params={}, headers={}, now=NOW)
    redacted = signer.redact_authorization(auth)
    assert redacted.endswith("&q-signature=[redacted]")
    assert auth.rsplit("=", 1)[1] not in redacted
