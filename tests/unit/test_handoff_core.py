"""The pure parts of the hand-off: urgency words (with and without tone marks), service hours, wait
phrases, and the commune search citizens use."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.communes import load_communes_csv
from bot.core.handoff import ServiceHours, TicketSummary, urgency, wait_phrase
from tests.conftest import ROOT


@pytest.mark.parametrize("text,kind", [
    ("tôi bị lừa mất tiền rồi", "scam"),
    ("toi bi lua roi phai lam sao", "scam"),
    ("chuyển nhầm tiền cho người lạ", "wrong_transfer"),
    ("ck nham stk roi", "wrong_transfer"),
    ("tai khoan ngan hang tu nhien mat tien", "lost_money"),
    ("bị trừ tiền mà không biết vì sao", "lost_money"),
    ("facebook cua toi bi hack", "hacked"),
    ("tài khoản zalo bị chiếm đoạt", "hacked"),
    ("lỡ đọc mã OTP cho người lạ", "otp_leaked"),
    ("da dua ma otp cho nguoi ta", "otp_leaked"),
    ("I was scammed", "scam"),
])
def test_urgent_words(text: str, kind: str) -> None:
    assert urgency(text) == kind


@pytest.mark.parametrize("text", [
    "quen mat khau vneid", "cách chuyển tiền bằng mã QR", "làm sao để không bị lừa", "ma otp la gi",
    "phí chuyển khoản bao nhiêu", "đổi mật khẩu facebook thế nào", "",
])
def test_ordinary_questions_are_not_urgent(text: str) -> None:
    assert urgency(text) == ""


def test_service_hours_and_next_opening() -> None:
    h = ServiceHours.parse("07:30-21:00", (0, 1, 2, 3, 4), ZoneInfo("Asia/Ho_Chi_Minh"))
    friday_noon = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 12:00 local
    assert h.is_open(friday_noon)
    friday_night = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # 22:00 local
    assert not h.is_open(friday_night)
    nxt = h.next_open(friday_night)
    assert (nxt.weekday(), nxt.hour, nxt.minute) == (0, 7, 30)  # Monday morning
    with pytest.raises(ValueError):
        ServiceHours.parse("7h-21h", (0,), None)


def test_wait_phrase() -> None:
    assert wait_phrase("vi", None) == ""
    assert "12 phút" in wait_phrase("vi", 12.4)
    assert "2 giờ" in wait_phrase("vi", 130)
    assert "about 5 minutes" in wait_phrase("en", 5)


def test_summary_round_trip_and_text() -> None:
    s = TicketSummary("urgent", commune="02269", commune_name="Xã Thượng Lâm",
                      turns=[{"q": "bi lua", "source": "Bị lừa, mất tiền thì làm gì ngay?", "covered": "1"}])
    again = TicketSummary.from_dict(s.as_dict())
    assert again == s
    assert "KHẨN" in s.as_text() and "Xã Thượng Lâm" in s.as_text()


def test_commune_search_forgives_missing_tones_and_prefixes() -> None:
    d = load_communes_csv((ROOT / "knowledge/communes/tuyen-quang.csv").read_text(encoding="utf-8"))
    assert len(d) == 124
    assert [c.code for c in d.search("thuong lam")] == ["02269"]
    assert [c.code for c in d.search("Xã Thượng Lâm")] == ["02269"]
    assert [c.code for c in d.search("2269")] == ["02269"]
    assert d.search("chiem hoa")[0].name == "Xã Chiêm Hoá"
    assert d.search("thuong lamm")[0].code == "02269"  # a typo
    assert {c.name for c in d.search("ha giang")} == {"Phường Hà Giang 1", "Phường Hà Giang 2"}
    assert d.search("zzzz") == [] and d.search("") == []
