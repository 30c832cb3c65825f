"""Answering use case: question -> retrieval -> decision (covered or not) -> extractive answer.

By default no LLM: the answer is the best passage of the best document, with numbered steps intact, cut
at a line boundary under the character budget, plus its source and up to N related topics. The decision
uses a logistic calibration of retrieval features fitted on held-out evaluation data. With a
`GroundedWriter` (answer.mode: llm) a language model may rewrite the question for search and write the
answer from the retrieved passages; the extractive answer stays the fallback (see bot/core/answering/generation.py).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace

from bot.core.answering.clarify import close_guides
from bot.core.answering.followup import contrast, is_follow_up, is_fragment, names_new_subject, swap_service
from bot.core.answering.generation import GroundedWriter, current_sink
from bot.core.answering.injection import strip_instructions
from bot.core.answering.ports import QuestionLog, Retriever
from bot.core.answering.shaping import cut, direct_answer, snippet, strip_headings
from bot.core.privacy.ports import Redactor
from bot.core.text import clean, letter_ratio
from bot.core.types import Answer, ConversationContext, Passage, QuestionRecord, Retrieval, Source

log = logging.getLogger(__name__)

MESSAGES = {
    "vi": {
        "empty": "Bạn chưa nhập câu hỏi. Hãy gõ câu hỏi của bạn, ví dụ: \"quên mật khẩu VNeID\".",
        "too_long": "Câu hỏi dài quá ({n} ký tự). Bạn hãy hỏi ngắn gọn hơn, dưới {limit} ký tự.",
        "junk": "Tôi chưa hiểu tin nhắn này. Bạn hãy gõ câu hỏi bằng chữ, ví dụ: \"cách đăng ký VNeID mức 2\".",
        "not_covered": (
            "Xin lỗi, tôi chưa có hướng dẫn chắc chắn cho câu hỏi này. "
            "Tôi có thể chuyển câu hỏi đến tình nguyện viên tổ công nghệ số cộng đồng của xã bạn."
        ),
        "related": "Có thể bạn quan tâm:",
        "more": "(Xem đầy đủ tại nguồn bên dưới.)",
        "sources": "Nguồn:",
        "portal": "Thông tin từ Cổng Dịch vụ công:",
    },
    "en": {
        "empty": "Please type your question, for example: \"forgot VNeID password\".",
        "too_long": "Your question is too long ({n} characters). Please keep it under {limit} characters.",
        "junk": "I could not understand this message. Please type your question in words.",
        "not_covered": (
            "Sorry, I do not have a reliable guide for this question yet. "
            "I can pass it to a volunteer of your commune's community digital technology team."
        ),
        "related": "You may also want to read:",
        "more": "(See the full guide at the source below.)",
        "sources": "Sources:",
        "portal": "Information from the National Public Service Portal:",
    },
}

class InvalidQuestion(ValueError):
    """The question cannot be answered as typed (empty, too long, not text)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Calibration:
    """confidence = sigmoid(b0 + b·features) — Platt scaling of the retrieval features (see `features`), with one
    weight vector per query kind (accented / unaccented / english) when configured so (`per_kind`), else
    `weights`; covered when >= threshold."""

    weights: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    threshold: float = 0.5
    per_kind: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def confidence(self, r: Retrieval) -> float:
        if not r.passages:
            return 0.0
        return self.confidence_from(features(r), r.query.kind)

    def confidence_from(self, f: tuple[float, ...], kind: str = "") -> float:
        """Confidence from the features of a retrieval (see `features`); missing weights count as 0."""
        w = self.per_kind.get(kind) or self.weights
        if not any(w):
            # Uncalibrated fallback: term coverage alone.
            return max(0.0, min(1.0, f[1]))
        z = w[0] + sum(wi * fi for wi, fi in zip(w[1:], f, strict=False))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def features(r: Retrieval) -> tuple[float, float, float, float, float, float]:
    """The calibration features of a retrieval: (dense similarity of the best passage, coverage of the question's
    words by the best document, their coverage by its title + `questions` + summary, their share found in any
    guide's head (a domain prior), log(1 + raw BM25 of the best passage), the question's best similarity to any
    guide's phrasing (head vectors)). The fused score, its margin and the normalised lexical score were dropped
    (issue 19): normalised per query, they say little about being in-domain. The head similarity (answers4) lifted
    the in-domain share answered at the same off-topic refusal in 5-fold CV on train+dev (0.925 → 0.953)."""
    if not r.passages:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    p = r.passages[0]
    return (p.dense, r.coverage, r.head_coverage, r.known, math.log1p(max(0.0, r.bm25)), r.head_sim)


