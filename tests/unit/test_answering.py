"""The answering use case, against a hand-written fake retriever (no model, no index)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answering.followup import is_follow_up
from bot.core.answering.service import AnswerService
from bot.core.privacy.redaction import RegexRedactor
from bot.core.types import ConversationContext, QuestionRecord, Retrieval
from tests.fakes_core import CAL, FakeRetriever, RecordingLog, passage


def service(r: FakeRetriever, **kw) -> AnswerService:  # type: ignore[no-untyped-def]
    return AnswerService(r, calibration=CAL, max_chars=600, **kw)


def test_covered_answer_starts_with_the_lead_and_keeps_whole_steps() -> None:
    a = service(FakeRetriever((passage("a", 0.9), passage("b", 0.8)))).answer("quên mật khẩu")
    assert a.covered and not a.escalate
    assert a.text.startswith("Câu trả lời ngắn gọn.")
    assert len(a.text) <= 600
    body_lines = [ln for ln in a.text.splitlines() if ln[:1].isdigit()]
    assert body_lines and all(ln.endswith("cẩn thận ") or ln.endswith("cẩn thận") for ln in body_lines)
    assert a.sources[0].doc_id == "a" and a.sources[0].url.endswith("/a")
    assert [s.doc_id for s in a.related] == ["b"]


def test_low_coverage_is_not_covered_and_escalates() -> None:
    a = service(FakeRetriever((passage("a", 0.9),), coverage=0.1)).answer("giá lúa hôm nay")
    assert not a.covered and a.escalate
    assert "tình nguyện viên" in a.text


def test_invalid_input_gets_a_polite_message_and_no_retrieval() -> None:
    r = FakeRetriever((passage("a", 0.9),))
    s = service(r)
    for bad, word in (("", "chưa nhập"), ("   \n\t ", "chưa nhập"), ("x" * 10_000, "dài quá"),
                      ("\x00\x01\x02 ### 1234 !!!", "chưa hiểu")):
        a = s.answer(bad)
        assert not a.covered and not a.escalate and word in a.text
    assert r.seen == []


@dataclass
class ContextRetriever(FakeRetriever):
    """Covered only for questions that contain `needs` (a follow-up alone is not, its standalone form is)."""

    needs: str = ""

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        r = super().retrieve(question, limit=limit)
        return r if self.needs in question else Retrieval(query=r.query, passages=r.passages, coverage=0.0)


def test_contrast_follow_up_substitutes_the_slot_of_the_previous_question() -> None:
    r = ContextRetriever((passage("a", 0.9),), needs="định danh")
    s, ctx = service(r), ConversationContext()
    s.answer("tài khoản định danh mức 2 là gì", context=ctx)
    a = s.answer("còn mức 1 thì sao?", context=ctx)
    assert r.seen[-1] == "tài khoản định danh mức 1 là gì"  # not "… mức 2 là gì còn mức 1 thì sao?"
    assert a.standalone_question == r.seen[-1] and a.covered
    assert is_follow_up("con muc 1 thi sao") and not is_follow_up("cách đăng ký khai sinh cho con ở xã")


def test_follow_up_about_another_aspect_is_joined_to_the_previous_question() -> None:
    r = ContextRetriever((passage("a", 0.9),), needs="căn cước")
    s, ctx = service(r), ConversationContext()
    s.answer("làm lại căn cước bị mất thế nào", context=ctx)
    a = s.answer("còn lệ phí bao nhiêu?", context=ctx)
    assert r.seen[-1] == "làm lại căn cước bị mất thế nào còn lệ phí bao nhiêu?" and a.covered


def test_follow_up_naming_a_new_subject_is_answered_on_its_own_when_covered() -> None:
    r = ContextRetriever((passage("a", 0.9),), needs="etax")
    s, ctx = service(r), ConversationContext()
    s.answer("mã số thuế cá nhân tra ở đâu", context=ctx)
    a = s.answer("còn etax mobile thì sao", context=ctx)
    assert r.seen[-1] == "còn etax mobile thì sao" and a.standalone_question == "còn etax mobile thì sao"


def test_contrast_rewrite_rules() -> None:
    from bot.core.answering.followup import contrast, follow_up_content, names_new_subject

    assert follow_up_content("thế còn mức 1 thì sao?") == ["mức", "1"]
    assert contrast("Đăng ký thường trú trên VNeID thế nào?", "còn tạm trú thì sao?") == "đăng ký tạm trú trên vneid thế nào"
    assert contrast("doi can cuoc khi du 25 tuoi", "the con 40 tuoi thi sao") == "doi can cuoc khi du 40 tuoi"
    assert contrast("Mất căn cước làm lại ở đâu?", "thế mất bao lâu thì có?") is None  # no new subject word
    assert contrast("nhan tin trung thuong bat nop phi", "the co nen nop ko") is None
    assert not names_new_subject("con le phi bao nhieu") and names_new_subject("con etax mobile thi sao")


def test_english_question_prefers_the_english_twin() -> None:
    r = FakeRetriever((passage("a", 0.9), passage("a-en", 0.85, lang="en")), lang="en")
    a = service(r).answer("forgot my password")
    assert a.lang == "en" and a.sources[0].doc_id == "a-en"
    assert all(s.doc_id not in ("a", "a-en") for s in a.related)


def test_question_log_keeps_redacted_text_only() -> None:
    log = RecordingLog()
    s = service(FakeRetriever((passage("a", 0.9),)), question_log=log, redactor=RegexRedactor())
    s.answer("số cccd của tôi là 001203004567, sđt 0912 345 678, quên mật khẩu")
    rec = log.records[0]
    assert "001203004567" not in rec.question and "0912 345 678" not in rec.question
    assert "[CCCD]" in rec.question and "[SĐT]" in rec.question and rec.source_ids == ("a",)


def test_a_failing_log_never_costs_the_answer() -> None:
    class Broken:
        def record(self, item: QuestionRecord) -> None:
            raise RuntimeError("db down")

    a = service(FakeRetriever((passage("a", 0.9),)), question_log=Broken()).answer("quên mật khẩu")
    assert a.covered
