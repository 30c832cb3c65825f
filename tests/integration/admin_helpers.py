"""Shared set-up of the admin-console tests: the real app on 127.0.0.1 over the test knowledge base (fake
embedder), a managed folder of its own, and one account per role."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from bot.bootstrap import build_accounts, ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import ServerThread
from tests.webchat import say, session_for

PW = "mat-khau-rat-dai-2026"
THUONG_LAM, HA_GIANG = "02269", "00691"
USERS = {"quantri": "admin", "bientap": "editor", "theodoi": "viewer", "lan": "volunteer"}


def admin_app(tmp_path: Path, db_url: str, mini_kb: Path, **env: str) -> tuple[Any, Any, ServerThread]:
    """(settings, app, server): users quantri (admin), bientap (editor), theodoi (viewer of Thượng Lâm),
    lan (volunteer of Thượng Lâm)."""
    env = {"BINHDAN_KNOWLEDGE__PATHS": f"[{mini_kb}]", "BINHDAN_KNOWLEDGE__MANAGED_DIR": str(tmp_path / "managed"),
           "BINHDAN_HANDOFF__HOURS": "00:00-23:59",
           "BINHDAN_ADMIN__BROKEN_LINKS_FILE": str(tmp_path / "broken_links.txt"), **env}
    s = make_settings(tmp_path, db_url=db_url, **env)
    ingest(s, embedder=FakeEmbedder())
    acc = build_accounts(s)
    for name, role in USERS.items():
        communes = [THUONG_LAM] if role in ("viewer", "volunteer") else []
        acc.add_user(name, PW, role=role, communes=communes, display_name=name.title())
    app = create_app(s)
    return s, app, ServerThread(app)


class Session:
    """A logged-in browser: cookie jar + the CSRF header on every state-changing call."""

    def __init__(self, url: str, username: str) -> None:
        self.c = httpx.Client(base_url=url, timeout=60)
        r = self.c.post("/api/auth/login", json={"username": username, "password": PW})
        assert r.status_code == 200, r.text
        self.csrf = r.json()["csrf_token"]

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.c.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.c.post(path, headers={"X-CSRF-Token": self.csrf}, **kw)

    def delete(self, path: str) -> httpx.Response:
        return self.c.delete(path, headers={"X-CSRF-Token": self.csrf})

    def wait_job(self, job: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            j: dict[str, Any] = self.get(f"/api/admin/kb/jobs/{job['id']}").json()["job"]
            if j["status"] != "running":
                return j
            time.sleep(0.1)
        raise AssertionError(f"job {job['id']} did not finish")


def ask(url: str, sid: str, text: str) -> dict[str, Any]:
    r = say(url, session_for(url, sid), text=text)  # `sid` names a citizen; the server issues the session
    assert r.status_code == 200, r.text
    return dict(r.json())


def source_of(reply: dict[str, Any]) -> str:
    for x in reply["replies"]:
        if x.get("sources"):
            return str(x["sources"][0]["doc_id"])
    return ""


GUIDE = """---
id: vneid-doi-so-dien-thoai
title: Đổi số điện thoại trên VNeID
topic: vneid
audience: all
lang: vi
source_url: https://vneid.gov.vn
reviewed_on: 2026-11-01
tags: [vneid, số điện thoại]
summary: Đổi số điện thoại đăng ký VNeID tại công an xã.
questions:
  - Đổi số điện thoại VNeID thế nào?
---
Muốn đổi số điện thoại đăng ký VNeID, bạn đến công an xã, mang theo thẻ căn cước.

## Các bước
1. Mang thẻ căn cước đến công an xã nơi cư trú.
2. Điền tờ khai đổi số điện thoại, cán bộ cập nhật số mới.
3. Đăng nhập lại ứng dụng bằng số điện thoại mới.

