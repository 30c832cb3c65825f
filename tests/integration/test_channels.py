"""Telegram, Zalo and the web chat against the real server (in-process uvicorn on 127.0.0.1) and local
fake platform APIs speaking real HTTP; python-telegram-bot itself talks to the fake Bot API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes import (
    FakeTelegram,
    FakeZalo,
    ServerThread,
    tg_callback_update,
    tg_text_update,
    wait_for,
    zalo_event,
    zalo_signature,
)
from tests.integration.helpers_channels import SECRET, inbox_count, start_app
from tests.webchat import headers, new_session, ref, updates


def _running(fake: Any) -> Iterator[Any]:
    with ServerThread(fake.app) as srv:
        fake.url = srv.url
        yield fake


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    yield from _running(FakeTelegram())


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    yield from _running(FakeZalo())


def test_telegram_webhook_secret_dedupe_and_reply(tmp_path: Path, db_url: str, mini_kb: Path,
                                                  fake_tg: FakeTelegram) -> None:
    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET}
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        assert fake_tg.webhook["secret_token"] == SECRET
        assert fake_tg.webhook["url"] == "https://bot.example.gov.vn/webhooks/telegram"
        url = f"{app.url}/webhooks/telegram"
        update = tg_text_update(501, 777, "quen mat khau vneid")
        bad = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        missing = httpx.post(url, json=update)
        assert bad.status_code == 403 and missing.status_code == 403
        assert inbox_count(db_url) == 0
        for _ in range(2):  # the same update delivered twice
            r = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert r.status_code == 200
        wait_for(lambda: len(fake_tg.sent_to(777)) >= 2)
        import time
        time.sleep(1.5)
        sent = fake_tg.sent_to(777)
        assert len(sent) == 2  # one reply (the answer) + the privacy notice, not twice that
        assert "Quên mật khẩu" in sent[0]["text"] and "<b>" in sent[0]["text"]
        keyboard = sent[0]["reply_markup"]["inline_keyboard"]
        assert [row[0]["callback_data"] for row in keyboard][:2] == ["fb:up:1", "fb:down:1"]
        assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)
        assert inbox_count(db_url) == 1

        # a button press: callback query answered, menu sent
        r = httpx.post(url, json=tg_callback_update(502, 777, "menu"),
                       headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 200
        wait_for(lambda: "cq502" in fake_tg.answered_callbacks and len(fake_tg.sent_to(777)) >= 3)
        assert "Hỏi đáp VNeID" in json.dumps(fake_tg.sent_to(777)[-1]["reply_markup"], ensure_ascii=False)


def test_telegram_polling_and_rate_limit(tmp_path: Path, mini_kb: Path, fake_tg: FakeTelegram) -> None:
    db_url = f"sqlite:///{tmp_path / 'p.db'}"
    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__POLL_TIMEOUT_S": "1"}
    fake_tg.rate_limit_next = 1
    fake_tg.updates.append(tg_text_update(900, 42, "/start"))
    with start_app(tmp_path, db_url, mini_kb, **env):
        wait_for(lambda: len(fake_tg.sent_to(42)) >= 3, timeout=30)
        assert "deleteWebhook" in fake_tg.calls and "getUpdates" in fake_tg.calls
        texts = [m["text"] for m in fake_tg.sent_to(42)]
        assert texts[0].startswith("Xin chào")  # the 429 was retried after retry_after, in order
        assert inbox_count(db_url) == 1


def test_zalo_signature_dedupe_and_token_refresh(tmp_path: Path, db_url: str, mini_kb: Path,
                                                 fake_zalo: FakeZalo) -> None:
    env = {"BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
           "BINHDAN_ZALO__APP_SECRET": "app-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "expired-token",
           "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1", "BINHDAN_ZALO__API_BASE_URL": fake_zalo.url,  # type: ignore[attr-defined]
           "BINHDAN_ZALO__OAUTH_BASE_URL": fake_zalo.url}  # type: ignore[attr-defined]
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        url = f"{app.url}/webhooks/zalo"
        raw = zalo_event("msg-1", "zuser-9", "chuyen khoan nham thi lam gi")
        bad = httpx.post(url, content=raw, headers={"X-ZEvent-Signature": "mac=" + "0" * 64,
                                                   "Content-Type": "application/json"})
        assert bad.status_code == 403 and inbox_count(db_url) == 0
        for _ in range(2):  # a repeated delivery with the same msg_id
            r = httpx.post(url, content=raw, headers={"X-ZEvent-Signature": zalo_signature(raw),
                                                     "Content-Type": "application/json"})
            assert r.status_code == 200
        wait_for(lambda: len(fake_zalo.sent) >= 3)
        import time
        time.sleep(1.5)
        # a wrong transfer is urgent: the safety steps, the urgent ticket, the privacy notice — once each
        assert len(fake_zalo.sent) == 3
        assert fake_zalo.refreshes == 1  # the expired token was refreshed exactly once
        first = fake_zalo.sent[0]
        assert first["recipient"] == {"message_id": "msg-1"}
        assert "tra soát" in first["message"]["text"] and "NGAY" in first["message"]["text"]
        assert "KHẨN" in fake_zalo.sent[1]["message"]["text"]
        buttons = fake_zalo.sent[2]["message"]["attachment"]["payload"]["buttons"]
        assert 0 < len(buttons) <= 5 and buttons[0]["type"] == "oa.query.hide"
        assert buttons[0]["payload"] == "#a:consent:yes"

        # a tap on a button comes back as user_send_text carrying the payload
        tap = zalo_event("msg-2", "zuser-9", "#a:menu")
        httpx.post(url, content=tap, headers={"X-ZEvent-Signature": zalo_signature(tap),
                                              "Content-Type": "application/json"})
        wait_for(lambda: len(fake_zalo.sent) >= 4)
        assert "Bạn cần giúp việc gì" in fake_zalo.sent[3]["message"]["text"]

        # images, stickers: a polite reply; our own echoes: ignored
        img = zalo_event("msg-3", "zuser-9", "", event="user_send_image")
        echo = zalo_event("msg-4", "zuser-9", "hello", event="oa_send_text")
        for body in (img, echo):
            assert httpx.post(url, content=body, headers={"X-ZEvent-Signature": zalo_signature(body)}).status_code == 200
        wait_for(lambda: len(fake_zalo.sent) >= 5)
        time.sleep(1.0)
        assert len(fake_zalo.sent) == 5 and "chữ" in fake_zalo.sent[4]["message"]["text"]


def test_bad_requests_get_4xx_never_500(tmp_path: Path, mini_kb: Path, fake_tg: FakeTelegram) -> None:
    db_url = f"sqlite:///{tmp_path / 'b.db'}"
    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://x.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_ZALO__APP_ID": "app-1",
           "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1"}
    h = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        tg = f"{app.url}/webhooks/telegram"
        assert httpx.post(tg, content=b"{not json", headers=h).status_code == 400
        assert httpx.post(tg, content=b"[1,2]", headers=h).status_code == 400
        assert httpx.post(tg, content=b"x" * 70_000, headers=h).status_code == 413
        assert httpx.post(tg, json={"update_id": 5, "edited_message": {}}, headers=h).status_code == 200
        assert httpx.post(f"{app.url}/webhooks/zalo", content=b"{oops").status_code == 403
        chat = f"{app.url}/api/chat"
        assert httpx.post(chat, content=b"{oops", headers={"Content-Type": "application/json"}).status_code == 422
        assert httpx.post(chat, json={"session_id": "bad id!", "text": "hi"}).status_code == 401  # never issued
        assert httpx.post(chat, json={"text": "hi", "message_id": "bad id!"}).status_code == 422
        assert httpx.post(chat, json={}).status_code == 422
        assert httpx.post(chat, json={"text": "x" * 70_000}).status_code == 413
        r = httpx.post(chat, json={"text": "\x00\x01 ### %%%"})
        assert r.status_code == 200 and r.json()["replies"]
        assert inbox_count(db_url) == 1


def test_web_chat_api_answers_and_delivers_later_replies(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    with start_app(tmp_path, db_url, mini_kb) as app:
        chat = f"{app.url}/api/chat"
        sid = new_session(app.url)
        h = headers(sid)
        r = httpx.post(chat, json={"text": "quen mat khau vneid", "message_id": "m1"}, headers=h)
        assert r.status_code == 200
        replies = r.json()["replies"]
        assert {"text", "buttons", "sources"} <= set(replies[0]) <= {"text", "buttons", "sources", "kind"}
        assert replies[0]["sources"][0]["doc_id"].startswith("test-vneid-quen-mat-khau")
        assert replies[0]["buttons"][0] == {"title": "Hữu ích", "action": "fb:up:1"}
        again = httpx.post(chat, json={"text": "quen mat khau vneid", "message_id": "m1"}, headers=h)
        assert again.json() == r.json()  # a retried request is not answered twice
        r = httpx.post(chat, json={"action": "fb:down:1"}, headers=h)
        assert "tình nguyện viên" in r.json()["replies"][0]["text"]
        r = httpx.post(chat, json={"text": "1"}, headers=h)  # typed number = first button
        assert "tình nguyện viên" in r.json()["replies"][-1]["text"].lower()

        app_state = app.server.config.app.state  # type: ignore[attr-defined]
        from bot.core.messages import Reply
        app_state.services.store.enqueue("web", ref(sid), Reply("Chào bạn, tôi là tình nguyện viên Lan."))
        up = updates(app.url, sid, wait=5)
        assert [x["text"] for x in up.json()["replies"]] == ["Chào bạn, tôi là tình nguyện viên Lan."]
        assert updates(app.url, sid, wait=0).json() == {"replies": []}
        assert httpx.get(f"{app.url}/readyz").json()["status"] == "ready"


def test_dulieu_sends_the_export_as_a_file_on_telegram_and_zalo(tmp_path: Path, db_url: str, mini_kb: Path,
                                                               fake_tg: FakeTelegram, fake_zalo: FakeZalo) -> None:
    """/dulieu on a messenger: a readable summary, then the whole export as a file (Telegram: the JSON as a
    document; Zalo, whose upload takes no JSON: a CSV) — not pages of JSON text. A refused Zalo upload
    falls back to the text, so nothing is lost."""
    import csv
    import io

    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET,
           "BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
           "BINHDAN_ZALO__APP_SECRET": "app-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1",
           "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1", "BINHDAN_ZALO__API_BASE_URL": fake_zalo.url,  # type: ignore[attr-defined]
           "BINHDAN_ZALO__OAUTH_BASE_URL": fake_zalo.url}  # type: ignore[attr-defined]
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        tg = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for n, text in enumerate(["quen mat khau vneid", "/dulieu"]):
            httpx.post(f"{app.url}/webhooks/telegram", json=tg_text_update(7_100 + n, 4242, text), headers=tg)
        wait_for(lambda: any(d["chat_id"] in (4242, "4242") for d in fake_tg.documents), timeout=30)
        doc = next(d for d in fake_tg.documents if d["chat_id"] in (4242, "4242"))
        exported = json.loads(doc["data"].decode("utf-8"))
        assert "quen mat khau vneid" in json.dumps(exported["messages"], ensure_ascii=False)
        assert "tệp đính kèm" in doc["caption"]
        assert not any(m["text"].lstrip().startswith(("{", "Toàn bộ")) for m in fake_tg.sent_to(4242))

        url = f"{app.url}/webhooks/zalo"

        def zalo(msg_id: str, user: str, text: str) -> None:
            raw = zalo_event(msg_id, user, text)
            assert httpx.post(url, content=raw, headers={"X-ZEvent-Signature": zalo_signature(raw),
                                                         "Content-Type": "application/json"}).status_code == 200

        zalo("z-1", "zu-1", "quen mat khau vneid")
        zalo("z-2", "zu-1", "/dulieu")
        wait_for(lambda: len(fake_zalo.uploads) == 1 and any(
            (m["message"].get("attachment") or {}).get("type") == "file" for m in fake_zalo.sent), timeout=30)
        up = fake_zalo.uploads[0]
        assert up["name"] == "du-lieu-cua-toi.csv" and up["content_type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(up["data"].decode("utf-8-sig"))))
        assert rows[0] == ["phan", "so", "truong", "gia_tri"]
        assert any(r[0] == "messages" and r[3] == "quen mat khau vneid" for r in rows[1:])
        sent_file = next(m for m in fake_zalo.sent if (m["message"].get("attachment") or {}).get("type") == "file")
        assert sent_file["message"]["attachment"]["payload"] == {"token": up["token"]}

        fake_zalo.upload_error = -210  # e.g. the month's upload quota is spent: the JSON goes as text
        zalo("z-3", "zu-2", "/dulieu")
        wait_for(lambda: any("JSON" in (m["message"].get("text") or "") for m in fake_zalo.sent
                             if m["recipient"].get("user_id") == "zu-2" or m["recipient"].get("message_id") == "z-3"),
                 timeout=30)
        assert len(fake_zalo.uploads) == 1
