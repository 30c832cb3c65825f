"""Voice rules (issue 23) with fakes: speech normalisation, transcript judging, confirm-before-answering,
retry / type / volunteer, the "Nghe" button and the "always send voice" preference."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.conversation.engine import ConversationService
from bot.core.messages import ConversationState, InboundMessage
from bot.core.voice.flow import VoiceChat, judge, tidy
from bot.core.voice.speech import digits_words, number_words, speakable
from tests.fakes_core import engine


def voice_msg(heard: str, text: str = "", msg_id: str = "v1") -> InboundMessage:
    return InboundMessage(channel="telegram", user_ref="u1", platform_msg_id=msg_id, received_at=datetime.now(UTC),
                          kind="voice", text=text, meta={"audio": "tg:abc", "heard": heard})


def action(a: str) -> InboundMessage:
    return InboundMessage(channel="telegram", user_ref="u1", platform_msg_id="a", received_at=datetime.now(UTC),
                          kind="action", action=a)


def voice_engine() -> tuple[ConversationService, object]:
    conv, log, desk = engine()
    conv.voice = VoiceChat(max_seconds=60)
    conv.log = log  # type: ignore[attr-defined]
    return conv, desk


@pytest.mark.parametrize(("n", "words"), [
    (0, "không"), (10, "mười"), (15, "mười lăm"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (105, "một trăm linh năm"),
    (2050, "hai nghìn không trăm năm mươi"), (50_000, "năm mươi nghìn"), (1_500_000, "một triệu năm trăm nghìn"),
    (2025, "hai nghìn không trăm hai mươi lăm"), (3_000_000_000, "ba tỷ"),
])
def test_numbers_are_read_in_vietnamese_words(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize(("text", "spoken"), [
    ("Mang theo CCCD", "Mang theo căn cước công dân"),
    ("quên mật khẩu VNeID", "quên mật khẩu vê en e ai đi"),
    ("Gọi 1900 0368", "Gọi một chín không không, không ba sáu tám"),
    ("Gọi 19000368", "Gọi một chín không không, không ba sáu tám"),
    ("Báo ngay 113", "Báo ngay một một ba"),
    ("Lệ phí 50.000 đồng", "Lệ phí năm mươi nghìn đồng"),
    ("Phí 30k", "Phí ba mươi nghìn"),
    ("Từ 1/7/2025", "Từ ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm"),
    ("từ ngày 15/08/2025", "từ ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm"),
    ("Vào https://dichvucong.gov.vn/p/home để nộp", "Vào địa chỉ dịch vụ công chấm gờ o vê chấm vê en để nộp"),
    ("giảm 50%", "giảm năm mươi phần trăm"),
    ("**Chú ý:** mở app", "Chú ý: mở ứng dụng"),
])
def test_answers_are_normalised_for_speech(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


def test_numbered_steps_become_spoken_steps_and_long_text_is_cut_at_a_sentence() -> None:
    assert speakable("1. Mở ứng dụng\n2. Chọn Quên mật khẩu") == "Bước một. Mở ứng dụng\nBước hai. Chọn Quên mật khẩu"
    long = "Câu một rất dài. " * 200
    out = speakable(long, max_chars=300)
    assert len(out) <= 300 and out.endswith(".")
    assert digits_words("0912.345.678") == "không chín một hai, ba bốn năm, sáu bảy tám"


def test_transcripts_are_judged_by_the_recogniser_scores() -> None:
    assert judge("quên mật khẩu VNeID", avg_logprob=-0.4, no_speech_prob=0.1) == "ok"
    assert judge("wên mặt khau vên ai", avg_logprob=-1.3, no_speech_prob=0.1) == "low"
    assert judge("ừ", avg_logprob=-0.2, no_speech_prob=0.1) == "empty"
    assert judge("cảm ơn", avg_logprob=-0.5, no_speech_prob=0.9) == "empty"


def test_a_clear_transcript_is_confirmed_before_it_is_answered_then_answered_on_yes() -> None:
    conv, _ = voice_engine()
    st = ConversationState(consent="given", greeted=True)
    first = conv.handle(voice_msg("queued"), st)
    assert "đang nghe" in first[0].text
    confirm = conv.handle(voice_msg("ok", "quên mật khẩu VNeID", "v1:heard"), st)
    assert confirm[0].text == "Bác hỏi: «quên mật khẩu VNeID» — đúng không?"
    assert [b.action for b in confirm[0].buttons] == ["voice:yes", "voice:again", "voice:type"]
    assert conv.log.records == []  # type: ignore[attr-defined]  # nothing asked of the retriever yet
    answered = conv.handle(action("voice:yes"), st)
    assert answered[0].kind == "answer"
    assert [r.question for r in conv.log.records] == ["quên mật khẩu VNeID"]  # type: ignore[attr-defined]
    assert answered[0].buttons[0].action == "voice:listen"  # "Nghe" first, so it survives Zalo's 5 buttons
    assert st.voice_pending == "" and st.turns[-1]["q"] == "quên mật khẩu VNeID"
    assert conv.handle(action("voice:yes"), st)[0].text.startswith("Tôi không còn giữ")  # a second press


@pytest.mark.parametrize(("heard", "shown"), [
    ("Quên mật khẩu V NeID,", "Quên mật khẩu VNeID,"), ("quên mật khẩu VN eID", "quên mật khẩu VNeID"),
    ("cài V-NeID", "cài VNeID"), ("app vneid", "app VNeID"), ("tra cứu V ss ID", "tra cứu VssID"),
    ("Vì sao  V ngân hàng", "Vì sao V ngân hàng"),  # no app name here: only the spaces change
])
def test_app_names_the_recogniser_splits_are_joined_again(heard: str, shown: str) -> None:
    assert tidy(heard) == shown


def test_a_split_app_name_is_confirmed_and_asked_whole() -> None:
    conv, _ = voice_engine()
    st = ConversationState(consent="given", greeted=True)
    confirm = conv.handle(voice_msg("ok", "Quên mật khẩu V NeID,", "v1:heard"), st)
    assert confirm[0].text == "Bác hỏi: «Quên mật khẩu VNeID,» — đúng không?"
    conv.handle(action("voice:yes"), st)
    assert [r.question for r in conv.log.records] == ["Quên mật khẩu VNeID,"]  # type: ignore[attr-defined]


def test_digits_typed_for_the_confirmation_buttons_work_on_channels_without_buttons() -> None:
    conv, _ = voice_engine()
    st = ConversationState(consent="given", greeted=True)
    conv.handle(voice_msg("ok", "quên mật khẩu VNeID", "v1:heard"), st)
    typed = replace(voice_msg("ok"), kind="text", text="2", meta={})
    assert "nút micro" in conv.handle(typed, st)[0].text and st.voice_pending == ""


def test_a_low_confidence_transcript_offers_retry_typing_or_a_volunteer_who_sees_it() -> None:
    conv, desk = voice_engine()
    st = ConversationState(consent="given", greeted=True)
    low = conv.handle(voice_msg("low", "wên mặt khau", "v1:heard"), st)
    assert "nghe chưa rõ" in low[0].text and "wên mặt khau" in low[0].text
    assert [b.action for b in low[0].buttons] == ["voice:again", "voice:type", "voice:volunteer"]
    opened = conv.handle(action("voice:volunteer"), st)
    assert opened[0].kind == "ticket"
    req = desk.requests[-1]  # type: ignore[attr-defined]
    assert req["reason"] == "voice" and "wên mặt khau" in req["summary"].context  # type: ignore[union-attr]


@pytest.mark.parametrize(("heard", "phrase"), [
    ("busy", "đang bận, bác thử lại sau"), ("too_long", "dưới 60 giây"), ("too_large", "lớn quá"),
    ("unreadable", "không mở được"), ("timeout", "không mở được"), ("unavailable", "chưa nghe được"),
])
def test_voice_notes_that_cannot_be_heard_get_a_clear_message(heard: str, phrase: str) -> None:
    conv, _ = voice_engine()
    replies = conv.handle(voice_msg(heard), ConversationState(consent="given", greeted=True))
    assert phrase in replies[0].text


def test_without_the_voice_feature_a_voice_note_is_politely_unsupported() -> None:
    conv, _log, _ = engine()
    replies = conv.handle(voice_msg("queued"), ConversationState(consent="given", greeted=True))
    assert "chỉ đọc được tin nhắn chữ" in replies[0].text


def test_listen_reads_the_last_answer_normalised_and_always_voice_adds_it_to_every_answer() -> None:
    conv, _ = voice_engine()
    st = ConversationState(consent="given", greeted=True)
    assert "Chưa có câu trả lời" in conv.handle(action("voice:listen"), st)[0].text
    conv.handle(replace(voice_msg("ok"), kind="text", text="quên mật khẩu VNeID", meta={}), st)
    st.voice_last = "Gọi 1900 0368 hoặc mang CCCD."
    spoken = conv.handle(action("voice:listen"), st)
    assert spoken[0].kind == "voice"
    assert spoken[0].text == "Gọi một chín không không, không ba sáu tám hoặc mang căn cước công dân."
    assert spoken[0].buttons[0].action == "voice:always:on"
    conv.handle(action("voice:always:on"), st)
    replies = conv.handle(replace(voice_msg("ok"), kind="text", text="quên mật khẩu VNeID", meta={}), st)
    kinds = [r.kind for r in replies]
    assert kinds[:2] == ["answer", "voice"] and replies[1].buttons[0].action == "voice:always:off"
    conv.handle(action("voice:always:off"), st)
    assert not st.voice_always


def test_a_transcript_while_a_volunteer_answers_goes_to_the_ticket() -> None:
    conv, desk = voice_engine()
    st = ConversationState(consent="given", greeted=True, state="with_volunteer")
    desk.status = "claimed"  # type: ignore[attr-defined]
    desk.requests.append({})  # type: ignore[attr-defined]
    assert conv.handle(voice_msg("ok", "tôi vẫn chưa vào được", "v2:heard"), st) == []
    assert "tôi vẫn chưa vào được" in desk.relayed[-1]  # type: ignore[attr-defined]


class KeptVoiceStore:
    """The helpdesk port as far as voice notes go: what was attached to which ticket."""

    def __init__(self) -> None:
        self.attached: list[tuple[int, str, str]] = []

    def queue_status(self, channel: str, user_ref: str) -> None:
        return None

    def attach_voice(self, ticket_id: int, channel: str, token: str, *, caption: str, source_msg_id: str) -> str:
        self.attached.append((ticket_id, token, source_msg_id))
        return "ok"


def kept_msg(heard: str, text: str, msg_id: str, token: str) -> InboundMessage:
    msg = voice_msg(heard, text, msg_id)
    return replace(msg, meta={**msg.meta, "kept": token})


def test_a_kept_recording_goes_to_the_ticket_the_citizen_asks_for_from_a_doubtful_transcript() -> None:
    from bot.core.helpdesk.chat import HelpdeskChat

    conv, desk = voice_engine()
    store = KeptVoiceStore()
    conv.helpdesk = HelpdeskChat(store)  # type: ignore[arg-type]
    st = ConversationState(consent="given", greeted=True)
    conv.handle(kept_msg("low", "wên mặt khau", "v1:heard", "tok-1"), st)
    assert st.voice_kept == "tok-1" and store.attached == []
    opened = conv.handle(action("voice:volunteer"), st)
    assert opened[0].kind == "ticket"
    assert store.attached == [(1, "tok-1", "telegram:a:audio")] and st.voice_kept == ""

    conv.handle(kept_msg("ok", "quên mật khẩu", "v2:heard", "tok-2"), st)  # while the ticket waits
    assert "quên mật khẩu" in desk.relayed[-1]  # type: ignore[attr-defined]
    assert store.attached[-1] == (1, "tok-2", "telegram:v2:heard:audio")  # the transcript and its recording


def test_a_recording_the_citizen_confirmed_or_retried_is_not_given_to_a_later_ticket() -> None:
    from bot.core.helpdesk.chat import HelpdeskChat

    conv, _desk = voice_engine()
    store = KeptVoiceStore()
    conv.helpdesk = HelpdeskChat(store)  # type: ignore[arg-type]
    st = ConversationState(consent="given", greeted=True)
    conv.handle(kept_msg("ok", "quên mật khẩu VNeID", "v1:heard", "tok-1"), st)
    conv.handle(action("voice:again"), st)
    assert st.voice_kept == ""
    conv.handle(replace(action("volunteer"), platform_msg_id="b"), st)
    assert store.attached == []


def test_without_retention_no_recording_is_attached() -> None:
    from bot.core.helpdesk.chat import HelpdeskChat

    conv, desk = voice_engine()
    store = KeptVoiceStore()
    conv.helpdesk = HelpdeskChat(store)  # type: ignore[arg-type]
    st = ConversationState(consent="given", greeted=True, state="with_volunteer")
    desk.status = "claimed"  # type: ignore[attr-defined]
    desk.requests.append({})  # type: ignore[attr-defined]
    conv.handle(voice_msg("ok", "tôi vẫn chưa vào được", "v2:heard"), st)  # no "kept" token
    assert desk.relayed and store.attached == []  # type: ignore[attr-defined]