## Lưu ý
- Không nhờ người lạ đổi số điện thoại hộ.
"""


# ---- known data for the dashboard ------------------------------------------------------------------------
def seed_dashboard(sessions: Any) -> tuple[str, str]:
    """Messages, questions, tickets and learners at known times; returns the period (since, until) that
    holds all of them but one message, one question and one ticket of the day before."""
    import uuid
    from datetime import UTC, date, datetime
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    from bot.storage.tables.knowledge import QuestionRow
    from bot.storage.tables.learning import DenominatorRow, LearnerRow, StatementRow
    from bot.storage.tables.messaging import InboxRow
    from bot.storage.tables.tickets import TicketRow

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    d0, d1, d2 = date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11)

    def at(d: date, h: int, m: int = 0) -> datetime:
        return datetime.combine(d, dtime(h, m), tzinfo=tz).astimezone(UTC)

    n = iter(range(1, 10_000))
    with sessions.begin() as s:
        for d, h, m, channel in [(d0, 12, 0, "web"), (d1, 8, 0, "web"), (d1, 9, 0, "web"), (d1, 23, 30, "web"),
                                 (d1, 10, 0, "telegram"), (d1, 11, 0, "telegram"), (d1, 12, 0, "zalo"),
                                 (d2, 0, 30, "web"), (d2, 9, 0, "web"), (d2, 10, 0, "zalo")]:
            s.add(InboxRow(channel=channel, platform_msg_id=f"m{next(n)}", user_ref=f"u{next(n)}", kind="text", text="",
                           action="", meta={}, received_at=at(d, h, m), status="done", attempts=1, error=""))
        for d, h, covered, topic, feedback, src in [
                (d0, 9, True, "vneid", None, ["test-vneid-quen-mat-khau"]),
                (d1, 8, True, "vneid", "helpful", ["test-vneid-quen-mat-khau"]),
                (d1, 9, True, "vneid", "helpful", ["test-vneid-quen-mat-khau"]),
                (d1, 10, True, "vneid", "not_helpful", ["test-vneid-muc-2"]),
                (d1, 11, True, "payments", None, ["test-chuyen-nham"]),
                (d1, 12, False, "", None, []), (d1, 13, False, "", None, []),
                (d2, 9, True, "vneid", "helpful", ["test-vneid-quen-mat-khau"]), (d2, 10, False, "", None, [])]:
            s.add(QuestionRow(asked_at=at(d, h), channel="web", question=f"câu hỏi {next(n)}", lang="vi",
                              confidence=0.9 if covered else 0.2, covered=covered, source_ids=src, topic=topic,
                              latency_ms=5.0, feedback=feedback))
        for commune, status, created, claimed, first, closed, rating in [
                (THUONG_LAM, "closed", at(d0, 8), at(d0, 8, 5), at(d0, 8, 6), at(d0, 9), 5),  # before the period
                (THUONG_LAM, "closed", at(d1, 8), at(d1, 8, 5), at(d1, 8, 10), at(d1, 8, 40), 4),
                (THUONG_LAM, "closed", at(d1, 9), at(d1, 9, 20), at(d1, 9, 30), at(d1, 10), 2),
                (THUONG_LAM, "open", at(d2, 10), None, None, None, None),
                (HA_GIANG, "claimed", at(d2, 11), at(d2, 11, 10), at(d2, 11, 20), None, None)]:
            s.add(TicketRow(status=status, priority="normal", reason="asked", commune=commune, channel="web",
                            user_ref=f"c{next(n)}", lang="vi", summary={}, created_at=created, claimed_at=claimed,
                            first_response_at=first, closed_at=closed, rating=rating, close_reason="", close_note=""))
        basic = ["m1-dien-thoai", "m2-vneid", "m3-dich-vu-cong", "m4-thanh-toan", "m5-an-toan"]
        for commune, group, modules in [(THUONG_LAM, "can_bo", basic), (THUONG_LAM, "can_bo", basic[:2]),
                                        (HA_GIANG, "hoc_sinh", basic)]:
            k = next(n)
            learner = LearnerRow(key=f"k{k}", code=f"C{k}", commune=commune, learner_group=group, created_at=at(d1, 8))
            s.add(learner)
            s.flush()
            for mod in modules:
                s.add(StatementRow(statement_id=str(uuid.uuid4()), learner_id=learner.id, verb="completed",
                                   object_kind="module", object_id=f"x/{mod}", module_id=mod, timestamp=at(d1, 9),
                                   statement={}))
        s.add(DenominatorRow(commune=THUONG_LAM, learner_group="can_bo", population=10))
        s.add(DenominatorRow(commune=HA_GIANG, learner_group="hoc_sinh", population=4))
    return d1.isoformat(), d2.isoformat()
