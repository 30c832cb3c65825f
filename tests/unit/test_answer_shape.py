"""Answers that fit the question (issue 19): the direct answer from the guide's facts, clarifying
questions with buttons and the remembered choice, corrections, the calibration per query kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.answering.service import AnswerService, Calibration
from bot.core.answering.shaping import asked_kind, correction, direct_answer
from bot.core.conversation.engine import ConversationService
from bot.core.evaluation import expected_calibration_error, split_of
from bot.core.messages import ConversationState, InboundMessage
from bot.core.types import Fact
from tests.fakes_core import CAL, FakeRetriever, passage

FEE = Fact(text="Lệ phí cấp lại thẻ căn cước là 70.000 đồng.", kind="fee",
           source="https://dichvucong.gov.vn/thu-tuc", checked_on="2026-12-02")
DAYS = Fact(text="Thời hạn giải quyết không quá 7 ngày làm việc.", kind="deadline", source="", checked_on="2026-12-02")


def guide(doc_id: str, score: float) -> object:
    return replace(passage(doc_id, score), summary=f"Tóm tắt {doc_id}.", facts=(FEE, DAYS))


def msg(text: str = "", action: str = "", kind: str = "text") -> InboundMessage:
    return InboundMessage(channel="web", user_ref="u1", platform_msg_id="1", received_at=datetime.now(UTC),
                          kind=kind, text=text, action=action)


def test_a_question_about_a_fee_is_answered_with_the_number_its_source_and_date() -> None:
    p = guide("cap-lai", 0.9)
    text = direct_answer("le phi cap lai can cuoc bao nhieu", p)  # type: ignore[arg-type]
    assert text.startswith("Lệ phí cấp lại thẻ căn cước là 70.000 đồng.")
    assert "dichvucong.gov.vn" in text and "02/12/2026" in text


def test_a_question_about_time_gets_the_deadline_and_others_the_summary() -> None:
    p = guide("cap-lai", 0.9)
    assert direct_answer("bao lau thi co the", p).startswith("Thời hạn")  # type: ignore[arg-type]
    assert direct_answer("lam lai can cuoc o dau", p) == "Tóm tắt cap-lai."  # type: ignore[arg-type]
    assert asked_kind("con may tuoi thi phai doi") == "age"


def test_the_answer_text_starts_with_the_direct_answer_then_the_steps() -> None:
    svc = AnswerService(FakeRetriever((guide("a", 0.9), guide("b", 0.3))), calibration=CAL)  # type: ignore[arg-type]
    a = svc.answer("lệ phí bao nhiêu tiền?")
    assert a.covered and a.text.startswith("Lệ phí cấp lại") and "1. " in a.text
    assert a.direct.startswith("Lệ phí")


def test_corrections_are_recognised_in_citizens_spelling() -> None:
    assert correction("ko dc") == "failed" and correction("van khong duoc a") == "failed"
    assert correction("sai roi") == "wrong" and correction("không đúng ý tôi") == "wrong"
    assert correction("không được cài VNeID trên máy tính bảng à?") == ""


def test_close_guides_for_a_short_question_get_one_clarifying_question_and_the_choice_is_remembered() -> None:
    r = FakeRetriever((guide("vneid-quen", 0.9), guide("bank-quen", 0.85), guide("zalo", 0.2)))
    svc = AnswerService(r, calibration=CAL, clarify_margin=0.3)  # type: ignore[arg-type]
    conv, st = ConversationService(svc), ConversationState(consent="given", greeted=True)
    first = conv.handle(msg("quen mat khau"), st)[-1]
    assert first.kind == "clarify"
    assert [b.action for b in first.buttons] == ["clar:vneid-quen", "clar:bank-quen", "clar:other"]
    chosen = conv.handle(msg(kind="action", action="clar:bank-quen"), st)[-1]
    assert chosen.kind == "answer" and chosen.sources[0].doc_id == "bank-quen"
    # a typed choice completes the pending question, and never gets a second clarifying question
    conv.handle(msg("quen mat khau"), st)
    typed = conv.handle(msg("ngan hang"), st)[-1]
    assert typed.kind == "answer" and r.seen[-1] == "quen mat khau ngan hang"


def test_a_long_question_is_answered_without_asking_back() -> None:
    r = FakeRetriever((guide("vneid-quen", 0.9), guide("bank-quen", 0.85)))
    svc = AnswerService(r, calibration=CAL, clarify_margin=0.3)  # type: ignore[arg-type]
    a = svc.answer("tôi quên mật khẩu tài khoản định danh điện tử mức hai trên điện thoại thì làm lại thế nào")
    assert a.covered and not a.clarify


def test_sai_roi_after_an_answer_offers_the_next_guides_and_a_volunteer() -> None:
    r = FakeRetriever((guide("a", 0.9), guide("b", 0.4), guide("c", 0.3)))
    conv = ConversationService(AnswerService(r, calibration=CAL))  # type: ignore[arg-type]
    st = ConversationState(consent="given", greeted=True)
    assert conv.handle(msg("doi mat khau vneid the nao"), st)[-1].kind == "answer"
    offer = conv.handle(msg("sai roi"), st)[-1]
    assert offer.kind == "offer"
    actions = [b.action for b in offer.buttons]
    assert "ask:b" in actions and "volunteer" in actions and "ask:a" not in actions


def test_calibration_per_query_kind_uses_that_kinds_weights() -> None:
    cal = Calibration(weights=(0.0, 0.0, 0.0, 0.0), per_kind={"english": (-1.0, 0.0, 10.0), "accented": (5.0,)})
    assert cal.confidence_from((0.9, 0.5, 0.1, 0.8, 0.5), "english") > 0.98
    assert cal.confidence_from((0.9, 0.0, 0.1, 0.8, 0.5), "accented") > 0.99


def test_split_is_three_way_deterministic_and_ignores_case_and_punctuation() -> None:
    assert split_of("Quên mật khẩu VNeID?") == split_of("quên mật khẩu vneid")
    shares = [split_of(f"câu hỏi số {i}") for i in range(2000)]
    assert 0.45 < shares.count("train") / 2000 < 0.55 and 0.2 < shares.count("test") / 2000 < 0.3


def test_expected_calibration_error_is_zero_when_probabilities_match_frequencies() -> None:
    assert expected_calibration_error([0.95] * 20, [1] * 19 + [0]) < 1e-9
    assert abs(expected_calibration_error([0.9] * 10, [0] * 10) - 0.9) < 1e-9


def test_an_answer_from_a_portal_faq_or_procedure_record_says_where_it_comes_from() -> None:
    """Out of the guides' scope (issue 19, item 6): a portal FAQ or procedure record answers, labelled."""
    faq = replace(passage("faq-11451", 0.9), kind="faq", topic="dichvucong", title="Gia hạn giấy chứng nhận?")
    proc = replace(passage("1.000123", 0.8), kind="procedure", topic="dichvucong")
    svc = AnswerService(FakeRetriever((faq, proc)), calibration=CAL)
    a = svc.answer("gia hạn giấy chứng nhận huấn luyện cần gì")
    assert a.covered and a.kind == "portal" and a.sources[0].doc_id == "faq-11451"
    assert a.text.startswith("Thông tin từ Cổng Dịch vụ công:\n")
    b = svc.guide("1.000123")  # the same record opened from a button
    assert b is not None and b.kind == "portal" and b.text.startswith("Thông tin từ Cổng Dịch vụ công:\n")
    own = AnswerService(FakeRetriever((passage("vneid-cai-dat", 0.9), faq)), calibration=CAL).answer("cài VNeID")
    assert own.kind == "" and "Cổng Dịch vụ công:" not in own.text  # a guide of our own: no portal label
