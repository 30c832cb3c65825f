"""tests/http_ssl.py: httpx clients of a test process share one default SSL context; other settings do not."""

from __future__ import annotations

import ssl

import httpx

from tests import http_ssl


def _context(client: httpx.Client) -> ssl.SSLContext:
    return client._transport._pool._ssl_context  # type: ignore[attr-defined,no-any-return]


def test_default_clients_share_one_context_and_other_settings_get_their_own(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    http_ssl.install()  # idempotent: conftest installed it already
    with httpx.Client() as a, httpx.Client() as b:
        assert _context(a) is _context(b)
        assert _context(a).verify_mode == ssl.CERT_REQUIRED and _context(a).check_hostname
    with httpx.Client(verify=False) as c:
        assert _context(c) is not _context(a) and _context(c).verify_mode == ssl.CERT_NONE
    mine = ssl.create_default_context()
    with httpx.Client(verify=mine) as d:
        assert _context(d) is mine
    monkeypatch.setenv("SSL_CERT_FILE", ssl.get_default_verify_paths().openssl_cafile or "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent-dir-for-the-key")
    with httpx.Client() as e:
        assert _context(e) is not _context(a)  # another CA setting, another context
