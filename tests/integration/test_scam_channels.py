"""The scam checker end to end on the Telegram and Zalo fakes (issue 20): the real app on 127.0.0.1, the
real python-telegram-bot / httpx senders, Telegram's getFile + file download and Zalo's image URL served by
the fakes, Tesseract reading the screenshots."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.bootstrap import build_sessions
from bot.storage.tables.scam import ScamCheckRow
from bot.storage.tables.tickets import TicketRow
from tests.conftest import make_settings
from tests.fakes import (
    FakeTelegram,
    FakeZalo,
    ServerThread,
    tg_forwarded_update,
    tg_photo_update,
    tg_text_update,
    wait_for,
    zalo_attachment_event,
    zalo_signature,
)
from tests.integration.helpers_channels import start_app
from tests.integration.helpers_ocr import require_ocr
from tests.screenshots import render

SECRET = "s3cret-Token_1"
SCAM = ("Thông báo: tài khoản VNeID của bạn sẽ bị khóa do chưa xác thực mức 2. Truy cập ngay "
        "https://vneid-xacthuc.top để cập nhật, nhập mã OTP được gửi về máy.")
pytestmark = pytest.mark.slow


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with ServerThread(fake.app) as srv:
        fake.url = srv.url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo()
    with ServerThread(fake.app) as srv:
        fake.url = srv.url  # type: ignore[attr-defined]
        yield fake


def _texts(msgs: list[dict[str, Any]]) -> list[str]:
    return [str(m.get("text") or "") for m in msgs]


def _buttons(m: dict[str, Any]) -> list[str]:
    rows = (m.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b.get("callback_data", "") for row in rows for b in row]


def test_telegram_kiemtra_forwarded_urgent_and_photo(tmp_path: Path, db_url: str, mini_kb: Path,
                                                     fake_tg: FakeTelegram) -> None:
    require_ocr()
    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_HANDOFF__HOURS": "00:00-23:59",
           "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "100"}
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        url, head = f"{app.url}/webhooks/telegram", {"X-Telegram-Bot-Api-Secret-Token": SECRET}

        def send(update: dict[str, Any], chat: int, n: int) -> list[dict[str, Any]]:
            assert httpx.post(url, json=update, headers=head).status_code == 200
            return list(wait_for(lambda: fake_tg.sent_to(chat) if len(fake_tg.sent_to(chat)) >= n else None, 90))

        # /kiemtra, then the scam text: the verdict with reasons, advice and the safety guide button
        sent = send(tg_text_update(801, 501, "/kiemtra"), 501, 1)
        assert "dán hoặc chuyển tiếp" in sent[0]["text"]
        sent = send(tg_text_update(802, 501, SCAM), 501, 2)
        verdict = sent[1]
        assert "LỪA ĐẢO" in verdict["text"] and "vneid-xacthuc.top" in verdict["text"]
        assert any(b.startswith("ask:at-") for b in _buttons(verdict)), _buttons(verdict)

        # a forwarded message is checked at once (no /kiemtra)
        sent = send(tg_forwarded_update(803, 502, "Chúc mừng bạn trúng thưởng xe SH, nộp phí 2.000.000đ vào "
                                                  "STK 0451000123456 để nhận quà: http://qua-tang-tri-an.xyz"), 502, 1)
        assert "LỪA ĐẢO" in sent[0]["text"]

        # the urgent path: money already went out -> urgent advice and an urgent ticket
        send(tg_text_update(804, 503, "/kiemtra"), 503, 1)
        sent = send(tg_text_update(805, 503, "Tôi đã chuyển tiền rồi theo tin này: " + SCAM), 503, 4)
        joined = "\n".join(_texts(sent))
        assert "KHẨN" in joined and "phiếu số" in joined
        with build_sessions(make_settings(tmp_path, db_url=db_url)).begin() as s:
            tickets = list(s.scalars(select(TicketRow).where(TicketRow.user_ref == "503")))
        assert [t.priority for t in tickets] == ["urgent"]

        # a screenshot of a scam message: downloaded through getFile, read, checked
        fake_tg.files["shot-1"] = render(SCAM, sender="VNeID")
        sent = send(tg_photo_update(806, 504, "shot-1", caption="tin này có phải lừa đảo không?"), 504, 1)
        assert fake_tg.downloads == ["shot-1"]  # the largest size was fetched
        assert "LỪA ĐẢO" in sent[0]["text"] and "đọc chữ từ ảnh" in sent[0]["text"]
        # a photo without text, in /kiemtra mode: "could not read"
        fake_tg.files["blank"] = _blank_png()
        send(tg_text_update(807, 505, "/kiemtra"), 505, 1)
        sent = send(tg_photo_update(808, 505, "blank"), 505, 2)
        assert "không đọc được chữ" in sent[1]["text"].lower()
        with build_sessions(make_settings(tmp_path, db_url=db_url))() as s:
            verdicts = [r.verdict for r in s.scalars(select(ScamCheckRow))]
        assert verdicts.count("danger") >= 4


def _blank_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (720, 1280), (250, 250, 250)).save(buf, "PNG")
    return buf.getvalue()


def test_zalo_shared_link_and_image_are_checked(tmp_path: Path, db_url: str, mini_kb: Path,
                                               fake_zalo: FakeZalo) -> None:
    require_ocr()
    env = {"BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
           "BINHDAN_ZALO__APP_SECRET": "app-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1",
           "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1", "BINHDAN_ZALO__API_BASE_URL": fake_zalo.url,  # type: ignore[attr-defined]
           "BINHDAN_ZALO__OAUTH_BASE_URL": fake_zalo.url}  # type: ignore[attr-defined]
    with start_app(tmp_path, db_url, mini_kb, **env) as app:
        url = f"{app.url}/webhooks/zalo"

        def post(raw: bytes) -> None:
            r = httpx.post(url, content=raw, headers={"X-ZEvent-Signature": zalo_signature(raw),
                                                     "Content-Type": "application/json"})
            assert r.status_code == 200

        post(zalo_attachment_event("zl-1", "zuser-1", "user_send_link",
                                   {"url": "https://vietcombank-hoantien.click/nhan", "title": "Hoàn tiền phí SMS Banking",
                                    "description": "Đăng nhập để nhận lại phí"}))
        first = wait_for(lambda: [m for m in fake_zalo.sent if m["recipient"] == {"message_id": "zl-1"}], 60)
        assert "LỪA ĐẢO" in first[0]["message"]["text"]

        fake_zalo.images["anh.jpg"] = render(SCAM, sender="VNeID", fmt="JPEG")
        post(zalo_attachment_event("zl-2", "zuser-2", "user_send_image",
                                   {"url": f"{fake_zalo.url}/images/anh.jpg", "thumbnail": ""}))  # type: ignore[attr-defined]
        got = wait_for(lambda: [m for m in fake_zalo.sent if m["recipient"] == {"message_id": "zl-2"}], 90)
        text = got[0]["message"]["text"]
        assert "LỪA ĐẢO" in text and "đọc chữ từ ảnh" in text
        time.sleep(0.5)


def test_web_upload_checks_a_screenshot_for_partners_and_inside_the_chat_session(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    require_ocr()
    from tests.webchat import HEADER, session_for

    with start_app(tmp_path, db_url, mini_kb) as app:
        shot = render(SCAM, sender="VNeID")
        r = httpx.post(f"{app.url}/api/check/image", content=shot, headers={"Content-Type": "image/png"}, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["verdict"] == "danger" and "vneid-xacthuc.top" in r.json()["text"]
        blank = httpx.post(f"{app.url}/api/check/image", content=_blank_png(), timeout=60)
        assert blank.status_code == 422 and "không đọc được chữ" in blank.json()["message"].lower()
        big = httpx.post(f"{app.url}/api/check/image", content=b"\0" * (5 * 1024 * 1024 + 2048), timeout=60)
        assert big.status_code == 413
        assert httpx.post(f"{app.url}/api/check/image?chat=true", content=shot, timeout=60).status_code == 401
        sid = session_for(app.url, "nguoi-dan-1")
        r = httpx.post(f"{app.url}/api/check/image?chat=true", content=shot, headers={HEADER: sid}, timeout=60)
        assert r.status_code == 200, r.text
        assert "LỪA ĐẢO" in r.json()["replies"][0]["text"] and "đọc chữ từ ảnh" in r.json()["replies"][0]["text"]
