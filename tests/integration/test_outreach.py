"""Announcements and community classes end to end (issue 21): citizens talk to the real conversation
engine, announcements go through the real outbox worker to the Telegram and Zalo fakes over HTTP, with a
fake clock for the schedule; on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.bootstrap import build_services, ingest
from bot.core.messages import InboundMessage
from bot.core.outreach import model as m
from bot.retrieval.embedders import FakeEmbedder
from bot.runtime.workers import OutboxWorker
from bot.storage.tables.messaging import InboxRow, OutboxRow
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, FakeZalo, ServerThread

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
THUONG_LAM, HA_GIANG = "02269", "00691"


class Clock:
    def __init__(self) -> None:  # the next 10:00 in Tuyên Quang: outside the quiet hours
        local = datetime.now(TZ)
        ten = local.replace(hour=10, minute=0, second=0, microsecond=0)
        self.now = (ten if ten > local else ten + timedelta(days=1)).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fakes() -> Iterator[tuple[FakeTelegram, FakeZalo]]:
    tg, zl = FakeTelegram(), FakeZalo()
    with ServerThread(tg.app) as a, ServerThread(zl.app) as b:
        tg.url, zl.url = a.url, b.url  # type: ignore[attr-defined]
        yield tg, zl


def _services(tmp_path: Path, db_url: str, mini_kb: Path, tg: Any, zl: Any, clock: Clock) -> Any:
    env = {"BINHDAN_TELEGRAM__TOKEN": tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": tg.url,
           "BINHDAN_ZALO__APP_ID": "app-1", "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret",
           "BINHDAN_ZALO__APP_SECRET": "app-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1",
           "BINHDAN_ZALO__REFRESH_TOKEN": "RT-1", "BINHDAN_ZALO__API_BASE_URL": zl.url,
           "BINHDAN_ZALO__OAUTH_BASE_URL": zl.url, "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "0"}
    s = make_settings(tmp_path, db_url=db_url, **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    svc = build_services(s, embedder=FakeEmbedder())
    svc.outreach.clock = clock
    svc.conversation.outreach.clock = clock
    return svc


class Citizen:
    n = 0

    def __init__(self, svc: Any, channel: str, ref: str) -> None:
        self.svc, self.channel, self.ref = svc, channel, ref

    def say(self, text: str = "", action: str = "") -> list[str]:
        Citizen.n += 1
        msg = InboundMessage(channel=self.channel, user_ref=self.ref, platform_msg_id=f"m{Citizen.n}",
                             received_at=datetime.now(UTC), kind="action" if action else "text", text=text,
                             action=action)
        inbox_id = self.svc.processor.accept(msg)
        return [r.text for r in self.svc.processor.process_now(inbox_id)]


def _send_all(svc: Any, *, until: Any, timeout: float = 30.0) -> None:
    """Run the real outbox worker (raw senders: the throttle has its own test) until `until()`."""
    worker = OutboxWorker(svc.store, [svc.telegram, svc.zalo])

    async def run() -> None:
        for s in worker.senders.values():
            await s.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while not until():
                if loop.time() > deadline:
                    raise AssertionError("outbox did not settle")
                await worker.run_once()
                svc.outreach.run_once()
                await asyncio.sleep(0.05)
        finally:
            for s in worker.senders.values():
                await s.stop()

    asyncio.run(run())


def _due_now(svc: Any) -> None:
    """Time passes for rows waiting on a retry (the fake clock does not drive the outbox's own timer)."""
    with svc.sessions.begin() as s:
        s.execute(update(OutboxRow).where(OutboxRow.status == "pending").values(next_attempt_at=datetime.now(UTC)))


def test_only_opted_in_audience_gets_the_announcement_once_at_the_scheduled_time(
        tmp_path: Path, db_url: str, mini_kb: Path, fakes: tuple[FakeTelegram, FakeZalo]) -> None:
    tg, zl = fakes
    clock = Clock()
    svc = _services(tmp_path, db_url, mini_kb, tg, zl, clock)
    people = {ref: Citizen(svc, ch, ref) for ch, ref in
              (("telegram", "1001"), ("telegram", "1002"), ("telegram", "1003"), ("telegram", "1004"),
               ("telegram", "1005"), ("zalo", "z1"), ("zalo", "z2"))}
    communes = {"1001": THUONG_LAM, "1002": HA_GIANG, "1003": THUONG_LAM, "1004": THUONG_LAM, "1005": THUONG_LAM,
                "z1": THUONG_LAM, "z2": THUONG_LAM}
    for ref, c in people.items():
        if ref == "1003":
            continue  # never opts in
        intro = c.say("/nhantin")[-1]
        assert "Chọn chủ đề" in intro
        asked = c.say(action="sub:t:classes" if ref == "1005" else "sub:t:all")[-1]
        assert "xã/phường nào" in asked  # the commune is asked once
        done = c.say("Thượng Lâm" if communes[ref] == THUONG_LAM else "Hà Giang 1")[-1]
        assert "Đã đăng ký nhận tin" in done
    with svc.sessions.begin() as s:  # z2 last wrote 8 days ago: outside Zalo's 7-day window
        s.execute(update(InboxRow).where(InboxRow.user_ref == "z2")
                  .values(received_at=datetime.now(UTC) - timedelta(days=8)))
    send_at = clock.now + timedelta(hours=1)
    cid = svc.outreach.create(m.Draft(title="Cảnh báo", text="Cảnh giác cuộc gọi giả công an.",
                                      audience=m.Audience(topic="scam", communes=(THUONG_LAM,)),
                                      buttons=(m.AnnouncementButton("link", "https://vneid.gov.vn", "VNeID"),),
                                      send_at=send_at), actor="user:1")
    assert svc.outreach.audience_count(m.Audience(topic="scam", communes=(THUONG_LAM,)))["total"] == 4
    svc.outreach.run_once()
    assert svc.outreach.campaign(cid)["figures"]["recipients"] == 0  # not yet: 09:59 is before 11:00
    assert "thôi nhận tin" in people["1004"].say("dừng")[-1]  # opts out between scheduling and sending

    clock.now = send_at + timedelta(seconds=1)
    tg.rate_limit_next = 1  # the first Telegram send answers 429 retry_after=1
    zl.error_next = [-32]  # the first Zalo send answers error -32 (rate limit)
    svc.outreach.run_once()

    def settled() -> bool:
        f = svc.outreach.campaign(cid)["figures"]
        if f[m.QUEUED]:
            _due_now(svc)
        return f[m.QUEUED] == 0

    _send_all(svc, until=settled)
    f = svc.outreach.campaign(cid)["figures"]
    assert (f["recipients"], f[m.SENT], f[m.OUT_OF_WINDOW], f[m.OPTED_OUT]) == (3, 2, 1, 0)
    texts = [x["text"] for x in tg.sent if "giả công an" in x.get("text", "")]
    assert len(texts) == 1 and tg.sent_to(1001)[-1]["text"].startswith("Cảnh giác")  # once, to 1001 only
    assert [x["recipient"]["user_id"] for x in zl.sent if "giả công an" in str(x)] == ["z1"]
    assert tg.calls.count("sendMessage") >= len(tg.sent) + 1  # the 429 was retried
    assert svc.outreach.campaign(cid)["status"] == m.DONE
    # a button press is counted and opens the official page
    reply = people["1001"].say(action=f"oc:{cid}:0")[-1]
    assert "https://vneid.gov.vn" in reply
    assert svc.outreach.campaign(cid)["figures"]["clicked"] == 1
    csv_text = svc.outreach.recipients_csv(cid)
    assert "out_of_window" in csv_text and "1001" not in csv_text  # no chat ids in the export
    # /dulieu shows the subscription
    assert "Đăng ký nhận tin" in "\n".join(people["1001"].say("/dulieu"))


def test_opting_out_withdraws_sends_already_handed_to_the_outbox(
        tmp_path: Path, db_url: str, mini_kb: Path, fakes: tuple[FakeTelegram, FakeZalo]) -> None:
    tg, zl = fakes
    clock = Clock()
    svc = _services(tmp_path, db_url, mini_kb, tg, zl, clock)
    c = Citizen(svc, "telegram", "2001")
    c.say("/start 02269")
    c.say("/nhantin")
    assert "Đã đăng ký" in c.say(action="sub:t:all")[-1]
    cid = svc.outreach.create(m.Draft(title="t", text="Dịch vụ mới: cấp lại CCCD trực tuyến.",
                                      audience=m.Audience(topic="services")), actor="user:1")
    svc.outreach.run_once()
    assert svc.outreach.campaign(cid)["figures"][m.QUEUED] == 1  # in the outbox, not sent yet
    assert "Đã hủy 1 tin" in c.say("/huynhantin")[-1]
    svc.outreach.run_once()
    assert svc.outreach.campaign(cid)["figures"][m.OPTED_OUT] == 1
    _send_all(svc, until=lambda: True)
    assert not any("CCCD" in x.get("text", "") for x in tg.sent)


def test_class_seats_waiting_list_promotion_reminders_and_attendance(
        tmp_path: Path, db_url: str, mini_kb: Path, fakes: tuple[FakeTelegram, FakeZalo]) -> None:
    tg, zl = fakes
    clock = Clock()
    svc = _services(tmp_path, db_url, mini_kb, tg, zl, clock)
    start = (clock.now + timedelta(days=3)).astimezone(TZ).replace(hour=9)
    [class_id] = svc.outreach.add_classes([m.ClassDraft(
        title="Cài VNeID mức 2", commune=THUONG_LAM, place="Nhà văn hóa thôn Nà Khá", starts_at=start,
        ends_at=start + timedelta(hours=2), seats=3, module="vneid", contact="Chị Lan")], actor="user:1")
    people = [Citizen(svc, "telegram", str(3000 + i)) for i in range(5)]
    for p in people:
        p.say("/start 02269")
        listing = p.say("lop hoc gan toi")[-1]
        assert "Cài VNeID mức 2" in listing and "Nhà văn hóa" in listing
    answers = [p.say(action=f"cls:reg:{class_id}")[-1] for p in people]
    assert sum("Đã đăng ký lớp" in a for a in answers) == 3
    assert ["thứ 1" in answers[3], "thứ 2" in answers[4]] == [True, True]
    info = svc.outreach.class_info(class_id)
    assert (info.registered, info.waiting) == (3, 2)
    assert "Đã hủy đăng ký" in people[1].say(action=f"cls:unreg:{class_id}")[-1]
    info = svc.outreach.class_info(class_id)
    assert (info.registered, info.waiting) == (3, 1)
    _send_all(svc, until=lambda: any("Tin vui" in x["text"] for x in tg.sent_to(3003)))

    clock.now = start.astimezone(UTC) - timedelta(days=1)  # the day before, same hour
    svc.outreach.run_once()
    _send_all(svc, until=lambda: all(any("ngày mai" in x["text"] for x in tg.sent_to(int(p.ref)))
                                     for p in (people[0], people[2], people[3])))
    assert not any("ngày mai" in x["text"] for x in tg.sent_to(3001) + tg.sent_to(3004))
    clock.now = start.astimezone(UTC) - timedelta(hours=2)
    svc.outreach.run_once()
    _send_all(svc, until=lambda: any("2 giờ nữa" in x["text"] for x in tg.sent_to(3000)))
    svc.outreach.run_once()  # restart-safe: running again queues nothing more
    assert sum("2 giờ nữa" in x["text"] for x in tg.sent_to(3000)) == 1

    regs = [r for r in svc.outreach.registrations(class_id) if r["status"] == "registered"]
    for r in regs[:2]:
        assert svc.outreach.mark_attendance(class_id, r["id"], True)
    report = svc.outreach.report(class_id)
    assert report["totals"] == {"registered": 3, "waiting": 1, "cancelled": 1, "attended": 2}
    rows = svc.dashboard.learning_table().rows  # the coverage table of the admin dashboard
    mine = [r for r in rows if r["commune"] == THUONG_LAM]
    assert mine and sum(int(r["learners"]) for r in mine) == 2  # attendance counts in coverage
