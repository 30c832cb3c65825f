"""Hand-off to volunteers against the real server (uvicorn on 127.0.0.1), on SQLite and PostgreSQL:
the web-chat flow end to end, concurrent claims, commune scoping (401/403), CSRF, urgent messages, the
province pool and silence with a controllable clock, and a citizen on Zalo served by a volunteer on
Telegram (both platforms as local fake APIs speaking real HTTP)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import build_accounts, build_desk
from bot.core.errors import Conflict, Forbidden
from bot.core.handoff import TicketSummary
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, FakeZalo, ServerThread, tg_callback_update, wait_for, zalo_event, zalo_signature
from tests.integration.helpers_handoff import HA_GIANG, PW, THUONG_LAM, _app, _login, _updates
from tests.webchat import post_chat


def test_web_chat_handoff_end_to_end(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("minh", PW, role="volunteer", communes=[HA_GIANG], display_name="Minh")
    acc.add_user("xem", PW, role="viewer")
    with server as app:
        chat = f"{app.url}/api/chat"
        sid = "citizen-0001"
        post_chat(chat, sid, json={"text": "quen mat khau vneid"})
        r = post_chat(chat, sid, json={"text": "toi muon gap nguoi that"})
        text = r.json()["replies"][-1]["text"]
        assert "xã/phường nào" in text  # the commune is unknown: the bot asks
        r = post_chat(chat, sid, json={"text": "thuong lam"})  # no tone marks
        text = r.json()["replies"][-1]["text"]
        assert "phiếu số 1" in text and "Xã Thượng Lâm" in text and "Việc tiếp theo" in text
        assert {"title": "Huỷ yêu cầu", "action": "tk:cancel"} in r.json()["replies"][-1]["buttons"]

        anon = httpx.Client(base_url=app.url)
        assert anon.get("/api/tickets").status_code == 401
        assert anon.post("/api/tickets/1/claim").status_code == 401
        assert anon.get("/api/tickets/1").status_code == 401

        minh, minh_csrf = _login(app.url, "minh")
        assert minh.get("/api/tickets").json()["tickets"] == []  # another commune's ticket is not listed
        assert minh.get("/api/tickets/1").status_code == 403
        assert minh.post("/api/tickets/1/claim", headers={"X-CSRF-Token": minh_csrf}).status_code == 403
        viewer, _ = _login(app.url, "xem")
        assert viewer.get("/api/tickets").status_code == 403  # a viewer does not handle tickets

        lan, csrf = _login(app.url, "lan")
        tickets = lan.get("/api/tickets", params={"status": "open"}).json()["tickets"]
        assert [(t["id"], t["commune"], t["status"]) for t in tickets] == [(1, THUONG_LAM, "open")]
        detail = lan.get("/api/tickets/1").json()["ticket"]
        assert detail["summary"]["turns"][0]["q"] == "quen mat khau vneid"
        assert detail["summary"]["commune_name"] == "Xã Thượng Lâm"

        assert lan.post("/api/tickets/1/claim").status_code == 403  # no CSRF token
        assert lan.post("/api/tickets/1/claim", headers={"X-CSRF-Token": "forged"}).status_code == 403
        h = {"X-CSRF-Token": csrf}
        assert lan.post("/api/tickets/1/claim", headers=h).status_code == 200
        assert lan.post("/api/tickets/1/claim", headers=h).status_code == 409

        got = _updates(app.url, sid)
        assert "Tình nguyện viên Lan đã nhận hỗ trợ bạn" in got[0]["text"]
        assert lan.post("/api/tickets/1/messages", json={"text": "Chào bác, bác đang dùng điện thoại gì ạ?"},
                        headers=h).status_code == 200
        got = _updates(app.url, sid)
        assert got[0]["text"] == "👤 Lan: Chào bác, bác đang dùng điện thoại gì ạ?"

        r = post_chat(chat, sid, json={"text": "dien thoai samsung, so cua toi 0912 345 678"})
        assert r.json()["replies"] == []  # a person is answering: the bot keeps quiet
        msgs = lan.get("/api/tickets/1").json()["ticket"]["messages"]
        assert msgs[-1]["sender"] == "citizen" and "samsung" in msgs[-1]["text"]
        assert "0912" not in json.dumps(msgs) and "[SĐT]" in msgs[-1]["text"]  # redacted before the volunteer

        r = lan.post("/api/tickets/1/close", headers=h, json={
            "note": "đã hướng dẫn", "faq": {"question": "Quên mật khẩu VNeID trên Samsung?",
                                           "answer": "Mở VNeID, chọn Quên mật khẩu, nhập số định danh."}})
        assert r.status_code == 200 and r.json()["ticket"]["status"] == "closed"
        got = _updates(app.url, sid)
        assert "chấm điểm" in got[0]["text"] and [b["action"] for b in got[0]["buttons"]] == [
            f"tk:rate:1:{n}" for n in range(1, 6)]
        r = post_chat(chat, sid, json={"action": "tk:rate:1:5"})
        assert "Cảm ơn" in r.json()["replies"][0]["text"]
        r = post_chat(chat, sid, json={"text": "quen mat khau vneid"})  # the bot is back
        assert r.json()["replies"][0]["sources"]

        m = viewer.get("/api/tickets/metrics").json()["communes"]
        assert [(x["key"], x["tickets"], x["closed"], x["mean_rating"]) for x in m] == [(THUONG_LAM, 1, 1, 5.0)]
        csv_text = viewer.get("/api/tickets/metrics", params={"format": "csv", "by": "volunteers"}).text
        assert csv_text.splitlines()[0].startswith("key,name,tickets") and csv_text.splitlines()[1].startswith("lan,Lan,1")

        props = lan.get("/api/faq-proposals")
        assert props.status_code == 403  # volunteers propose, admins and editors review
        acc.add_user("admin1", PW, role="admin")
        admin, admin_csrf = _login(app.url, "admin1")
        groups = admin.get("/api/faq-proposals").json()["groups"]
        assert groups[0]["proposals"][0]["question"] == "Quên mật khẩu VNeID trên Samsung?"
        assert admin.post(f"/api/faq-proposals/{groups[0]['proposals'][0]['id']}/reject", json={},
                          headers={"X-CSRF-Token": admin_csrf}).status_code == 400  # a reason is required
        assert lan.post("/api/auth/logout", headers=h).status_code == 200
        assert lan.get("/api/tickets").status_code == 401


def test_twenty_concurrent_claims_one_wins(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    acc = build_accounts(s)
    for i in range(20):
        acc.add_user(f"tnv{i:02d}", PW, role="volunteer", communes=[THUONG_LAM])
    with server as app:
        post_chat(f"{app.url}/api/chat", "citizen-77", json={"text": "/start 02269"})
        r = post_chat(f"{app.url}/api/chat", "citizen-77", json={"text": "cho toi gap tinh nguyen vien"})
        assert "phiếu số 1" in r.json()["replies"][-1]["text"]
        clients = [_login(app.url, f"tnv{i:02d}") for i in range(20)]

        def claim(c: tuple[httpx.Client, str]) -> int:
            return c[0].post("/api/tickets/1/claim", headers={"X-CSRF-Token": c[1]}).status_code

        with ThreadPoolExecutor(20) as pool:
            codes = list(pool.map(claim, clients))
    assert sorted(codes) == [200] + [409] * 19


def test_volunteer_gives_a_ticket_back_to_the_pool(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    """Claimed by mistake (or the volunteer must stop): released, the ticket is open again in the province
    pool, the citizen is told, a volunteer of another commune can now take it, and the history stays."""
    s, server = _app(tmp_path, db_url, mini_kb)
    acc = build_accounts(s)
    acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("minh", PW, role="volunteer", communes=[HA_GIANG], display_name="Minh")
    with server as app:
        sid = "citizen-rel1"
        post_chat(f"{app.url}/api/chat", sid, json={"text": "/start 02269"})
        r = post_chat(f"{app.url}/api/chat", sid, json={"text": "cho toi gap tinh nguyen vien"})
        assert "phiếu số 1" in r.json()["replies"][-1]["text"]
        lan, lh = _login(app.url, "lan")
        minh, mh = _login(app.url, "minh")
        assert minh.get("/api/tickets/1").status_code == 403  # Thượng Lâm's ticket, not yet in the pool
        assert lan.post("/api/tickets/1/release", headers={"X-CSRF-Token": lh}).status_code == 409  # not claimed
        assert lan.post("/api/tickets/1/claim", headers={"X-CSRF-Token": lh}).status_code == 200
        assert minh.post("/api/tickets/1/release", headers={"X-CSRF-Token": mh}).status_code == 403  # not his
        assert lan.post("/api/tickets/1/release").status_code == 403  # no CSRF token
        _updates(app.url, sid)  # "Lan đã nhận"
        r = lan.post("/api/tickets/1/release", json={"note": "nhầm phiếu"}, headers={"X-CSRF-Token": lh})
        assert r.status_code == 200 and r.json()["ticket"]["status"] == "open"
        got = _updates(app.url, sid)
        assert "Lan phải dừng hỗ trợ" in got[0]["text"] and "tk:cancel" in [b["action"] for b in got[0]["buttons"]]
        post_chat(f"{app.url}/api/chat", sid, json={"text": "toi van dang cho"})  # kept on the ticket

        assert [t["id"] for t in minh.get("/api/tickets", params={"status": "open"}).json()["tickets"]] == [1]
        assert minh.post("/api/tickets/1/claim", headers={"X-CSRF-Token": mh}).status_code == 200
        detail = minh.get("/api/tickets/1").json()["ticket"]
        assert detail["claimed_by_name"] == "Minh" and "toi van dang cho" in detail["messages"][-1]["text"]
        assert [(e["event"], e["detail"]) for e in detail["events"]][-3:] == [
            ("claimed", ""), ("released", "nhầm phiếu"), ("claimed", "")]
        assert lan.post("/api/tickets/1/release", headers={"X-CSRF-Token": lh}).status_code == 403  # Minh's now


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 10:00 in Tuyen Quang

    def __call__(self) -> datetime:
        return self.now


def test_unclaimed_ticket_reaches_province_pool_and_silence_closes(tmp_path: Path, db_url: str) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    clock = Clock()
    desk = build_desk(s, clock=clock)
    acc = build_accounts(s)
    lan = acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    minh = acc.add_user("minh", PW, role="volunteer", communes=[HA_GIANG], display_name="Minh")

    t1 = desk.request(channel="web", user_ref="c1", reason="asked", summary=TicketSummary("asked"), commune=THUONG_LAM)
    t2 = desk.request(channel="web", user_ref="c2", reason="urgent", summary=TicketSummary("urgent"),
                      commune=THUONG_LAM, priority="urgent")
    assert not t1.existing and t2.priority == "urgent" and t1.next_open is None
    assert [t.id for t in desk.list_for(minh)] == []
    with pytest.raises(Forbidden):
        desk.claim(minh, t1.id)

    clock.now += timedelta(minutes=1, seconds=59)
    assert desk.sweep()["pooled"] == 0
    clock.now += timedelta(seconds=1)  # 2 minutes: the urgent one goes to the province pool
    assert desk.sweep()["pooled"] == 1
    assert [t.id for t in desk.list_for(minh)] == [t2.id]
    clock.now += timedelta(minutes=7, seconds=59)
    assert desk.sweep()["pooled"] == 0
    clock.now += timedelta(seconds=1)  # 10 minutes: the normal one too
    assert desk.sweep()["pooled"] == 1
    assert sorted(t.id for t in desk.list_for(minh)) == [t1.id, t2.id]
    desk.claim(minh, t2.id)  # a pool volunteer may take it
    with pytest.raises(Conflict):
        desk.claim(lan, t2.id)

    # silence: one reminder after 30 min, closed after 60 min, rating asked
    clock.now += timedelta(minutes=30)
    assert desk.sweep()["reminded"] == 1
    assert desk.sweep()["reminded"] == 0  # at most one reminder
    clock.now += timedelta(minutes=30)
    assert desk.sweep()["closed_silent"] == 1
    view = desk.get_for(minh, t2.id)
    assert view.status == "closed" and view.close_reason == "citizen_silent"
    assert [e[0] for e in view.events] == ["opened", "pooled", "claimed", "reminded", "closed"]

    # the usual wait is told from recent data; outside service hours the next opening is told instead
    desk.reply(minh, desk.claim(minh, t1.id).id, "Chào bạn")
    assert desk.median_wait_min() is not None
    clock.now = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 23:00 local
    late = desk.request(channel="web", user_ref="c3", reason="asked", summary=TicketSummary("asked"), commune="")
    assert late.next_open is not None and late.next_open.hour == 7


def test_urgent_message_gets_safety_steps_first(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, server = _app(tmp_path, db_url, mini_kb)
    with server as app:
        r = post_chat(f"{app.url}/api/chat", "citizen-9", json={"text": "toi vua bi lua mat het tien roi"})
        replies = r.json()["replies"]
        assert "NGAY" in replies[0]["text"] and "khóa tài khoản" in replies[0]["text"]
        assert any("KHẨN" in x["text"] and "phiếu số 1" in x["text"] for x in replies)
    desk = build_desk(s)
    admin = build_accounts(s).add_user("admin1", PW, role="admin")
    t = desk.get_for(admin, 1)
    assert t.priority == "urgent" and t.reason == "urgent" and t.pooled_at is not None  # no commune: pool at once


@pytest.fixture
def fakes() -> Iterator[tuple[FakeTelegram, FakeZalo]]:
    tg, zl = FakeTelegram(), FakeZalo()
    with ServerThread(tg.app) as a, ServerThread(zl.app) as b:
        tg.url, zl.url = a.url, b.url  # type: ignore[attr-defined]
        yield tg, zl


def test_citizen_on_zalo_volunteer_on_telegram(tmp_path: Path, db_url: str, mini_kb: Path,
                                               fakes: tuple[FakeTelegram, FakeZalo]) -> None:
    tg, zl = fakes
    env = {"BINHDAN_TELEGRAM__TOKEN": tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "tg-secret-1",
           "BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
           "BINHDAN_ZALO__APP_SECRET": "app-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "tok",
           "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1", "BINHDAN_ZALO__API_BASE_URL": zl.url,  # type: ignore[attr-defined]
           "BINHDAN_ZALO__OAUTH_BASE_URL": zl.url}  # type: ignore[attr-defined]
    s, server = _app(tmp_path, db_url, mini_kb, **env)
    build_accounts(s).add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    vol_chat = 9001
    tg_hdr = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"}

    def tg_post(update: dict[str, Any]) -> None:
        assert httpx.post(f"{app.url}/webhooks/telegram", json=update, headers=tg_hdr).status_code == 200

    def zalo_post(msg_id: str, text: str) -> None:
        raw = zalo_event(msg_id, "zuser-1", text)
        assert httpx.post(f"{app.url}/webhooks/zalo", content=raw,
                          headers={"X-ZEvent-Signature": zalo_signature(raw)}).status_code == 200

    def tg_text(update_id: int, text: str, reply_to: str = "") -> dict[str, Any]:
        msg: dict[str, Any] = {"message_id": update_id, "date": 1764300000, "text": text,
                               "chat": {"id": vol_chat, "type": "private"}, "from": {"id": vol_chat, "first_name": "Lan"}}
        if reply_to:
            msg["reply_to_message"] = {"message_id": 1, "text": reply_to, "chat": {"id": vol_chat, "type": "private"}}
        return {"update_id": update_id, "message": msg}

    def zalo_texts() -> list[str]:
        return [m["message"].get("text", "") for m in zl.sent]

    with server as app:
        web, csrf = _login(app.url, "lan")
        code = web.post("/api/volunteer/telegram-link", headers={"X-CSRF-Token": csrf}).json()["code"]
        tg_post(tg_text(1, f"/link {code}"))
        wait_for(lambda: any("Đã liên kết" in m["text"] for m in tg.sent_to(vol_chat)))

        zalo_post("z1", "toi muon noi chuyen voi can bo")
        wait_for(lambda: any("xã/phường nào" in x for x in zalo_texts()))
        zalo_post("z2", "Thượng Lâm")
        wait_for(lambda: any("phiếu số 1" in x for x in zalo_texts()))
        ticket_msg = wait_for(lambda: [m for m in tg.sent_to(vol_chat) if "Phiếu hỗ trợ #1" in m["text"]])[0]
        assert ticket_msg["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "tk:claim:1"

        tg_post(tg_callback_update(2, vol_chat, "tk:claim:1"))
        wait_for(lambda: any("Tình nguyện viên Lan đã nhận" in x for x in zalo_texts()))
        tg_post(tg_text(20, "/tralai nham phieu"))  # claimed by mistake: give it back, then take it again
        wait_for(lambda: any("Lan phải dừng hỗ trợ" in x for x in zalo_texts()))
        # sent after the citizen's notice (queued first, in the release's transaction): wait for it, as for /xong
        wait_for(lambda: any("Đã trả lại phiếu #1" in m["text"] for m in tg.sent_to(vol_chat)))
        tg_post(tg_callback_update(21, vol_chat, "tk:claim:1"))
        wait_for(lambda: sum("Tình nguyện viên Lan đã nhận" in x for x in zalo_texts()) == 2)
        tg_post(tg_text(3, "Bác mở ứng dụng VNeID giúp cháu nhé", reply_to="Bạn đã nhận phiếu #1. Trả lời …"))
        wait_for(lambda: "👤 Lan: Bác mở ứng dụng VNeID giúp cháu nhé" in zalo_texts())
        zalo_post("z3", "da mo roi, tiep theo lam gi")
        wait_for(lambda: any("Phiếu #1 — công dân:\nda mo roi" in m["text"] for m in tg.sent_to(vol_chat)))
        tg_post(tg_text(4, "/xong đã hướng dẫn xong", reply_to="Phiếu #1 — công dân: …"))
        wait_for(lambda: any("chấm điểm" in x for x in zalo_texts()))
        # sent after the citizen's rating prompt (queued first): wait for it rather than race it
        wait_for(lambda: any(re.search(r"Đã đóng phiếu #1", m["text"]) for m in tg.sent_to(vol_chat)))
        zalo_post("z4", "quen mat khau vneid")  # the bot answers again
        wait_for(lambda: any("Quên mật khẩu" in x for x in zalo_texts()[-3:]))


def test_approved_faq_becomes_knowledge_and_is_answered(tmp_path: Path, mini_kb: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'faq.db'}"
    managed = tmp_path / "managed"
    s, server = _app(tmp_path, db_url, mini_kb, BINHDAN_KNOWLEDGE__PATHS=f"[{mini_kb}]",
                     BINHDAN_KNOWLEDGE__MANAGED_DIR=str(managed))
    acc = build_accounts(s)
    lan = acc.add_user("lan", PW, role="volunteer", communes=[THUONG_LAM], display_name="Lan")
    acc.add_user("bientap", PW, role="editor")
    desk = build_desk(s)
    t = desk.request(channel="web", user_ref="citizen-5", reason="asked", summary=TicketSummary("asked"),
                     commune=THUONG_LAM)
    desk.claim(lan, t.id)
    desk.close(lan, t.id, faq=("Đăng ký chữ ký số cho hợp tác xã ở đâu?",
                               "Hợp tác xã đăng ký chữ ký số tại bưu điện xã, mang theo giấy phép kinh doanh."))
    desk.request(channel="web", user_ref="citizen-6", reason="asked", summary=TicketSummary("asked"), commune=THUONG_LAM)
    desk.claim(lan, 2)
    desk.close(lan, 2, faq=("Hợp tác xã đăng ký chữ ký số ở đâu?", "Tại bưu điện xã."))  # a near-duplicate
    with server as app:
        ed, csrf = _login(app.url, "bientap")
        groups = ed.get("/api/faq-proposals").json()["groups"]
        assert len(groups) == 1 and groups[0]["count"] == 2  # near-duplicates grouped
        before = post_chat(f"{app.url}/api/chat", "citizen-55", json={"text": "chu ky so hop tac xa"})
        assert "faq-tnv-1" not in before.text
        r = ed.post("/api/faq-proposals/1/approve", json={}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["proposal"]["doc_id"] == "faq-tnv-1"
        assert (managed / "faq" / "faq-tnv-1.md").exists()
        after = post_chat(f"{app.url}/api/chat", "citizen-56", json={"text": "chu ky so hop tac xa"})
        assert after.json()["replies"][0]["sources"][0]["doc_id"] == "faq-tnv-1"  # no restart needed
        assert ed.post("/api/faq-proposals/1/approve", json={}, headers={"X-CSRF-Token": csrf}).status_code == 409
        r = ed.post("/api/faq-proposals/2/reject", json={"reason": "trùng câu hỏi 1"}, headers={"X-CSRF-Token": csrf})
        assert r.json()["proposal"]["status"] == "rejected"


def test_cli_user_add_and_ticket_report(tmp_path: Path, db_url: str) -> None:
    import subprocess

    from tests.cli_inproc import run_cli

    env = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "i"), "BINHDAN_EMBEDDER__KIND": "fake"}

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:  # in-process: 10 calls, no 2.5 s start each
        return run_cli(args, env, stdin=stdin)

    r = cli("user", "add", "lan", "--role", "volunteer", "--commune", "02269", "--display-name", "Lan",
            "--password-stdin", stdin=PW + "\n")
    assert r.returncode == 0 and "02269 Xã Thượng Lâm" in r.stdout, r.stderr
    for args, stdin, msg in [
        (("user", "add", "lan", "--role", "volunteer", "--password-stdin"), PW, "already exists"),
        (("user", "add", "an", "--role", "volunteer", "--password-stdin"), PW, "username"),
        (("user", "add", "hoa", "--role", "boss", "--password-stdin"), PW, "role must be"),
        (("user", "add", "hoa", "--role", "volunteer", "--commune", "99999", "--password-stdin"), PW, "unknown commune"),
        (("user", "add", "hoa", "--role", "volunteer", "--password-stdin"), "ngan", "at least 12"),
        (("user", "add", "hoa", "--role", "volunteer"), PW, "--password-stdin"),
    ]:
        bad = cli(*args, stdin=stdin)
        assert bad.returncode != 0 and msg in bad.stderr and "Traceback" not in bad.stderr, bad.stderr
    s = make_settings(tmp_path, db_url=db_url)
    desk, acc = build_desk(s), build_accounts(s)
    lan = acc.by_username("lan")
    assert lan is not None and acc.login("lan", PW) is not None and acc.login("lan", "sai-mat-khau-roi") is None
    t = desk.request(channel="web", user_ref="c1", reason="asked", summary=TicketSummary("asked"), commune=THUONG_LAM)
    desk.claim(lan, t.id)
    desk.reply(lan, t.id, "Chào bạn")
    desk.close(lan, t.id)
    desk.rate(t.id, "web", "c1", 4)
    r = cli("report", "tickets", "--format", "csv")
    lines = r.stdout.strip().splitlines()
    assert lines[0] == ("key,name,tickets,claimed,closed,median_first_response_min,median_close_min,mean_rating,"
                        "ratings")
    assert lines[1].startswith("02269,Xã Thượng Lâm,1,1,1,") and lines[1].endswith(",4.0,1")
    r = cli("report", "tickets", "--format", "csv", "--by", "volunteers")
    assert r.stdout.splitlines()[1].startswith("lan,Lan,1,1,1")
    assert "02269" in cli("report", "tickets").stdout
