"""The answer flow: a question asked (redacted, completed after a clarifying question, the language
followed), the answer or the clarifying question, "sai rồi" corrections, a clarifying button, feedback."""

from __future__ import annotations

from bot.core.answering.clarify import chosen
from bot.core.answering.shaping import corrected, correction
from bot.core.conversation.base import ConversationBase
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import has_sensitive
from bot.core.texts import t
from bot.core.types import Answer, ConversationContext


class AnswerFlow(ConversationBase):
    def _answer_reply(self, a: Answer, st: ConversationState) -> Reply:
        lang = st.lang
        if not a.covered:
            return Reply(a.text, (Button(t(lang, "btn_volunteer"), "volunteer"), Button(t(lang, "btn_menu"), "menu")),
                         kind="not_covered")
        text = a.text
        buttons = [Button(t(lang, "btn_helpful"), f"fb:up:{a.question_id}"),
                   Button(t(lang, "btn_not_helpful"), f"fb:down:{a.question_id}")]
        buttons += [Button(f"{t(lang, 'related')}: {r.title}"[:60], f"ask:{r.doc_id}"[:64]) for r in a.related[:3]]
        return Reply(text, tuple(buttons), sources=a.sources[:1], kind="answer", lang=lang)

    def _ask(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        replies: list[Reply] = []
        redacted = self.redact(text)
        if has_sensitive(redacted):
            replies.append(Reply(t(st.lang, "sensitive"), kind="warning"))
        fix = correction(redacted)
        # "không phải VNeID, ngân hàng cơ": what was meant instead, read with the previous question
        meant = corrected(redacted) if not fix and (st.previous_questions or st.clarify_q) else ""
        if meant and correction(meant):
            fix, meant = correction(meant), ""
        if fix and st.clarify_q:  # "không phải" to a clarifying question: none of its choices
            st.clarify_q, st.clarify_opts = "", []
            return [*replies, Reply(t(st.lang, "clarify_other"), (Button(t(st.lang, "btn_volunteer"), "volunteer"),
                                                                 Button(t(st.lang, "btn_menu"), "menu")), kind="offer")]
        if fix and (st.last_doc or st.alternatives):
            # "sai rồi", "không được", "không đúng ý tôi" after an answer (or a refusal): the next guides of
            # that answer's ranking, or a volunteer — never the correction itself searched as a question
            return [*replies, self._offer(st, fix)]
        # The turn after a clarifying question always answers (never two in a row): a short reply names the
        # choice ("vneid", "ngân hàng") or completes the question that was asked back.
        said = meant or redacted
        choice = len(said.split()) <= 5 and bool(st.clarify_q)  # a short reply to a clarifying question
        if choice and (pick := self._pick(said, st)):  # "zalo ạ", "thẻ ATM": that guide, for the pending question
            return [*replies, *self._clarified(pick, st)]
        pending, st.clarify_q, st.clarify_opts = st.clarify_q, "", []
        if meant and st.last_question_id and not pending:
            self.answers.record_feedback(st.last_question_id, "not_helpful")
        # otherwise a short reply is read with the pending question ("trên VNeID", "thế còn tạm vắng?")
        ctx = ConversationContext(previous_questions=list(st.previous_questions))
        a = self.answers.answer(said, context=ctx, channel=msg.channel, keep=st.consent != "declined",
                                may_clarify=not pending, follow_up=bool(meant) or choice, chosen=choice)
        if a.lang == "en" and not st.lang_chosen:
            st.lang = "en"
        elif a.lang == "vi" and not st.lang_chosen and st.lang == "en" and a.covered:
            st.lang = "vi"
        st.previous_questions = ctx.previous_questions[-3:]
        st.last_question_id = a.question_id
        st.turns = [*st.turns, {"q": redacted[:300], "source": a.sources[0].title if a.covered and a.sources else "",
                                "covered": "1" if a.covered else "0"}][-3:]
        if a.clarify:  # asked back (a vague question may be asked back below the covered threshold)
            st.clarify_q, st.clarify_opts = said[:300], [c.doc_id for c in a.clarify]
            replies.append(self._clarify_reply(a, st))
        else:
            replies.append(self._answer_reply(a, st))
            self._remember(a, st)
        if a.covered or a.clarify:
            st.misses = 0
        else:
            st.misses += 1
            if st.misses >= 2:
                replies[-1] = Reply(a.text + "\n\n" + t(st.lang, "offer_volunteer"),
                                    (Button(t(st.lang, "btn_volunteer"), "volunteer"),
                                     Button(t(st.lang, "btn_menu"), "menu")), kind="not_covered")
        if not st.greeted:  # a first message that is a question: the answer at once, the notice beside it
            st.greeted = True
            if not st.consent:
                replies.append(self._notice(st))
        return replies

    def _pick(self, reply: str, st: ConversationState) -> str:
        """The clarifying choice a typed reply names, or ""."""
        options = []
        for doc_id in st.clarify_opts:
            g = self.answers.guide(doc_id, st.lang)
            if g is not None and g.sources:
                options.append((doc_id, g.topic, g.sources[0].title))
        return chosen(reply, options)

    def _clarify_reply(self, a: Answer, st: ConversationState) -> Reply:
        buttons = [Button(c.title[:60], f"clar:{c.doc_id}"[:64]) for c in a.clarify]
        return Reply(t(st.lang, "clarify"), (*buttons, Button(t(st.lang, "btn_other"), "clar:other")), kind="clarify")

    def _offer(self, st: ConversationState, fix: str) -> Reply:
        """After "sai rồi" / "không được": the next guides of the last answer and a volunteer."""
        lang = st.lang
        if st.last_question_id:
            self.answers.record_feedback(st.last_question_id, "not_helpful")
        st.last_feedback = "not_helpful"
        buttons = []
        for doc_id in st.alternatives:
            g = self.answers.guide(doc_id, lang)
            if g is not None and g.sources:
                buttons.append(Button(f"{t(lang, 'related')}: {g.sources[0].title}"[:60], f"ask:{doc_id}"[:64]))
        st.last_doc, st.alternatives = "", []
        buttons += [Button(t(lang, "btn_volunteer"), "volunteer"), Button(t(lang, "btn_menu"), "menu")]
        return Reply(t(lang, "offer_failed" if fix == "failed" else "offer_wrong"), tuple(buttons), kind="offer")

    def _clarified(self, arg: str, st: ConversationState) -> list[Reply]:
        """A clarifying button: the chosen guide, opened with its direct answer to the pending question."""
        question, options, st.clarify_q, st.clarify_opts = st.clarify_q, st.clarify_opts, "", []
        if arg == "other" or not arg:
            return [Reply(t(st.lang, "clarify_other"), (Button(t(st.lang, "btn_volunteer"), "volunteer"),
                                                       Button(t(st.lang, "btn_menu"), "menu")), kind="question")]
        a = self.answers.guide(arg, st.lang, question=question)
        if a is None:
            return [Reply(t(st.lang, "guide_missing"), self._menu_buttons(st))]
        self._remember(a, st, tuple(o for o in options if o != arg))
        if question and a.sources:  # the choice is remembered: a follow-up ("lệ phí bao nhiêu") is about it
            st.previous_questions = [*st.previous_questions[:-1], f"{question} {a.sources[0].title}"][-3:]
        return [self._answer_reply(a, st)]

    def _opened(self, doc_id: str, st: ConversationState) -> list[Reply]:
        """A "Xem thêm" button: that guide; a correction after it offers the guides not yet seen."""
        a = self.answers.guide(doc_id, st.lang)
        if a is None:
            return [Reply(t(st.lang, "guide_missing"), self._menu_buttons(st))]
        base = doc_id.removesuffix("-en")
        came_from_last = any(d.removesuffix("-en") == base for d in st.alternatives)  # not a menu's guide
        others = tuple(d for d in st.alternatives if d.removesuffix("-en") != base) if came_from_last else ()
        self._remember(a, st, others)
        st.last_question_id = 0  # a guide opened is no logged question: feedback on it is not the last one's
        if a.sources:
            st.previous_questions = [*st.previous_questions, a.sources[0].title][-3:]
        return [self._answer_reply(a, st)]

    def _feedback(self, arg: str, st: ConversationState) -> list[Reply]:
        """👍 / 👎 under an answer ("up|down:<question id>"), recorded on the question."""
        lang = st.lang
        value, _, qid = arg.partition(":")
        helpful = value == "up"
        st.last_feedback = "helpful" if helpful else "not_helpful"
        if qid.isdigit():
            self.answers.record_feedback(int(qid), st.last_feedback)
        if helpful:
            return [Reply(t(lang, "thanks_helpful"), kind="info")]
        return [Reply(t(lang, "thanks_not_helpful"), (Button(t(lang, "btn_volunteer"), "volunteer"),
                                                      Button(t(lang, "btn_menu"), "menu")), kind="info")]
