"""The hand-off extras' rules (bot/core/helpdesk), pure: team hours with days off, the wait estimate and
its fallbacks, queue places and when a move is worth telling, snippet search without tone marks, file
checks by content, and the out-of-hours reply with and without a hotline (a hand-written fake store)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.core.helpdesk.chat import HelpdeskChat, asks_wait
from bot.core.helpdesk.csat import CsatRecord, by_group, weekly_trend
from bot.core.helpdesk.files import CITIZEN_KINDS, VOLUNTEER_KINDS, FileRejected, accept, new_file_id, sniff
from bot.core.helpdesk.ports import QueueStatus
from bot.core.helpdesk.presence import TypingDebounce, route_order
from bot.core.helpdesk.queue import Estimate, QueueEntry, WaitSample, estimate, position, worth_telling
from bot.core.helpdesk.schedule import ScheduleError, TeamSchedule
from bot.core.helpdesk.snippets import Snippet, guide_text, search
from bot.core.messages import ConversationState, InboundMessage
from bot.storage.filestore import clean_image

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_next_opening_skips_days_off_and_closed_weekdays_in_vietnam_time() -> None:
    team = TeamSchedule.build("02269", "07:30-11:00", [0, 1, 2, 3, 4], ["2026-09-02"])  # National Day off
    tue_evening = datetime(2026, 9, 1, 14, 0, tzinfo=UTC)  # 21:00 in Hà Nội
    assert not team.is_open(tue_evening, HCM)
    nxt = team.next_open(tue_evening, HCM)
    assert nxt == datetime(2026, 9, 3, 7, 30, tzinfo=HCM)  # Wednesday 2/9 is off: Thursday
    assert team.is_open(datetime(2026, 9, 3, 1, 0, tzinfo=UTC), HCM)  # 08:00 local
    fri_noon = datetime(2026, 9, 4, 5, 0, tzinfo=UTC)
    assert team.next_open(fri_noon, HCM) == datetime(2026, 9, 7, 7, 30, tzinfo=HCM)  # the weekend: Monday
    with pytest.raises(ScheduleError):
        TeamSchedule.build("x", "21:00-07:00", [0], [])
    with pytest.raises(ScheduleError):
        TeamSchedule.build("x", "07:00-21:00", [7], [])
    with pytest.raises(ScheduleError):
        TeamSchedule.build("x", "07:00-21:00", [1], ["2/9"])
    assert TeamSchedule.build("x", "07:00-21:00", [0], [date(2026, 1, 5).isoformat()]).next_open(
        datetime(2026, 1, 5, 3, tzinfo=UTC), HCM) == datetime(2026, 1, 12, 7, 0, tzinfo=HCM)


def test_estimate_takes_the_narrowest_group_with_enough_figures_and_says_when_there_are_none() -> None:
    s = [WaitSample("02269", 9, 10), WaitSample("02269", 9, 20), WaitSample("02269", 9, 30),
         WaitSample("02269", 15, 90), WaitSample("00691", 9, 5), WaitSample("00691", 15, 6)]
    assert estimate(s, commune="02269", hour=9) == Estimate(20, "commune_hour", 3)
    assert estimate(s, commune="02269", hour=15) == Estimate(25, "commune", 4)
    assert estimate(s, commune="00691", hour=9) == Estimate(15, "province_hour", 4)  # 5, 10, 20, 30
    assert estimate(s, commune="", hour=3).basis == "province"
    assert estimate(s[:2], commune="02269", hour=9) == Estimate(None, "none", 2)


def test_queue_places_put_urgent_first_and_only_meaningful_moves_are_told() -> None:
    t = [datetime(2026, 1, 1, 8, m, tzinfo=UTC) for m in range(6)]
    q = [QueueEntry(1, "normal", "A", False, t[0]), QueueEntry(2, "normal", "A", False, t[1]),
         QueueEntry(3, "urgent", "A", False, t[2]), QueueEntry(4, "normal", "B", False, t[3]),
         QueueEntry(5, "normal", "", True, t[4])]
    assert [position(q, i) for i in (1, 2, 3, 4, 5, 99)] == [2, 3, 1, 1, 1, 0]
    assert worth_telling(2, 1) and worth_telling(9, 6) and worth_telling(5, 3)
    assert not worth_telling(5, 4) and not worth_telling(1, 2) and not worth_telling(0, 1) and not worth_telling(3, 3)


def test_router_order_skips_away_volunteers_and_typing_is_debounced() -> None:
    assert route_order({1: "busy", 2: "away", 3: "available"}) == [3, 1]
    d = TypingDebounce(4)
    assert d.should_send("t1", 0.0) and not d.should_send("t1", 3.9) and d.should_send("t1", 4.0)
    assert d.should_send("t2", 1.0)


def test_wait_questions_are_recognised_with_or_without_tone_marks() -> None:
    for q in ("còn bao lâu?", "con bao lau nua", "Bao giờ có người trả lời?", "bao lau thi co nguoi",
              "how long do I wait?", "den luot toi chua"):
        assert asks_wait(q), q
    for q in ("bao lâu thì cấp lại căn cước", "mật khẩu vneid", "lâu quá"):
        assert not asks_wait(q), q


def test_snippet_search_ignores_tone_marks_and_puts_title_hits_first() -> None:
    s = [Snippet(1, "Đặt lại mật khẩu", "Bấm Quên mật khẩu", "team", None, ""),
         Snippet(2, "Chào hỏi", "Bác cần đặt lại mật khẩu ạ?", "personal", 7, ""),
         Snippet(3, "Hỏi điện thoại", "Android hay iPhone?", "personal", 7, "")]
    assert [x.id for x in search(s, "mat khau")] == [1, 2]
    assert [x.id for x in search(s, "DIEN tho")] == [3]
    assert search(s, "ngan hang") == []
    assert [x.id for x in search(s, "")][:2] == [2, 3]  # personal first when listing all
    text = guide_text("Quên mật khẩu VNeID", "1. Mở VNeID\n2. Bấm Quên mật khẩu", "https://vneid.gov.vn")
    assert text.startswith("Quên mật khẩu VNeID\n\n1. Mở VNeID") and text.endswith("Xem thêm: https://vneid.gov.vn")
    long = guide_text("T", "\n".join(f"{i}. bước {'x' * 50}" for i in range(100)), "", max_chars=300)
    assert len(long) <= 300 and long.splitlines()[-1].endswith("x")  # whole steps only


def _jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 49.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_files_are_judged_by_their_bytes_and_pictures_lose_their_metadata() -> None:
    jpg = _jpeg_with_exif()
    assert sniff(jpg) == "image/jpeg" and sniff(b"%PDF-1.7") == "application/pdf" and sniff(b"MZ\x90") == ""
    assert accept(jpg, allowed=CITIZEN_KINDS) == "image/jpeg"
    with pytest.raises(FileRejected) as e:
        accept(b"%PDF-1.7", allowed=CITIZEN_KINDS)  # citizens send pictures only
    assert e.value.reason == "type"
    assert accept(b"%PDF-1.7", allowed=VOLUNTEER_KINDS) == "application/pdf"
    with pytest.raises(FileRejected) as e:
        accept(jpg, allowed=CITIZEN_KINDS, max_bytes=100)
    assert e.value.reason == "too_large"
    with pytest.raises(FileRejected):
        accept(b"", allowed=CITIZEN_KINDS)
    clean, mime = clean_image(jpg)
    assert mime == "image/jpeg" and not Image.open(io.BytesIO(clean)).getexif()
    with pytest.raises(FileRejected) as e:
        clean_image(_jpeg_with_exif((2000, 2000)), max_pixels=1_000_000)
    assert e.value.reason == "pixels"
    with pytest.raises(FileRejected) as e:
        clean_image(b"\xff\xd8\xff" + b"\x00" * 100)
    assert e.value.reason == "broken"
    ids = {new_file_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 24 for i in ids)


class FakeStore:
    def __init__(self, status: QueueStatus | None) -> None:
        self.status, self.told_at, self.left, self.scores = status, [], [], []  # type: ignore[var-annotated]

    def queue_status(self, channel: str, user_ref: str) -> QueueStatus | None:
        return self.status

    def told(self, ticket_id: int, position: int) -> None:
        self.told_at.append(position)

    def leave_question(self, ticket_id: int) -> None:
        self.left.append(ticket_id)

    def record_score(self, ticket_id: int, channel: str, user_ref: str, score: int) -> str:
        self.scores.append(score)
        return "ok" if len(self.scores) == 1 else "already"

    def record_comment(self, ticket_id: int, channel: str, user_ref: str, comment: str) -> bool:
        return True

    def attach(self, ticket_id: int, channel: str, ref: str, *, caption: str, source_msg_id: str) -> str:
        return "ok"


def _msg(**kw: object) -> InboundMessage:
    return InboundMessage(channel="web", user_ref="u1", platform_msg_id="m1", received_at=datetime.now(UTC), **kw)  # type: ignore[arg-type]


def test_out_of_hours_offers_the_hotline_only_when_configured() -> None:
    closed = QueueStatus(7, "open", 2, Estimate(None, "none", 0), False, datetime(2026, 9, 3, 7, 30, tzinfo=HCM))
    st = ConversationState(state="waiting_volunteer")
    plain = HelpdeskChat(FakeStore(closed)).status_reply(_msg(), st)[0]
    assert "trực lại từ 07:30 thứ Năm, ngày 03/09" in plain.text and "đường dây nóng" not in plain.text
    assert [b.action for b in plain.buttons] == ["hx:leave:7"]
    store = FakeStore(closed)
    chat = HelpdeskChat(store, hotline="0207 000 0000")
    r = chat.status_reply(_msg(), st)[0]
    assert [b.action for b in r.buttons] == ["hx:leave:7", "hx:hotline"] and store.told_at == [2]
    assert "0207 000 0000" in chat.action(_msg(), "hotline", st)[0].text
    assert chat.action(_msg(), "leave:7", st) and store.left == [7]
    assert chat.rate(_msg(), "7", "9", st) == []  # not a score
    assert "Góp ý" in [b.title for b in chat.rate(_msg(), "7", "4", st)[0].buttons]
    assert "rồi" in chat.rate(_msg(), "7", "5", st)[0].text  # once only
    open_now = QueueStatus(8, "open", 1, Estimate(95, "commune", 5), True, None)
    assert "khoảng 2 giờ (theo 5 phiếu gần đây)" in HelpdeskChat(FakeStore(open_now)).status_reply(_msg(), st)[0].text


def test_satisfaction_groups_and_weekly_trend_count_low_scores() -> None:
    now = datetime(2026, 9, 10, 5, tzinfo=UTC)
    recs = [CsatRecord(1, 5, datetime(2026, 9, 9, tzinfo=UTC), "A", "Lan", "vneid"),
            CsatRecord(2, 1, datetime(2026, 9, 8, tzinfo=UTC), "A", "Lan", "safety"),
            CsatRecord(3, 4, datetime(2026, 9, 1, tzinfo=UTC), "B", "Minh", "vneid")]
    teams = {g.key: g.as_dict() for g in by_group(recs, "team")}
    assert teams["A"] == {"key": "A", "count": 2, "mean": 3.0, "low": 1}
    trend = weekly_trend(recs, HCM, weeks=3, now=now)
    assert [(w["week"], w["count"]) for w in trend] == [("2026-08-24", 0), ("2026-08-31", 1), ("2026-09-07", 2)]


def test_voice_notes_are_told_by_their_bytes_and_only_accepted_as_audio() -> None:
    from bot.core.helpdesk.files import AUDIO_KINDS

    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"
    m4a = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"
    assert [sniff(x) for x in (b"OggS\x00\x02", webm, m4a, b"\xff\xf1\x50\x80", b"ID3\x04", b"RIFF\x24\x00\x00\x00WAVEfmt ")] \
        == ["audio/ogg", "audio/webm", "audio/mp4", "audio/aac", "audio/mpeg", "audio/wav"]
    assert sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"  # RIFF alone says nothing
    assert accept(b"OggS\x00\x02", allowed=AUDIO_KINDS) == "audio/ogg"
    for allowed in (CITIZEN_KINDS, VOLUNTEER_KINDS):  # a recording never passes as a picture or a PDF
        with pytest.raises(FileRejected):
            accept(b"OggS\x00\x02", allowed=allowed)
    with pytest.raises(FileRejected):
        accept(b"MZ\x90\x00", allowed=AUDIO_KINDS)
