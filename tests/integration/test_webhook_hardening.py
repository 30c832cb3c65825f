"""Issue 25, finding 5: webhooks authenticate the raw bytes before any JSON parsing, cap the body, parse
with a nesting limit and refuse replayed (stale) Zalo events — against the real app on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes import FakeTelegram, FakeZalo, ServerThread, wait_for, zalo_event, zalo_signature
from tests.integration.helpers_channels import SECRET, inbox_count, start_app

ZALO_ENV = {"BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
            "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1", "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1",
            "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET,
            "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram"}
DEEP = ("[" * 100_000 + "]" * 100_000).encode()
DEEP_OBJECT = ('{"timestamp": "1", "a": ' + '{"a": ' * 20_000 + "1" + "}" * 20_001).encode()


@pytest.fixture
def fakes() -> Iterator[dict[str, str]]:
    """Fake Zalo and Telegram APIs; the environment that points the app at them."""
    zalo, tg = FakeZalo(), FakeTelegram()
    with ServerThread(zalo.app) as z, ServerThread(tg.app) as t:
        zalo.url = z.url  # type: ignore[attr-defined]
        yield {**ZALO_ENV, "BINHDAN_ZALO__API_BASE_URL": z.url, "BINHDAN_TELEGRAM__TOKEN": tg.token,
               "BINHDAN_TELEGRAM__API_BASE_URL": t.url, "zalo": zalo}  # type: ignore[dict-item]


def _env(fakes: dict[str, object], **more: str) -> dict[str, str]:
    return {**{k: str(v) for k, v in fakes.items() if k.startswith("BINHDAN_")}, **more}


def _signed(body: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {"X-ZEvent-Signature": zalo_signature(raw), "Content-Type": "application/json"}


def test_unsigned_deep_json_is_refused_without_a_traceback(tmp_path: Path, db_url: str, mini_kb: Path,
                                                             fakes: dict[str, object],
                                                             caplog: pytest.LogCaptureFixture) -> None:
    env = _env(fakes, BINHDAN_SERVER__MAX_BODY_BYTES=str(262_144))
    caplog.set_level(logging.INFO)
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        for body in (DEEP, DEEP_OBJECT):
            for headers in ({}, {"X-ZEvent-Signature": "mac=" + "0" * 64}):
                r = httpx.post(f"{app.url}/webhooks/zalo", content=body, headers=headers)
                assert r.status_code in (401, 403), r.status_code
            r = httpx.post(f"{app.url}/webhooks/telegram", content=body,
                           headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert r.status_code in (401, 403)
        # authenticated but absurdly nested: still a clean 400, never the parser's recursion error
        r = httpx.post(f"{app.url}/webhooks/telegram", content=DEEP, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 400
        deep_signed = DEEP_OBJECT
        mac = hashlib.sha256(b"app-1" + deep_signed + b"1" + b"oa-secret").hexdigest()
        r = httpx.post(f"{app.url}/webhooks/zalo", content=deep_signed, headers={"X-ZEvent-Signature": f"mac={mac}"})
        assert r.status_code == 400
        assert inbox_count(db_url) == 0
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "Traceback" not in text and "RecursionError" not in text and "unhandled error" not in text


def test_oversize_webhook_bodies_get_413(tmp_path: Path, db_url: str, mini_kb: Path,
                                         fakes: dict[str, object]) -> None:
    env = _env(fakes)
    big = b'{"x": "' + b"a" * 300_000 + b'"}'

    def chunks() -> Iterator[bytes]:  # no Content-Length: the streamed body is cut off at the cap
        for i in range(0, len(big), 16_384):
            yield big[i:i + 16_384]

    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        assert httpx.post(f"{app.url}/webhooks/zalo", content=big).status_code == 413
        assert httpx.post(f"{app.url}/webhooks/zalo", content=chunks()).status_code == 413
        tg = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert httpx.post(f"{app.url}/webhooks/telegram", content=big, headers=tg).status_code == 413
        assert httpx.post(f"{app.url}/webhooks/telegram", content=chunks(), headers=tg).status_code == 413
        assert inbox_count(db_url) == 0


def test_signed_but_stale_zalo_event_is_a_replay_and_a_fresh_one_is_processed(
        tmp_path: Path, db_url: str, mini_kb: Path, fakes: dict[str, object]) -> None:
    env = _env(fakes, BINHDAN_ZALO__MAX_EVENT_AGE_S="600")
    fake_zalo: FakeZalo = fakes["zalo"]  # type: ignore[assignment]
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        url = f"{app.url}/webhooks/zalo"
        event = json.loads(zalo_event("msg-old", "zuser-1", "quen mat khau vneid"))
        for skew_s in (-3600, -601, 3600):  # an hour old, just outside the window, from the future
            event["timestamp"] = str(int((time.time() + skew_s) * 1000))
            raw, headers = _signed(event)
            assert httpx.post(url, content=raw, headers=headers).status_code in (401, 403), skew_s
        del event["timestamp"]  # no timestamp at all: nothing to sign with, nothing to judge freshness by
        raw = json.dumps(event).encode()
        mac = hashlib.sha256(b"app-1" + raw + b"oa-secret").hexdigest()
        assert httpx.post(url, content=raw, headers={"X-ZEvent-Signature": f"mac={mac}"}).status_code in (401, 403)
        assert inbox_count(db_url) == 0 and fake_zalo.sent == []

        fresh = zalo_event("msg-new", "zuser-1", "quen mat khau vneid")
        r = httpx.post(url, content=fresh, headers={"X-ZEvent-Signature": zalo_signature(fresh),
                                                    "Content-Type": "application/json"})
        assert r.status_code == 200
        wait_for(lambda: len(fake_zalo.sent) >= 1)
        assert inbox_count(db_url) == 1
