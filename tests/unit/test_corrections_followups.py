"""Corrections and follow-ups in context (issue 19, scope 5): "sai rồi" / "không phải cái đó" offer the next
guides of the conversation's last ranking (never "not covered"); fragments ("trên VNeID", "ở xã") and service
names ("còn Zalo thì sao") are read with the previous question; a clarifying choice is remembered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.core.answering.clarify import chosen
from bot.core.answering.followup import is_follow_up, is_fragment, swap_service
from bot.core.answering.service import AnswerService
from bot.core.answering.shaping import corrected, correction
from bot.core.conversation.engine import ConversationService
from bot.core.messages import ConversationState, InboundMessage
from tests.fakes_core import CAL, FakeRetriever, passage


def msg(text: str = "", action: str = "", kind: str = "text") -> InboundMessage:
    return InboundMessage(channel="web", user_ref="u1", platform_msg_id="1", received_at=datetime.now(UTC),
                          kind=kind, text=text, action=action)


def conversation(*ids: str, coverage: float = 1.0, margin: float = 0.0
                 ) -> tuple[ConversationService, FakeRetriever, ConversationState]:
    r = FakeRetriever(tuple(passage(d, 0.9 - 0.1 * i) for i, d in enumerate(ids)), coverage=coverage)
    conv = ConversationService(AnswerService(r, calibration=CAL, clarify_margin=margin))  # type: ignore[arg-type]
    return conv, r, ConversationState(consent="declined", greeted=True)


def test_corrections_in_citizens_words_and_spelling_and_nothing_else() -> None:
    wrong = ["sai rồi", "sai roi", "Sai rồi ạ", "không đúng ý tôi", "ko dung y toi", "không phải", "khong phai cai do",
             "Không phải cái tôi hỏi", "nhầm rồi", "chưa đúng", "that is wrong", "not what I asked"]
    failed = ["không được", "ko dc", "vẫn không được ạ", "van loi", "vẫn thế", "chưa được", "it did not work"]
    assert [correction(t) for t in wrong] == ["wrong"] * len(wrong)
    assert [correction(t) for t in failed] == ["failed"] * len(failed)
    # a reply that names a subject is a question, not a correction
    for t in ("không phải VNeID, ngân hàng cơ", "không được cài VNeID trên máy tính bảng à?", "sai thông tin trên căn cước",
              "báo lỗi 403 khi đăng nhập", "không", "khong phai lam the nao de doi mat khau vneid nua"):
        assert correction(t) == "", t


def test_a_correction_after_an_answer_offers_the_next_guides_of_its_ranking_and_a_volunteer() -> None:
    for said in ("khong phai cai do", "không đúng ý tôi", "ko dc"):
        conv, r, st = conversation("a", "b", "c")
        assert conv.handle(msg("doi mat khau vneid the nao"), st)[-1].kind == "answer"
        searched = len(r.seen)
        offer = conv.handle(msg(said), st)[-1]
        assert offer.kind == "offer", said
        assert [b.action for b in offer.buttons] == ["ask:b", "ask:c", "volunteer", "menu"]
        assert len(r.seen) == searched  # the correction itself is not searched as a question


def test_a_correction_after_a_refusal_offers_the_guides_ranked_first_not_another_refusal() -> None:
    conv, _, st = conversation("a", "b", coverage=0.0)
    assert conv.handle(msg("cai gi do rat la"), st)[-1].kind == "not_covered"
    offer = conv.handle(msg("sai rồi"), st)[-1]
    assert offer.kind == "offer" and [b.action for b in offer.buttons][:2] == ["ask:a", "ask:b"]


def test_no_to_a_clarifying_question_offers_a_volunteer_and_the_next_question_is_answered() -> None:
    conv, _, st = conversation("vneid-quen", "bank-quen", margin=0.3)
    assert conv.handle(msg("quen mat khau"), st)[-1].kind == "clarify"
    offer = conv.handle(msg("không phải"), st)[-1]
    assert offer.kind == "offer" and "volunteer" in [b.action for b in offer.buttons]
    assert not st.clarify_q and conv.handle(msg("quen mat khau"), st)[-1].kind == "clarify"  # not two in a row: one


def test_a_clarifying_choice_is_remembered_for_the_follow_up_and_the_correction() -> None:
    conv, r, st = conversation("vneid-quen", "bank-quen", margin=0.3)
    conv.handle(msg("quen mat khau"), st)
    chosen = conv.handle(msg(kind="action", action="clar:bank-quen"), st)[-1]
    assert chosen.sources[0].doc_id == "bank-quen"
    conv.handle(msg("lệ phí bao nhiêu?"), st)
    assert "Tiêu đề bank-quen" in r.seen[-1] and "quen mat khau" in r.seen[-1]  # the choice, not only the question
    conv.handle(msg(kind="action", action="clar:bank-quen"), st)  # (no pending question: stays harmless)
    st2 = ConversationState(consent="declined", greeted=True)
    conv.handle(msg("quen mat khau"), st2)
    conv.handle(msg(kind="action", action="clar:bank-quen"), st2)
    offer = conv.handle(msg("sai roi"), st2)[-1]
    assert "ask:vneid-quen" in [b.action for b in offer.buttons]  # the choice not taken comes first


def test_a_correction_after_a_more_button_offers_the_guides_not_yet_seen() -> None:
    conv, _, st = conversation("a", "b", "c")
    conv.handle(msg("doi mat khau vneid the nao"), st)
    opened = conv.handle(msg(kind="action", action="ask:b"), st)[-1]
    assert opened.sources[0].doc_id == "b"
    offer = conv.handle(msg("sai rồi"), st)[-1]
    assert [b.action for b in offer.buttons][:1] == ["ask:c"]


def test_fragments_and_service_names_are_follow_ups_polite_openings_and_questions_are_not() -> None:
    for q in ("trên VNeID", "ở xã thì sao", "zalo ạ", "app ngân hàng", "cho trẻ em", "ở đâu"):
        assert is_fragment(q) and is_follow_up(q), q
    for q in ("cho hỏi lệ phí", "tải app VNeID", "quên mật khẩu", "đăng ký tạm trú online", "tài khoản bị khóa"):
        assert not is_fragment(q) and not is_follow_up(q), q
    assert is_follow_up("lệ phí bao nhiêu?") and is_follow_up("cần giấy tờ gì") and not is_fragment("lệ phí bao nhiêu")


def test_a_follow_up_naming_another_service_takes_the_place_of_the_previous_one() -> None:
    assert swap_service("quên mật khẩu VNeID", "còn Zalo thì sao") == "quên mật khẩu zalo"
    assert swap_service("quên mật khẩu ngân hàng", "thế còn vneid?") == "quên mật khẩu vneid"
    assert swap_service("quên mật khẩu", "trên VNeID") is None  # no service to replace: joined instead
    assert swap_service("quên mật khẩu VNeID", "còn VNeID thì sao") is None


def test_a_fragment_is_searched_with_the_previous_question_not_alone() -> None:
    r = FakeRetriever((passage("vneid-doi-sdt", 0.9), replace(passage("bank", 0.5), topic="payments")))
    svc = AnswerService(r, calibration=CAL)  # type: ignore[arg-type]
    conv, st = ConversationService(svc), ConversationState(consent="declined", greeted=True)
    conv.handle(msg("đổi số điện thoại thế nào"), st)
    conv.handle(msg("trên VNeID"), st)
    assert r.seen[-1] == "đổi số điện thoại thế nào trên VNeID"
    conv.handle(msg("còn Zalo thì sao"), st)
    assert "zalo" in r.seen[-1] and "đổi số điện thoại" in r.seen[-1] and "vneid" not in r.seen[-1].lower()


def test_what_a_correction_says_was_meant_is_read_with_the_previous_question() -> None:
    assert corrected("không phải VNeID, ngân hàng cơ") == "ngân hàng cơ"
    assert corrected("sai rồi, tôi hỏi mức 1") == "mức 1" and corrected("không phải mức 2 mà là mức 1") == "mức 1"
    assert corrected("sai rồi") == "" and corrected("không phải VNeID") == "" and corrected("không được cài VNeID") == ""
    conv, r, st = conversation("vneid-quen", "bank-quen")
    conv.handle(msg("quên mật khẩu VNeID"), st)
    reply = conv.handle(msg("không phải VNeID, ngân hàng cơ"), st)[-1]
    assert reply.kind == "answer" and r.seen[-1] == "quên mật khẩu ngân hàng"
    conv.handle(msg("đăng ký mức 2 ở đâu"), st)
    conv.handle(msg("sai rồi, tôi hỏi mức 1"), st)
    assert r.seen[-1] == "đăng ký mức 1 ở đâu"


def test_a_typed_choice_picks_the_option_its_words_name_and_a_follow_up_is_no_choice() -> None:
    options = [("tt-mat-the-atm", "payments", "Mất thẻ ATM: khóa thẻ ngay"),
               ("dvc-cap-lai-can-cuoc-mat", "dichvucong", "Cấp lại thẻ căn cước khi bị mất"),
               ("dvc-tam-tru", "dichvucong", "Đăng ký tạm trú trực tuyến")]
    assert chosen("thẻ ATM ạ", options) == "tt-mat-the-atm"
    assert chosen("can cuoc", options) == "dvc-cap-lai-can-cuoc-mat"
    assert chosen("mất", options) == "tt-mat-the-atm"  # in two titles: the first in ranking order
    assert chosen("thẻ căn cước", options) == "dvc-cap-lai-can-cuoc-mat"
    assert chosen("thế còn tạm vắng?", options) == "" and chosen("zalo", options) == ""


def test_a_vague_question_below_the_covered_threshold_is_asked_back_from_the_floor_on() -> None:
    r = FakeRetriever((passage("vneid-quen", 0.9), passage("bank-quen", 0.88)), coverage=0.45)  # confidence ≈ 0.3
    low = AnswerService(r, calibration=CAL, clarify_margin=0.3)  # type: ignore[arg-type]
    assert not low.answer("quen mat khau").covered and not low.answer("quen mat khau").clarify
    floor = AnswerService(r, calibration=CAL, clarify_margin=0.3, clarify_floor=0.25)  # type: ignore[arg-type]
    a = floor.answer("quen mat khau")
    assert not a.covered and [s.doc_id for s in a.clarify] == ["vneid-quen", "bank-quen"]
    conv, st = ConversationService(floor), ConversationState(consent="declined", greeted=True)
    assert conv.handle(msg("quen mat khau"), st)[-1].kind == "clarify" and st.misses == 0
