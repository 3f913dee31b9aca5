"""COS v5 request signature (q-sign-algorithm=sha1), as Tencent's servers recompute it.

Pure functions of their inputs (the time included) so they can be checked byte for byte
against the official SDK. Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import quote

# Standard headers the official SDK includes in the signature when they are sent; any
# x-cos-* / x-ci-* header is signed too.
SIGNED_HEADERS = frozenset(
    {
        "cache-control",
        "content-disposition",
        "content-encoding",
        "content-type",
        "content-md5",
        "content-length",
        "expect",
        "expires",
        "host",
        "if-match",
        "if-modified-since",
        "if-none-match",
        "if-unmodified-since",
        "origin",
        "range",
        "transfer-encoding",
        "pic-operations",
    }
)

#: Seconds before "now" that a signature starts being valid (tolerates a slow local clock).
START_SKEW = 60


def is_signed_header(name: str) -> bool:
    lower = name.lower()
    return lower in SIGNED_HEADERS or lower.startswith(("x-cos-", "x-ci-"))


def headers_to_sign(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if is_signed_header(k)}


def _encode(text: str) -> str:
    return quote(str(text).encode("utf-8"), safe="-_.~")


def _canonical(pairs: Mapping[str, str]) -> tuple[str, str]:
    """Return (sorted ';'-joined names, sorted '&'-joined name=value) in COS form."""
    encoded = {_encode(k).lower(): _encode(v) for k, v in pairs.items()}
    items = sorted(encoded.items())
    return ";".join(k for k, _ in items), "&".join(f"{k}={v}" for k, v in items)


def key_time(now: int, expire: int) -> str:
    return f"{now - START_SKEW};{now + expire}"


def authorization(
    *,
    secret_id: str,
    secret_key: str,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    now: int,
    expire: int = 600,
) -> str:
    """Build the Authorization header value for one request.

    `path` is the un-encoded request path starting with '/'; `headers` are the headers to
    sign (use `headers_to_sign` on what will be sent, with `host` without its port).
    """
    if not path.startswith("/"):
        raise ValueError("path must start with '/'")
    sign_time = key_time(now, expire)
    header_list, header_string = _canonical(headers)
    param_list, param_string = _canonical(params)
    http_string = f"{method.lower()}\n{path}\n{param_string}\n{header_string}\n"
    string_to_sign = f"sha1\n{sign_time}\n{hashlib.sha1(http_string.encode('utf-8')).hexdigest()}\n"  # noqa: S324 (the protocol's hash)
    sign_key = hmac.new(secret_key.encode("utf-8"), sign_time.encode("utf-8"), hashlib.sha1).hexdigest()
    signature = hmac.new(sign_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).hexdigest()
    return (
        f"q-sign-algorithm=sha1&q-ak={secret_id}&q-sign-time={sign_time}&q-key-time={sign_time}"
        f"&q-header-list={header_list}&q-url-param-list={param_list}&q-signature={signature}"
    )


def redact_authorization(value: str) -> str:
    """The header with its signature hidden, for dry runs and logs."""
    head, sep, _ = value.partition("&q-signature=")
    return f"{head}{sep}[redacted]" if sep else "[redacted]"
