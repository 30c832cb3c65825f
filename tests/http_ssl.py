"""One SSL context for every httpx client of a test process (issue 24, "CI in minutes").

httpx builds a new `ssl.SSLContext` for every client, parsing the whole CA bundle each time (~15–25 ms of CPU),
and its module-level `httpx.get` / `httpx.post` make a client per call: the PII acceptance test alone spent ~20 s
of its call there (py-spy), issuing 360 web-chat sessions. The tests speak plain HTTP to 127.0.0.1 only, so the
context is never even used for a handshake; `install()` (tests/conftest.py) makes the default case
(`verify=True`, no client certificate) reuse one context per CA setting (SSL_CERT_FILE / SSL_CERT_DIR, as httpx
reads them). Any other `verify` or `cert` still gets its own context from httpx. The processes a test starts
(`binhdan serve` …) are untouched: this is imported by the test process only."""

from __future__ import annotations

import os
import ssl
from typing import Any

_CACHE: dict[tuple[bool, str, str], ssl.SSLContext] = {}


def install() -> None:
    from httpx._transports import default

    original = getattr(default.create_ssl_context, "__wrapped__", default.create_ssl_context)

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        if verify is not True or cert is not None:
            return original(verify=verify, cert=cert, trust_env=trust_env)  # type: ignore[no-any-return]
        key = (trust_env, os.environ.get("SSL_CERT_FILE", "") if trust_env else "",
               os.environ.get("SSL_CERT_DIR", "") if trust_env else "")
        if key not in _CACHE:
            _CACHE[key] = original(verify=True, cert=None, trust_env=trust_env)
        return _CACHE[key]

    create_ssl_context.__wrapped__ = original  # type: ignore[attr-defined]
    default.create_ssl_context = create_ssl_context  # type: ignore[assignment]
