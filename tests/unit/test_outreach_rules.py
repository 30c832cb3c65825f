"""The pure rules of outreach (bot/core/outreach/model.py) and the per-process send throttle."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.base import SendError
from bot.channels.throttle import ThrottledSender
from bot.core.messages import Reply
from bot.core.outreach import model as m

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _vn(h: int, mi: int = 0, day: int = 7) -> datetime:
    return datetime(2026, 12, day, h, mi, tzinfo=TZ)


def test_a_time_in_the_quiet_hours_moves_to_six_in_the_morning_local() -> None:
    assert m.allowed_time(_vn(23, 30), TZ) == _vn(6, 0, day=8).astimezone(UTC)
    assert m.allowed_time(_vn(2, 0), TZ) == _vn(6, 0).astimezone(UTC)
    assert m.allowed_time(_vn(21, 59), TZ) == _vn(21, 59).astimezone(UTC)
    assert m.allowed_time(_vn(6, 0), TZ) == _vn(6, 0).astimezone(UTC)
    assert m.in_quiet_hours(_vn(22, 0), TZ) and not m.in_quiet_hours(_vn(12, 0), TZ)


def test_a_naive_time_is_refused() -> None:
    try:
        m.allowed_time(datetime(2026, 12, 7, 9), TZ)
    except ValueError:
        return
    raise AssertionError("naive datetime accepted")


def test_recipient_leaves_queued_once_for_a_final_status() -> None:
    assert m.can_move(m.QUEUED, m.SENT) and m.can_move(m.QUEUED, m.OUT_OF_WINDOW)
    assert not m.can_move(m.SENT, m.QUEUED) and not m.can_move(m.OPTED_OUT, m.SENT)
    assert m.campaign_can_move(m.PAUSED, m.CANCELLED) and not m.campaign_can_move(m.DONE, m.SENDING)


def test_audience_matches_only_active_subscribers_of_the_topic_and_filters() -> None:
    sub = m.Subscription("zalo", "z", frozenset({"scam"}), commune="02269", group="cao_tuoi", lang="vi")
    assert m.Audience("scam", communes=("02269",), groups=("cao_tuoi",)).matches(sub)
    assert not m.Audience("classes").matches(sub)
    assert not m.Audience("scam", channels=("telegram",)).matches(sub)
    assert not m.Audience("scam").matches(m.Subscription("zalo", "z", frozenset({"scam"}), active=False))


def test_announcement_buttons_only_link_to_official_sites_and_at_most_three() -> None:
    ok = m.Draft("t", "x", m.Audience("scam"), (m.AnnouncementButton("link", "https://dichvucong.gov.vn/p", "DVC"),))
    assert m.validate(ok, official_domains=["gov.vn"]) == []
    bad = m.Draft("t", "x", m.Audience("scam"), (m.AnnouncementButton("link", "https://dichvucong-gov.vn.com", "x"),
                                                  *(m.AnnouncementButton("guide", "g", "g") for _ in range(3))))
    errors = m.validate(bad, official_domains=["gov.vn"])
    assert any("chính thống" in e for e in errors) and any("Tối đa 3" in e for e in errors)
    officer = m.validate(ok, official_domains=["gov.vn"], allowed_communes=["02269"])
    assert officer and "xã/phường" in officer[0]


def test_seats_then_waiting_list_and_first_come_first_promoted() -> None:
    assert [m.seat_for(3, n) for n in range(5)] == ["registered"] * 3 + ["waiting"] * 2
    assert m.to_promote(3, 2, [14, 15]) == [14]
    assert m.to_promote(3, 3, [14]) == []


def test_reminders_the_day_before_and_two_hours_before_never_at_night() -> None:
    times = dict(m.reminder_times(_vn(7, 0, day=10), TZ))
    assert times["day_before"] == _vn(7, 0, day=9).astimezone(UTC)
    assert times["two_hours"] == _vn(6, 0, day=10).astimezone(UTC)  # 05:00 is quiet: 06:00
    late = dict(m.reminder_times(_vn(9, 0, day=10), TZ, created_at=_vn(8, 0, day=10)))
    assert late == {}  # published an hour before: both moments have passed


def test_class_csv_errors_name_the_row_and_import_nothing() -> None:
    text = ("title,commune,place,starts_at,ends_at,seats\n"
            "Lớp A,02269,Nhà văn hóa,2026-12-20 08:00,2026-12-20 10:00,20\n"
            "Lớp B,99999,Trường,2026-12-20 10:00,2026-12-20 09:00,0\n")
    drafts, errors = m.parse_classes_csv(text, TZ, communes_known=["02269"])
    assert len(drafts) == 1 and drafts[0].starts_at == _vn(8, 0, day=20).astimezone(UTC)
    assert errors and errors[0].startswith("dòng 3") and "số chỗ" in errors[0] and "99999" in errors[0]


def test_csv_export_cannot_run_a_formula() -> None:
    out = m.csv_text(("a",), [["=HYPERLINK(\"x\")"], ["+1"], ["ok"]])
    assert out.splitlines()[1:] == ["\"'=HYPERLINK(\"\"x\"\")\"", "'+1", "ok"]


class _Recording:
    channel = "telegram"

    def __init__(self) -> None:
        self.at: list[tuple[float, str]] = []
        self.fail_next: SendError | None = None

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, user_ref: str, reply: Reply, meta: dict[str, object]) -> str:
        if self.fail_next is not None:
            exc, self.fail_next = self.fail_next, None
            raise exc
        self.at.append((time.monotonic(), user_ref))
        return "1"


def test_throttle_keeps_the_rate_per_second_and_one_per_chat_and_pauses_after_retry_after() -> None:
    inner = _Recording()
    t = ThrottledSender(inner, rate=20, per_chat_s=0.5)

    async def run() -> float:
        meta = {"campaign": 1}
        await asyncio.gather(*(t.send(str(i % 10), Reply("x"), meta) for i in range(30)))
        inner.fail_next = SendError("telegram rate limit: retry after 0.4s", retry_after=0.4)
        with contextlib.suppress(SendError):
            await t.send("99", Reply("x"), meta)
        before = time.monotonic()
        await t.send("98", Reply("x"), {})  # a plain reply waits for the pause too
        return time.monotonic() - before

    waited = asyncio.run(run())
    times = [a for a, _ in inner.at[:30]]
    assert times[-1] - times[0] >= 29 / 20 * 0.95  # 20 per second
    for chat in {u for _, u in inner.at[:30]}:
        mine = [a for a, u in inner.at[:30] if u == chat]
        assert all(b - a >= 0.45 for a, b in itertools.pairwise(mine))
    assert waited >= 0.3
    assert timedelta(seconds=waited) < timedelta(seconds=2)
