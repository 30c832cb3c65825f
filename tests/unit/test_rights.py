"""/dulieu and /xoa in the conversation engine, with an in-memory PersonalData port."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.answering.service import AnswerService, Calibration
from bot.core.conversation.engine import ConversationService
from bot.core.messages import ConversationState, InboundMessage
from bot.core.privacy.rights import RightsService
from tests.fakes_core import FakeRetriever, RecordingLog, passage


@dataclass
class MemoryData:
    records: dict[tuple[str, str], dict[str, list[dict[str, object]]]] = field(default_factory=dict)
    erased: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    def export(self, channel: str, user_ref: str) -> dict[str, list[dict[str, object]]]:
        return {k: list(v) for k, v in self.records.get((channel, user_ref), {}).items() if v}

    def erase(self, channel: str, user_ref: str, *, actor: str = "") -> dict[str, int]:
        if self.fail:
            raise RuntimeError("database down")
        self.erased.append((channel, user_ref))
        gone = self.records.pop((channel, user_ref), {})
        return {k: len(v) for k, v in gone.items()}


def engine(data: MemoryData, **kw: object) -> ConversationService:
    r = FakeRetriever((passage("a", 0.9),))
    svc = AnswerService(r, calibration=Calibration((-6.0, 0.0, 12.0, 0.0), 0.5), question_log=RecordingLog())
    return ConversationService(svc, rights=RightsService(data, retention_days=30, **kw))  # type: ignore[arg-type]


def msg(kind: str, text: str = "", action: str = "", channel: str = "telegram") -> InboundMessage:
    return InboundMessage(channel=channel, user_ref="42", platform_msg_id="1", received_at=datetime.now(UTC),
                          kind=kind, text=text, action=action)


DATA = {"messages": [{"at": "2026-12-01T10:00:00", "kind": "text", "text": "số CCCD [CCCD] quên mật khẩu"}],
        "consent": [{"at": "2026-12-01T10:00:05", "choice": "given", "notice_version": "v2"}]}


def test_dulieu_gives_a_readable_summary_and_the_json_on_a_messenger() -> None:
    data = MemoryData({("telegram", "42"): dict(DATA)})
    st = ConversationState(greeted=True, consent="given")
    summary, js = engine(data).handle(msg("command", "/dulieu"), st)
    assert "Tin nhắn bạn đã gửi: 1" in summary.text and "2026-12-01" in summary.text and "30 ngày" in summary.text
    assert js.kind == "export"
    assert json.loads(js.text.split("\n", 1)[1]) == DATA


def test_dulieu_on_the_web_links_the_download_instead() -> None:
    data = MemoryData({("web", "42"): dict(DATA)})
    st = ConversationState(greeted=True, lang="en")
    (reply,) = engine(data, export_links={"web": "/api/chat/{user_ref}/export"}).handle(
        msg("command", "/dulieu", channel="web"), st)
    assert reply.text.startswith("The data I keep about you")
    assert reply.sources[0].url == "/api/chat/42/export"


def test_dulieu_with_nothing_kept_says_so() -> None:
    (reply,) = engine(MemoryData()).handle(msg("command", "/dulieu"), ConversationState())
    assert reply.text == "Tôi không giữ dữ liệu nào về bạn."


def test_xoa_asks_first_then_erases_and_resets_the_conversation() -> None:
    data = MemoryData({("telegram", "42"): dict(DATA)})
    conv = engine(data)
    st = ConversationState(greeted=True, consent="given", lang="en", previous_questions=["x"], commune="02264")
    (ask,) = conv.handle(msg("command", "/xoa"), st)
    assert [b.action for b in ask.buttons] == ["rights:erase", "rights:keep"] and data.erased == []
    (kept,) = conv.handle(msg("text", "2"), st)  # typed "2" = the second button: keep
    assert "Nothing was deleted" in kept.text and data.erased == []
    conv.handle(msg("command", "/xoa"), st)
    (done,) = conv.handle(msg("action", action="rights:erase"), st)
    assert data.erased == [("telegram", "42")] and "deleted" in done.text
    assert st.consent == "" and not st.greeted and st.previous_questions == [] and st.commune == "" and st.lang == "en"
    again = conv.handle(msg("text", "quên mật khẩu"), st)  # the next message shows the notice again
    assert again[-1].kind == "notice" and "30" in again[-1].text


def test_a_failed_erasure_says_so_and_keeps_the_state() -> None:
    data = MemoryData({("telegram", "42"): dict(DATA)}, fail=True)
    st = ConversationState(greeted=True, consent="given")
    (reply,) = engine(data).handle(msg("action", action="rights:erase"), st)
    assert "chưa xóa được" in reply.text and st.consent == "given"


def test_the_sensitive_warning_comes_first_for_otp_password_card_and_id() -> None:
    conv = engine(MemoryData())
    for text in ("mã OTP là 482913", "mat khau la Hoa@1990", "thẻ 4111 1111 1111 1111", "cccd 001203004567"):
        st = ConversationState(greeted=True, consent="given")
        replies = conv.handle(msg("text", text), st)
        assert replies[0].kind == "warning", text
        assert "công an" in replies[0].text and "kể cả" in replies[0].text
    st = ConversationState(greeted=True, consent="given")
    assert conv.handle(msg("text", "quên mật khẩu vneid"), st)[0].kind != "warning"
