"""The conversation engine: one behaviour on every channel.

`ConversationService.handle(message, state)` looks at the conversation's state and the kind of message
(command, button action, text, follow, unsupported) and returns the replies, updating `state` in place.
It is pure: the caller loads and saves the state and delivers the replies (inbox/outbox).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.answering import AnswerService
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.ports import Curriculum, HandoffDesk
from bot.core.privacy import redact
from bot.core.text import fold, tokens
from bot.core.texts import NOTICE_VERSION, t
from bot.core.types import Answer, ConversationContext

TOPICS = {"vneid": "vneid", "dvc": "dichvucong", "pay": "payments", "safety": "safety", "local": "local"}
_HUMAN = re.compile(
    r"\b(gap|noi chuyen voi|lien he|goi|can|muon gap|cho toi gap|ket noi)\s+"
    r"(nguoi that|nguoi|can bo|tinh nguyen vien|tnv|nhan vien|tu van vien|ai do)\b"
    r"|\btinh nguyen vien\b|\bnguoi that\b|\b(talk|speak) to (a )?(human|person|volunteer|someone)\b"
)
_SENSITIVE = ("[OTP]", "[MẬT KHẨU]", "[CCCD]", "[CMND]", "[THẺ]")


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


def parse_command(text: str) -> Command | None:
    m = re.match(r"^/([A-Za-z_]+)(?:@\w+)?(?:\s+(.*))?$", text.strip())
    return Command(m.group(1).lower(), (m.group(2) or "").strip()) if m else None


def wants_human(text: str) -> bool:
    return bool(_HUMAN.search(" ".join(tokens(fold(text)))))


class ConversationService:
    def __init__(self, answers: AnswerService, *, handoff: HandoffDesk | None = None,
                 curriculum: Curriculum | None = None, menu_guides: int = 5) -> None:
        self.answers = answers
        self.handoff = handoff
        self.curriculum = curriculum
        self.menu_guides = menu_guides

    # ---- entry point -------------------------------------------------------------------------
    def handle(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        kind, text, action = msg.kind, msg.text.strip(), msg.action.strip()
        if kind == "text" and st.options and text.isdigit() and 1 <= int(text) <= len(st.options):
            kind, action = "action", st.options[int(text) - 1]
        if kind == "text" and parse_command(text):
            kind = "command"
        if kind == "follow":
            replies = self._welcome(st, with_menu=True)
        elif kind == "unsupported":
            replies = [Reply(t(st.lang, "unsupported"), self._menu_buttons(st), kind="info")]
        elif kind == "command":
            replies = self._command(msg, parse_command(text) or Command("help"), st)
        elif kind == "action":
            replies = self._action(msg, action, st)
        else:
            replies = self._text(msg, text, st)
        st.options = [b.action for b in replies[-1].buttons] if replies and replies[-1].buttons else []
        return replies

    # ---- pieces --------------------------------------------------------------------------------
    def _menu_buttons(self, st: ConversationState) -> tuple[Button, ...]:
        lang = st.lang
        return (
            Button(t(lang, "btn_vneid"), "topic:vneid"), Button(t(lang, "btn_dvc"), "topic:dvc"),
            Button(t(lang, "btn_pay"), "topic:pay"), Button(t(lang, "btn_safety"), "topic:safety"),
            Button(t(lang, "btn_learn"), "learn"), Button(t(lang, "btn_volunteer"), "volunteer"),
        )

    def _menu(self, st: ConversationState) -> Reply:
        return Reply(t(st.lang, "menu"), self._menu_buttons(st), kind="menu")

    def _notice(self, st: ConversationState) -> Reply:
        return Reply(t(st.lang, "notice"), (Button(t(st.lang, "btn_yes"), "consent:yes"),
                                            Button(t(st.lang, "btn_no"), "consent:no")), kind="notice")

    def _welcome(self, st: ConversationState, *, with_menu: bool) -> list[Reply]:
        st.greeted = True
        replies = [Reply(t(st.lang, "greeting"), kind="info")]
        if not st.consent:
            replies.append(self._notice(st))
        if with_menu:
            replies.append(self._menu(st))
        return replies

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
        redacted = redact(text)
        if any(tag in redacted for tag in _SENSITIVE):
            replies.append(Reply(t(st.lang, "sensitive"), kind="warning"))
        ctx = ConversationContext(previous_questions=list(st.previous_questions))
        a = self.answers.answer(redacted, context=ctx, channel=msg.channel, keep=st.consent != "declined")
        if a.lang == "en" and not st.lang_chosen:
            st.lang = "en"
        elif a.lang == "vi" and not st.lang_chosen and st.lang == "en" and a.covered:
            st.lang = "vi"
        st.previous_questions = ctx.previous_questions[-3:]
        st.last_question_id = a.question_id
        replies.append(self._answer_reply(a, st))
        if a.covered:
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

    def _text(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        if not text:
            return [self._menu(st)]
        if wants_human(text):
            return self._volunteer(msg, st, reason="asked")
        return self._ask(msg, text, st)

    def _volunteer(self, msg: InboundMessage, st: ConversationState, *, reason: str) -> list[Reply]:
        if self.handoff is not None:
            summary = " | ".join(st.previous_questions[-3:])
            self.handoff.request(channel=msg.channel, user_ref=msg.user_ref, reason=reason, summary=summary,
                                 commune=st.commune)
        st.state = "waiting_volunteer"
        replies = [Reply(t(st.lang, "waiting"), (Button(t(st.lang, "btn_menu"), "menu"),), kind="info")]
        guide = self.answers.guide("dp-to-cong-nghe-so", st.lang)
        if guide is not None:
            replies.insert(0, self._answer_reply(guide, st))
        return replies

    def _command(self, msg: InboundMessage, cmd: Command, st: ConversationState) -> list[Reply]:
        if cmd.name == "start":
            if re.fullmatch(r"[0-9]{3,6}", cmd.arg):  # a commune code from a poster's QR deep link
                st.commune = cmd.arg
            return self._welcome(st, with_menu=True)
        if cmd.name == "help":
            return [Reply(t(st.lang, "help"), self._menu_buttons(st), kind="info")]
        if cmd.name == "menu":
            return [self._menu(st)]
        if cmd.name == "lang":
            if cmd.arg in ("vi", "en"):
                return self._action(msg, f"lang:{cmd.arg}", st)
            return [Reply(t(st.lang, "lang_choose"), (Button("Tiếng Việt", "lang:vi"), Button("English", "lang:en")))]
        if cmd.name == "hoc":
            return self._action(msg, "learn", st)
        if cmd.name == "tinhnguyenvien":
            return self._volunteer(msg, st, reason="command")
        return [Reply(t(st.lang, "unknown_command") + "\n" + t(st.lang, "help"), self._menu_buttons(st))]

    def _action(self, msg: InboundMessage, action: str, st: ConversationState) -> list[Reply]:
        name, _, arg = action.partition(":")
        lang = st.lang
        if name == "menu":
            return [self._menu(st)]
        if name == "start":
            return self._welcome(st, with_menu=True)
        if name == "consent" and arg in ("yes", "no"):
            st.consent = "given" if arg == "yes" else "declined"
            st.consent_version = NOTICE_VERSION
            st.consent_at = datetime.now(UTC).isoformat(timespec="seconds")
            return [Reply(t(lang, "consent_yes" if arg == "yes" else "consent_no"), self._menu_buttons(st))]
        if name == "lang" and arg in ("vi", "en"):
            st.lang, st.lang_chosen = arg, True
            return [Reply(t(arg, "lang_set"), self._menu_buttons(st), kind="info")]
        if name == "topic" and arg in TOPICS:
            guides = self.answers.titles(TOPICS[arg], lang, limit=self.menu_guides)
            buttons = tuple(Button(title[:60], f"ask:{doc_id}"[:64]) for doc_id, title in guides)
            topic_name = t(lang, f"topic_{TOPICS[arg]}")
            return [Reply(t(lang, "topic_intro", topic=topic_name), (*buttons, Button(t(lang, "btn_menu"), "menu")),
                          kind="menu")]
        if name == "learn":
            return self._learn(arg, st)
        if name == "volunteer":
            return self._volunteer(msg, st, reason="button")
        if name == "fb" and arg:
            value, _, qid = arg.partition(":")
            helpful = value == "up"
            st.last_feedback = "helpful" if helpful else "not_helpful"
            if qid.isdigit():
                self.answers.record_feedback(int(qid), st.last_feedback)
            if helpful:
                return [Reply(t(lang, "thanks_helpful"), kind="info")]
            return [Reply(t(lang, "thanks_not_helpful"), (Button(t(lang, "btn_volunteer"), "volunteer"),
                                                          Button(t(lang, "btn_menu"), "menu")), kind="info")]
        if name == "ask" and arg:
            a = self.answers.guide(arg, lang)
            if a is None:
                return [Reply(t(lang, "guide_missing"), self._menu_buttons(st))]
            return [self._answer_reply(a, st)]
        return [self._menu(st)]

    def _learn(self, module_id: str, st: ConversationState) -> list[Reply]:
        lang = st.lang
        modules = self.curriculum.modules() if self.curriculum is not None else []
        if not module_id:
            buttons = tuple(Button((title_en if lang == "en" else title)[:60], f"learn:{mid}"[:64])
                            for mid, title, title_en, _ in modules[:8])
            return [Reply(t(lang, "learn_intro"), (*buttons, Button(t(lang, "btn_menu"), "menu")), kind="menu")]
        for mid, title, title_en, guide_ids in modules:
            if mid == module_id:
                links: list[Button] = []
                for g in guide_ids[:5]:
                    a = self.answers.guide(g, lang)
                    if a is not None and a.sources:
                        links.append(Button(a.sources[0].title[:60], f"ask:{a.sources[0].doc_id}"[:64]))
                return [Reply(t(lang, "learn_module", title=title_en if lang == "en" else title),
                              (*links, Button(t(lang, "btn_menu"), "menu")), kind="menu")]
        return [self._menu(st)]