class AnswerService:
    """Answers one question, optionally in the context of the conversation's previous questions."""

    def __init__(
        self,
        retriever: Retriever,
        *,
        calibration: Calibration,
        max_chars: int = 1500,
        related: int = 3,
        max_query_chars: int = 1000,
        question_log: QuestionLog | None = None,
        redactor: Redactor | None = None,
        writer: GroundedWriter | None = None,
        clarify_margin: float = 0.0,
        clarify_words: int = 8,
        clarify_wide: float = 0.35,
        clarify_across: float = 0.0,
        clarify_floor: float = 1.0,
    ) -> None:
        self._retriever = retriever
        self._cal = calibration
        self._max_chars = max_chars
        self._related = related
        self._max_query_chars = max_query_chars
        self._log = question_log
        self._redactor = redactor
        self._writer = writer
        self._clarify_margin = clarify_margin  # 0 = never ask back
        self._clarify_words = clarify_words
        self._clarify_wide = clarify_wide  # a question that names no service: guides this close are offered
        self._clarify_across = clarify_across  # … and guides of other topics its action words match (clarify.py)
        self._clarify_floor = clarify_floor  # asked back from this confidence on (at most the covered threshold)

    @property
    def streams(self) -> bool:
        """True when answers may be streamed (a language model that streams writes them)."""
        return self._writer is not None and self._writer.streams

    def check(self, question: str) -> str:
        """Clean the question or raise `InvalidQuestion` with a message for the citizen."""
        q = clean(question or "")
        if not q:
            raise InvalidQuestion("empty", MESSAGES["vi"]["empty"])
        if len(q) > self._max_query_chars:
            raise InvalidQuestion(
                "too_long", MESSAGES["vi"]["too_long"].format(n=len(q), limit=self._max_query_chars)
            )
        if letter_ratio(q) < 0.3 or not any(ch.isalpha() for ch in q):
            raise InvalidQuestion("junk", MESSAGES["vi"]["junk"])
        return q

    def retrieve(self, question: str, *, limit: int = 10) -> Retrieval:
        return self._retriever.retrieve(question, limit=limit)

    def answer(
        self, question: str, *, context: ConversationContext | None = None, channel: str = "cli",
        keep: bool = True, may_clarify: bool = True, follow_up: bool = False, chosen: bool = False,
    ) -> Answer:
        """Answer a question. Invalid input yields a polite, not-covered answer (never raises).

        With `may_clarify`, a question that fits several guides equally (close scores, and no word of it
        tells them apart) also carries those guides in `Answer.clarify`, for the caller to ask back. With
        `follow_up`, the question is read with the previous one even when it does not look like a follow-up
        (what a correction says was meant: "không phải mức 2, mức 1 cơ"). With `chosen` (the reply to a
        clarifying question), the completed question is answered from `clarify_floor` on: it was asked back
        because it is in the domain."""
        started = time.perf_counter()
        try:
            q = self.check(question)
        except InvalidQuestion as exc:
            return Answer(question=question, text=str(exc), confidence=0.0, covered=False, escalate=False)
        standalone = q
        history = list(context.previous_questions) if context else []
        limit = max(8, self._related + 2)  # the clarifying rule looks at the first 8 guides (clarify.py)
        r: Retrieval | None = None
        in_context = bool(history) and (follow_up or is_follow_up(q))
        if in_context:
            standalone, r = self._in_context(q, history[-1], limit, alone=not follow_up)
        deadline = time.monotonic() + (self._writer.time_budget_s if self._writer is not None else 0.0)
        if self._writer is not None and self._writer.wants_rewrite(q, history):
            rewritten = self._writer.rewrite(q, history, deadline=deadline)
            if rewritten and rewritten != standalone:
                standalone, r = rewritten, None
        if r is None:
            r = self._retriever.retrieve(standalone, limit=limit)
        lang = r.query.lang
        msgs = MESSAGES["en" if lang == "en" else "vi"]
        confidence = self._cal.confidence(r)
        bar = min(self._clarify_floor, self._cal.threshold) if chosen else self._cal.threshold
        covered = bool(r.passages) and confidence >= bar
        sources = tuple(self._source(p) for p in r.passages[:5])
        direct, kind = "", ""
        clarify: tuple[Source, ...] = ()
        if covered:
            best = self._prefer_language(r.passages, lang)
            direct = direct_answer(q, best, lang)
            kind = "portal" if best.kind in ("faq", "procedure") else ""
            text = self._compose(best, msgs["more"], direct=direct)
            if kind == "portal":
                text = f"{msgs['portal']}\n{text}"
            first = self._source(best)
            sources = (first, *[s for s in sources if s.doc_id != best.doc_id])[:5]
            related = tuple(
                s for s in sources[1:]
                if not self._same_guide(s.doc_id, best.doc_id) and s.score >= 0.5 * first.score
            )[: self._related]
        else:
            text = msgs["not_covered"]
            related = ()
        if may_clarify and not in_context:  # a follow-up's context already says which service is meant
            clarify = self.asks_back(r, confidence)
        mode, reason, tokens = "extractive", "", 0
        if covered and self._writer is not None:
            given = self._writer.select(best, r.passages)
            w = self._writer.write(standalone, given, lang=lang, deadline=deadline, on_delta=current_sink())
            tokens, reason = w.tokens, w.reason
            if w.refused:  # the passages do not answer it: the "not covered" path and the volunteer offer
                mode, covered, text, related, kind = "llm", False, msgs["not_covered"], (), ""
            elif w.text:
                mode = "llm"
                cited = [self._source(given[i]) for i in w.cited]
                ids = {c.doc_id for c in cited}
                if w.cited:  # labelled by what the written answer cites
                    kind = "portal" if any(given[i].kind in ("faq", "procedure") for i in w.cited) else ""
                text = f"{msgs['portal']}\n{w.text}" if kind == "portal" else w.text
                if len(cited) > 1:
                    text += "\n\n" + msgs["sources"] + "\n" + "\n".join(f"[{i}] {c.title}" for i, c in enumerate(cited, 1))
                sources = (*cited, *[s for s in sources if s.doc_id not in ids])[:5]
                related = tuple(s for s in related if s.doc_id not in ids)
        answer = Answer(
            topic=r.passages[0].topic if covered else "",
            question=question,
            text=text,
            confidence=round(confidence, 4),
            covered=covered,
            escalate=not covered,
            sources=sources,
            related=related,
            lang=lang,
            standalone_question=standalone,
            mode=mode,
            fallback_reason=reason,
            llm_tokens=tokens,
            direct=direct if mode == "extractive" else "",
            clarify=clarify,
            kind=kind,
        )
        if context is not None:
            context.previous_questions.append(standalone if standalone != q else q)
            del context.previous_questions[:-5]
            context.lang = lang
        if self._log is not None and keep:
            qid = self._record(answer, r, channel, (time.perf_counter() - started) * 1000)
            if qid:
                answer = replace(answer, question_id=qid)
        return answer

    def _in_context(self, q: str, previous: str, limit: int, *, alone: bool = True) -> tuple[str, Retrieval | None]:
        """The standalone form of a follow-up (bot/core/answering/followup.py): the previous question with the
        follow-up's service in place of its own; when it names a new subject (not a fragment), the follow-up
        itself if it is covered on its own; else the previous question with the contrasted slot substituted;
        else the two joined (`alone` False: never the follow-up by itself — what a correction says was meant).
        Returns the question and, when already run, its retrieval."""
        swapped = swap_service(previous, q)
        if swapped:
            return swapped, None
        if alone and names_new_subject(q) and not is_fragment(q):
            own = self._retriever.retrieve(q, limit=limit)
            if own.passages and self._cal.confidence(own) >= self._cal.threshold:
                return q, own
        sub = contrast(previous, q)
        if sub:
            return sub, None
        return f"{previous} {q}", None

    def guide(self, doc_id: str, lang: str = "vi", *, question: str = "") -> Answer | None:
        """The opening of one guide (a related-topic, menu or clarifying button), in `lang` when a twin
        exists; with `question`, its direct answer to that question first."""
        doc_id = self._retriever.twin(doc_id, lang) or doc_id
        p = self._retriever.document(doc_id)
        if p is None:
            return None
        src = self._source(p)
        direct = direct_answer(question, p, lang) if question else ""
        msgs = MESSAGES["en" if lang == "en" else "vi"]
        text = self._compose(p, msgs["more"], direct=direct)
        kind = "portal" if p.kind in ("faq", "procedure") else ""
        if kind:  # a portal FAQ / procedure record says where it comes from, as in `answer`
            text = f"{msgs['portal']}\n{text}"
        return Answer(question=question, text=text, confidence=1.0, covered=True, escalate=False, sources=(src,),
                      lang=p.lang, topic=p.topic, direct=direct, kind=kind)

    def asks_back(self, r: Retrieval, confidence: float | None = None) -> tuple[Source, ...]:
        """The guides to ask the citizen to choose from when the question is asked back: close or confusable
        guides (`clarify_options`) of a question whose confidence reaches `clarify_floor` — a vague question
        ("mất thẻ rồi") may be asked back although it is too vague to be answered as covered."""
        if not r.passages:
            return ()
        conf = self._cal.confidence(r) if confidence is None else confidence
        if conf < min(self._clarify_floor, self._cal.threshold):
            return ()
        return self.clarify_options(r)

    def clarify_options(self, r: Retrieval) -> tuple[Source, ...]:
        """The guides to ask the citizen to choose from, or () when the first one is clearly meant (clarify.py)."""
        close = close_guides(r, margin=self._clarify_margin, max_words=self._clarify_words, wide=self._clarify_wide,
                             across=self._clarify_across)
        return tuple(self._source(p) for p in close) if len(close) > 1 else ()

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        return self._retriever.titles(topic, lang, limit=limit)

    def record_feedback(self, question_id: int, value: str) -> None:
        if self._log is not None and question_id:
            try:
                self._log.feedback(question_id, value)
            except Exception:
                log.exception("could not record feedback")

    @staticmethod
    def _same_guide(a: str, b: str) -> bool:
        return a.removesuffix("-en") == b.removesuffix("-en")

    def _prefer_language(self, passages: tuple[Passage, ...], lang: str) -> Passage:
        best = passages[0]
        if best.lang == lang:
            return best
        twin = self._retriever.twin(best.doc_id, lang)
        for p in passages[1:]:
            if p.doc_id == twin:
                return p
        return best

    def _compose(self, p: Passage, more: str, *, direct: str = "") -> str:
        """The direct answer (or the guide's lead) first, then the passage with its steps."""
        # lines addressed to an AI model (a prompt injection planted in a guide) are not for citizens either
        body = strip_instructions(strip_headings(p.text))
        lead = strip_instructions(p.lead.strip())
        direct = strip_instructions(direct) if direct else ""
        if direct:
            if lead and body.startswith(lead[:40]):  # the summary says what the lead says: keep the steps
                body = body[len(lead):].lstrip()
            body = f"{direct}\n\n{body}" if body else direct
        elif lead and not body.startswith(lead[:40]):
            body = f"{lead}\n\n{body}"
        return cut(body, self._max_chars, more)

    @staticmethod
    def _source(p: Passage) -> Source:
        return Source(doc_id=p.doc_id, title=p.title, url=p.url, score=round(p.score, 4), snippet=snippet(p.text))

    def _record(self, answer: Answer, r: Retrieval, channel: str, latency_ms: float) -> int | None:
        text = answer.question
        if self._redactor is not None:
            text = self._redactor.redact(text)
        record = QuestionRecord(
            question=text[:2000],
            channel=channel,
            confidence=answer.confidence,
            covered=answer.covered,
            source_ids=tuple(s.doc_id for s in answer.sources[:3]),
            lang=answer.lang,
            topic=r.passages[0].topic if r.passages and answer.covered else "",
            latency_ms=round(latency_ms, 2),
            answer_mode=answer.mode,
            fallback_reason=answer.fallback_reason,
            llm_tokens=answer.llm_tokens,
        )
        try:
            assert self._log is not None
            return self._log.record(record)
        except Exception:  # the log must never cost the citizen their answer
            log.exception("could not record the question")
            return None
