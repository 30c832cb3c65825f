"""Hand-off that people can trust (issue 22), end to end against the real server on SQLite and PostgreSQL:
queue place and estimate (shown, asked for, updated after a claim), the out-of-hours path with the
province hotline, quick replies and "send a guide", a Telegram photo reaching the volunteer console and a
volunteer's picture / PDF reaching the citizen, the typing indicator, and satisfaction asked once after
close with its report and review item."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from PIL import Image

from bot.bootstrap import build_accounts, build_sessions
from bot.storage.tables.tickets import TicketRow
from tests.fakes import FakeTelegram, ServerThread, tg_photo_update, tg_text_update, wait_for
from tests.integration.helpers_handoff import PW, THUONG_LAM, _app, _login, _updates
from tests.webchat import say, session_for, updates

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _chat(url: str, name: str, **body: Any) -> list[dict[str, Any]]:
    r = say(url, session_for(url, name), **body)
    assert r.status_code == 200, r.text
    return r.json()["replies"]  # type: ignore[no-any-return]


def _later(url: str, name: str) -> list[dict[str, Any]]:
    return updates(url, session_for(url, name), wait=1).json()["replies"]  # type: ignore[no-any-return]


def _seed_waits(s: Any, minutes: list[float]) -> None:
    """Recent tickets of Thượng Lâm answered after `minutes` (the figures the estimate is made from)."""
    now = datetime.now(UTC)
    with build_sessions(s).begin() as db:
        for i, m in enumerate(minutes):
            at = now - timedelta(days=1, minutes=i)
            db.add(TicketRow(status="closed", priority="normal", reason="asked", commune=THUONG_LAM, channel="web",
                             user_ref=f"old-{i}", lang="vi", summary={}, created_at=at,
                             first_response_at=at + timedelta(minutes=m), close_reason="resolved", close_note=""))


def test_queue_place_and_estimate_are_shown_asked_and_updated(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    build_accounts(s).add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    with server as app:
        first = _chat(app.url, "citizen-q-0", text="/start 02269") and _chat(app.url, "citizen-q-0", text="gap nguoi that")
        assert "Bạn là người tiếp theo trong hàng chờ." in first[-1]["text"]
        assert "Chưa có đủ số liệu để ước tính thời gian chờ" in first[-1]["text"]  # no figures: said plainly
        _chat(app.url, "citizen-q-0", action="tk:cancel")
        _seed_waits(s, [10, 12, 30])
        for i in range(1, 6):
            _chat(app.url, f"citizen-q-{i}", text="/start 02269")
            got = _chat(app.url, f"citizen-q-{i}", text="toi muon gap nguoi that")
            assert ("Bạn là người tiếp theo" if i == 1 else f"vị trí số {i} trong hàng chờ") in got[-1]["text"]
            assert "khoảng 12 phút (theo 3 phiếu gần đây)" in got[-1]["text"]
            assert {"title": "Còn bao lâu?", "action": "hx:wait"} in got[-1]["buttons"]
        asked = _chat(app.url, "citizen-q-5", text="con bao lau nua?")  # no tone marks
        assert "vị trí số 5" in asked[-1]["text"] and "khoảng 12 phút" in asked[-1]["text"]
        asked = _chat(app.url, "citizen-q-4", text="Bao giờ có người trả lời?")
        assert "vị trí số 4" in asked[-1]["text"]

        lan, csrf = _login(app.url, "lan")
        first_open = min(t["id"] for t in lan.get("/api/tickets", params={"status": "open"}).json()["tickets"])
        assert lan.post(f"/api/tickets/{first_open}/claim", headers={"X-CSRF-Token": csrf}).status_code == 200
        moved = _updates(app.url, "citizen-q-2")
        assert any("Cập nhật: bạn đang ở vị trí số 1" in x["text"] for x in moved)
        moved = _updates(app.url, "citizen-q-4")
        assert any("vị trí số 3" in x["text"] for x in moved)
        later = _later(app.url, "citizen-q-5")
        assert not any("Cập nhật" in x["text"] for x in later)  # 5 -> 4 is not worth a message
        claimed = _chat(app.url, "citizen-q-1", text="con bao lau")
        assert claimed == []  # the volunteer is there: the bot keeps quiet, the volunteer reads it


def test_out_of_hours_offers_leaving_the_question_and_the_hotline(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb, BINHDAN_HELPDESK__HOTLINE="0207 000 0000")
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("boss", PW, role="admin", display_name="Admin")
    today = datetime.now(TZ)
    duty_day = (today + timedelta(days=2)).date()
    with server as app:
        lan, lan_csrf = _login(app.url, "lan")
        body = {"hours": "07:30-11:00", "days": [duty_day.weekday()], "days_off": []}
        assert lan.post(f"/api/helpdesk/schedules/{THUONG_LAM}", json=body,
                        headers={"X-CSRF-Token": lan_csrf}).status_code == 403  # not the team lead
        admin, csrf = _login(app.url, "boss")
        r = admin.post(f"/api/helpdesk/schedules/{THUONG_LAM}", json={**body, "hours": "7h-11h"},
                       headers={"X-CSRF-Token": csrf})
        assert r.status_code == 400 and "07:00-21:00" in r.json()["detail"]
        r = admin.post(f"/api/helpdesk/schedules/{THUONG_LAM}", json=body, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["schedule"]["hours"] == "07:30-11:00"

        _chat(app.url, "citizen-ooh", text="/start 02269")
        got = _chat(app.url, "citizen-ooh", text="gap tinh nguyen vien")[-1]
        weekday = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"][duty_day.weekday()]
        assert f"trực lại từ 07:30 {weekday}, ngày {duty_day:%d/%m}" in got["text"]
        actions = [b["action"] for b in got["buttons"]]
        assert actions[:2] == ["hx:leave:1", "hx:hotline"]
        assert "0207 000 0000" in _chat(app.url, "citizen-ooh", action="hx:hotline")[0]["text"]
        assert "Đã ghi lại" in _chat(app.url, "citizen-ooh", action="hx:leave:1")[0]["text"]
        events = [e["event"] for e in admin.get("/api/tickets/1").json()["ticket"]["events"]]
        assert "question_left" in events


def test_quick_replies_and_send_a_guide(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("boss", PW, role="admin", display_name="Admin")
    with server as app:
        lan, csrf = _login(app.url, "lan")
        h = {"X-CSRF-Token": csrf}
        r = lan.post("/api/snippets", headers=h, json={"title": "Hỏi loại điện thoại",
                                                        "body": "Bác đang dùng điện thoại Android hay iPhone ạ?"})
        assert r.status_code == 201
        mine = r.json()["snippet"]["id"]
        assert lan.post("/api/snippets", headers=h, json={"title": "Chào", "body": "Chào bác", "scope": "team",
                                                          "team": THUONG_LAM}).status_code == 403
        admin, acsrf = _login(app.url, "boss")
        assert admin.post("/api/snippets", headers={"X-CSRF-Token": acsrf}, json={
            "title": "Đặt lại mật khẩu", "body": "Bác bấm Quên mật khẩu, rồi nhập số định danh.", "scope": "team",
            "team": THUONG_LAM}).status_code == 201
        found = lan.get("/api/snippets", params={"q": "mat khau"}).json()["snippets"]
        assert [x["title"] for x in found] == ["Đặt lại mật khẩu"]  # tone marks not needed
        assert [x["title"] for x in lan.get("/api/snippets", params={"q": "dien thoai"}).json()["snippets"]] == [
            "Hỏi loại điện thoại"]
        assert admin.delete(f"/api/snippets/{mine}", headers={"X-CSRF-Token": acsrf}).status_code == 403
        assert lan.post(f"/api/snippets/{mine}", headers=h, json={"title": "Hỏi máy", "body": "Máy gì ạ?"}).status_code == 200

        guides = lan.get("/api/guides", params={"q": "vneid"}).json()["guides"]
        assert guides
        g = lan.get(f"/api/guides/{guides[0]['doc_id']}/reply").json()
        assert g["text"].startswith(g["title"]) and len(g["text"]) > len(g["title"]) + 20
        if g["url"]:
            assert g["text"].endswith(g["url"])

        _chat(app.url, "citizen-g1", text="/start 02269")
        _chat(app.url, "citizen-g1", text="gap nguoi that")
        assert lan.post("/api/tickets/1/claim", headers=h).status_code == 200
        edited = g["text"] + "\nBác làm thử nhé."
        assert lan.post("/api/tickets/1/messages", headers=h, json={"text": edited}).status_code == 200
        got = _updates(app.url, "citizen-g1", want=2)
        assert any(x["text"] == f"👤 Lan: {edited}" for x in got)


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (21.0, 49.0, 0.0), 3: "E", 4: (105.0, 13.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def tg() -> Any:
    fake = FakeTelegram()
    with ServerThread(fake.app) as srv:
        fake.url = srv.url  # type: ignore[attr-defined]
        yield fake


def test_telegram_photo_reaches_the_console_and_volunteer_files_reach_the_citizen(
        tmp_path: Path, db_url: str, mini_kb: Path, tg: FakeTelegram) -> None:
    env = {"BINHDAN_TELEGRAM__TOKEN": tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "tg-secret-1"}
    s, server = _app(tmp_path, db_url, mini_kb, **env)
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("minh", PW, role="volunteer", communes=["00691"], display_name="Minh")
    citizen, hdr = 7001, {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"}
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)  # the picture carries a GPS position
    tg.files["PHOTO1"] = raw
    with server as app:
        def post(update: dict[str, Any]) -> None:
            assert httpx.post(f"{app.url}/webhooks/telegram", json=update, headers=hdr).status_code == 200

        post(tg_text_update(1, citizen, "/start 02269"))
        post(tg_text_update(2, citizen, "toi muon gap nguoi that"))
        wait_for(lambda: any("phiếu số 1" in m["text"] for m in tg.sent_to(citizen)))
        lan, csrf = _login(app.url, "lan")
        h = {"X-CSRF-Token": csrf}
        assert lan.post("/api/tickets/1/claim", headers=h).status_code == 200
        post(tg_photo_update(3, citizen, "PHOTO1", caption="man hinh bao loi"))
        msgs = wait_for(lambda: [m for m in lan.get("/api/tickets/1").json()["ticket"]["messages"]
                                 if m["text"].startswith("[Ảnh]")])
        assert "man hinh bao loi" in msgs[0]["text"]
        files = lan.get("/api/tickets/1/extras").json()["files"]
        f = files[str(msgs[0]["id"])]
        assert len(f["id"]) == 24 and f["mime"] == "image/jpeg"
        r = lan.get(f["url"])
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        assert r.headers["content-type"] == "image/jpeg"
        cleaned = Image.open(io.BytesIO(r.content))
        assert cleaned.size == (640, 480) and not cleaned.getexif()  # EXIF (GPS, maker) stripped
        assert httpx.get(f"{app.url}{f['url']}").status_code == 404  # anonymous
        minh, _ = _login(app.url, "minh")
        assert minh.get(f["url"]).status_code == 404  # another commune's volunteer
        assert lan.get("/api/files/" + "A" * 24).status_code == 404

        png = io.BytesIO()
        Image.new("RGB", (300, 200), (0, 90, 160)).save(png, format="PNG")
        r = lan.post("/api/tickets/1/files", headers=h, data={"caption": "Bác bấm vào nút này"},
                     files={"file": ("buoc-1.png", png.getvalue(), "image/png")})
        assert r.status_code == 201, r.text
        wait_for(lambda: [p for p in tg.photos if int(p["chat_id"]) == citizen])
        sent = [p for p in tg.photos if int(p["chat_id"]) == citizen][-1]
        assert "Bác bấm vào nút này" in str(sent.get("caption")) and Image.open(io.BytesIO(sent["png"])).size == (300, 200)
        pdf = {"file": ("huong-dan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        r = lan.post("/api/tickets/1/files", headers=h, files=pdf)
        assert r.status_code == 201
        wait_for(lambda: tg.documents and tg.documents[-1]["data"].startswith(b"%PDF-"))
        bad = lan.post("/api/tickets/1/files", headers=h, files={"file": ("x.png", b"MZ\x90\x00not a picture", "image/png")})
        assert bad.status_code == 400  # the content decides, not the name or the claimed type
        big_pdf = {"file": ("big.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024), "application/pdf")}
        big = lan.post("/api/tickets/1/files", headers=h, files=big_pdf)
        assert big.status_code in (400, 413)

        assert lan.post("/api/tickets/1/typing", headers=h).json() == {"sent": True}
        assert lan.post("/api/tickets/1/typing", headers=h).json() == {"sent": False}  # debounced
        wait_for(lambda: [a for a in tg.actions if a.get("action") == "typing" and int(a["chat_id"]) == citizen])


def test_satisfaction_is_asked_once_and_reported(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("boss", PW, role="admin", display_name="Admin")
    with server as app:
        _chat(app.url, "citizen-c1", text="/start 02269")
        _chat(app.url, "citizen-c1", text="gap nguoi that")
        lan, csrf = _login(app.url, "lan")
        h = {"X-CSRF-Token": csrf}
        assert lan.post("/api/tickets/1/claim", headers=h).status_code == 200
        assert lan.post("/api/tickets/1/messages", headers=h, json={"text": "Cháu chào bác"}).status_code == 200
        assert lan.post("/api/tickets/1/close", headers=h, json={"note": ""}).status_code == 200
        got = _updates(app.url, "citizen-c1", want=3)
        asks = [x for x in got if any(b["action"].startswith("tk:rate:") for b in x["buttons"])]
        assert len(asks) == 1 and "Bạn có hài lòng không?" in asks[0]["text"]
        thanks = _chat(app.url, "citizen-c1", action="tk:rate:1:2")[0]
        assert "Cảm ơn" in thanks["text"] and thanks["buttons"][0]["action"] == "hx:comment:1"
        assert "góp ý" in _chat(app.url, "citizen-c1", action="hx:comment:1")[0]["text"]
        assert "Cảm ơn bạn đã góp ý" in _chat(app.url, "citizen-c1", text="Chờ lâu quá, số tôi 0912345678")[0]["text"]
        again = _chat(app.url, "citizen-c1", action="tk:rate:1:5")[0]
        assert "đã chấm điểm rồi" in again["text"]  # once only
        later = _later(app.url, "citizen-c1")
        assert not [x for x in later if any(b["action"].startswith("tk:rate:") for b in x["buttons"])]

        admin, acsrf = _login(app.url, "boss")
        rep = admin.get("/api/helpdesk/csat").json()
        assert rep["responses"] == 1 and rep["by_team"] == [{"key": "Xã Thượng Lâm", "count": 1, "mean": 2.0, "low": 1}]
        assert rep["by_volunteer"][0]["key"] == "Lan" and rep["trend"][-1]["count"] == 1
        assert rep["open_reviews"] == 1
        items = admin.get("/api/helpdesk/reviews").json()["reviews"]
        assert items[0]["score"] == 2 and "[SĐT]" in items[0]["comment"] and "0912" not in items[0]["comment"]
        assert lan.get("/api/helpdesk/reviews").status_code == 403  # not a team lead
        r = admin.post(f"/api/helpdesk/reviews/{items[0]['id']}/resolve", headers={"X-CSRF-Token": acsrf},
                       json={"note": "đã gọi lại"})
        assert r.json()["review"]["status"] == "done"
        assert lan.post("/api/volunteer/presence", headers=h, json={"status": "away"}).json() == {"presence": "away"}
        assert lan.get("/api/auth/me").json()["user"]["available"] is False  # the router skips away volunteers
        assert lan.post("/api/volunteer/presence", headers=h, json={"status": "busy"}).json() == {"presence": "busy"}
        assert lan.get("/api/helpdesk/me").json()["presence"] == "busy"
