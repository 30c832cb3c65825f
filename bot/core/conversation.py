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
from bot.core.communes import CommuneDirectory
from bot.core.handoff import URGENT_GUIDES, OpenedTicket, TicketSummary, opening_phrase, urgency, wait_phrase
from bot.core.helpdesk.chat import HelpdeskChat
from bot.core.learning import ACTION_NAMES as LEARNING_ACTIONS
from bot.core.learning import LearningService
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.outreach.chat import ACTIONS as OUTREACH_ACTIONS
from bot.core.outreach.chat import OutreachChat
from bot.core.ports import HandoffDesk, Redactor
from bot.core.privacy import RegexRedactor
from bot.core.rights import ERASE_COMMANDS, EXPORT_COMMANDS, RightsService
from bot.core.scamcheck.chat import COMMANDS as SCAM_COMMANDS
from bot.core.scamcheck.chat import ScamChat
from bot.core.shaping import correction
from bot.core.text import fold, tokens
from bot.core.texts import NOTICE_VERSION, TEXTS, t
from bot.core.types import Answer, ConversationContext
from bot.core.voice.flow import VoiceChat

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
                 learning: LearningService | None = None, menu_guides: int = 5,
                 communes: CommuneDirectory | None = None, rights: RightsService | None = None,
                 scam: ScamChat | None = None, voice: VoiceChat | None = None,
                 outreach: OutreachChat | None = None, helpdesk: HelpdeskChat | None = None,
                 redactor: Redactor | None = None) -> None:
        self.answers = answers
        # bootstrap passes AlreadyRedacted: the message processor redacted every message as it entered
        self.redact = (redactor or RegexRedactor()).redact
        self.helpdesk = helpdesk  # queue place, hours, satisfaction, pictures (issue 22)
        self.voice = voice  # voice notes in, answers read aloud (issue 23); None: voice notes are "unsupported"
        self.outreach = outreach  # announcements and community classes (issue 21)
        self.scam = scam  # the scam checker in the chat (issue 20)
        self.rights = rights  # /dulieu and /xoa (issue 8)
        self.handoff = handoff
        self.learning = learning
        self.menu_guides = menu_guides
        self.communes = communes or CommuneDirectory([])
        self.greetings: dict[str, str] = {}  # lang -> greeting set in the admin console (issue 7)

    # ---- entry point -------------------------------------------------------------------------
    def handle(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        kind, text, action = msg.kind, msg.text.strip(), msg.action.strip()
        if kind == "text" and st.options and text.isdigit() and 1 <= int(text) <= len(st.options):
            kind, action = "action", st.options[int(text) - 1]
        if kind == "text" and parse_command(text):
            kind = "command"
        relayed = self._relay(msg, kind, text, st)
        if relayed is not None:
            replies = relayed
        elif kind == "text" and st.state == "ask_commune":
            replies = self._commune_answer(msg, text, st)
        elif kind == "follow":
            replies = self._welcome(st, with_menu=True)
        elif kind == "image" and self.scam is not None and (checked := self.scam.image(msg, st, self._scam_urgent)):
            replies = checked  # a screenshot of a message to check (issue 20)
        elif kind == "voice" and self.voice is not None:
            replies = self.voice.received(msg, st, Button(t(st.lang, "btn_volunteer"), "volunteer"))
        elif kind in ("unsupported", "image", "voice"):
            replies = [Reply(t(st.lang, "unsupported"), self._menu_buttons(st), kind="info")]
        elif kind == "command":
            replies = self._command(msg, parse_command(text) or Command("help"), st)
        elif kind == "action":
            replies = self._action(msg, action, st)
        else:
            replies = self._text(msg, text, st)
        if self.voice is not None:
            replies = self.voice.decorate(replies, st)
        st.options = [b.action for b in replies[-1].buttons] if replies and replies[-1].buttons else []
        return replies

    # ---- pieces --------------------------------------------------------------------------------
    def _menu_buttons(self, st: ConversationState) -> tuple[Button, ...]:
        lang = st.lang
        return (
            Button(t(lang, "btn_vneid"), "topic:vneid"), Button(t(lang, "btn_dvc"), "topic:dvc"),
            Button(t(lang, "btn_pay"), "topic:pay"), Button(t(lang, "btn_safety"), "topic:safety"),
            *((self.scam.menu_button(lang),) if self.scam is not None else ()),
            Button(t(lang, "btn_learn"), "learn"), Button(t(lang, "btn_volunteer"), "volunteer"),
        )

    def _menu(self, st: ConversationState) -> Reply:
        return Reply(t(st.lang, "menu"), self._menu_buttons(st), kind="menu")

    def _notice(self, st: ConversationState) -> Reply:
        days = self.rights.retention_days if self.rights is not None else 90
        return Reply(t(st.lang, "notice", days=days), (Button(t(st.lang, "btn_yes"), "consent:yes"),
                                            Button(t(st.lang, "btn_no"), "consent:no")), kind="notice")

    def _welcome(self, st: ConversationState, *, with_menu: bool) -> list[Reply]:
        st.greeted = True
        replies = [Reply(self.greetings.get(st.lang) or t(st.lang, "greeting"), kind="info")]
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
        redacted = self.redact(text)
        if any(tag in redacted for tag in _SENSITIVE):
            replies.append(Reply(t(st.lang, "sensitive"), kind="warning"))
        fix = correction(redacted) if st.last_doc and not st.clarify_q else ""
        if fix:  # "sai rồi", "không được", "không đúng ý tôi": the other guides of that answer, or a volunteer
            return [*replies, self._offer(st, fix)]
        # The turn after a clarifying question always answers (never two in a row); a short reply is the
        # choice ("vneid", "ngân hàng") and completes the question that was asked back.
        pending, st.clarify_q, st.clarify_opts = st.clarify_q, "", []
        asked = f"{pending} {redacted}" if pending and len(redacted.split()) <= 5 else redacted
        ctx = ConversationContext(previous_questions=list(st.previous_questions))
        a = self.answers.answer(asked, context=ctx, channel=msg.channel, keep=st.consent != "declined",
                                may_clarify=not pending)
        if a.lang == "en" and not st.lang_chosen:
            st.lang = "en"
        elif a.lang == "vi" and not st.lang_chosen and st.lang == "en" and a.covered:
            st.lang = "vi"
        st.previous_questions = ctx.previous_questions[-3:]
        st.last_question_id = a.question_id
        st.turns = [*st.turns, {"q": redacted[:300], "source": a.sources[0].title if a.covered and a.sources else "",
                                "covered": "1" if a.covered else "0"}][-3:]
        if a.covered and a.clarify:
            st.clarify_q, st.clarify_opts = asked[:300], [c.doc_id for c in a.clarify]
            replies.append(self._clarify_reply(a, st))
        else:
            replies.append(self._answer_reply(a, st))
            self._remember(a, st)
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

    def _clarify_reply(self, a: Answer, st: ConversationState) -> Reply:
        buttons = [Button(c.title[:60], f"clar:{c.doc_id}"[:64]) for c in a.clarify]
        return Reply(t(st.lang, "clarify"), (*buttons, Button(t(st.lang, "btn_other"), "clar:other")), kind="clarify")

    @staticmethod
    def _remember(a: Answer, st: ConversationState) -> None:
        """The guide just answered and its runners-up, for a correction on the next turn."""
        if not a.covered or not a.sources:
            st.last_doc, st.alternatives = "", []
            return
        first = a.sources[0].doc_id
        seen = {first.removesuffix("-en")}
        alts: list[str] = []
        for s in (*a.related, *a.sources[1:]):
            if s.doc_id.removesuffix("-en") not in seen:
                seen.add(s.doc_id.removesuffix("-en"))
                alts.append(s.doc_id)
        st.last_doc, st.alternatives = first, alts[:3]

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
        question, st.clarify_q, st.clarify_opts = st.clarify_q, "", []
        if arg == "other" or not arg:
            return [Reply(t(st.lang, "clarify_other"), (Button(t(st.lang, "btn_volunteer"), "volunteer"),
                                                       Button(t(st.lang, "btn_menu"), "menu")), kind="question")]
        a = self.answers.guide(arg, st.lang, question=question)
        if a is None:
            return [Reply(t(st.lang, "guide_missing"), self._menu_buttons(st))]
        self._remember(a, st)
        return [self._answer_reply(a, st)]

    def _text(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        if not text:
            return [self._menu(st)]
        if self.helpdesk is not None:  # a comment after a score, "còn bao lâu?" (issue 22)
            taken = self.helpdesk.text(msg, text, st)
            if taken is not None:
                return taken
        if self.learning is not None:  # a commune, name or learner code the lesson flow waits for
            taken = self.learning.text(msg, st, text)
            if taken is not None:
                return taken
        if self.outreach is not None:  # the commune for /nhantin or /lophoc, "dừng", "lớp học gần tôi"
            taken = self.outreach.text(msg, text, st)
            if taken is not None:
                return taken
        if self.scam is not None and st.scam_wait:  # /kiemtra: this message is the one to check
            return self.scam.text(msg, text, st, self._scam_urgent) or []
        if wants_human(text):
            return self._volunteer(msg, st, reason="asked")
        emergency = urgency(text)
        if emergency and st.state not in ("waiting_volunteer", "with_volunteer"):
            return self._urgent(msg, text, emergency, st)
        if self.scam is not None:  # a forwarded or pasted suspicious message
            checked = self.scam.text(msg, text, st, self._scam_urgent)
            if checked is not None:
                return checked
        replies = self._ask(msg, text, st)
        offer = self.learning.after_answer(msg, st) if self.learning is not None else None  # mid-lesson question
        return [*replies, offer] if offer is not None else replies

    # ---- volunteers ------------------------------------------------------------------------------
    def _relay(self, msg: InboundMessage, kind: str, text: str, st: ConversationState) -> list[Reply] | None:
        """While a ticket is open or claimed, the citizen's words go to it. Returns None when the engine
        should go on as usual (no ticket, a command or button, or an open ticket the bot may still answer)."""
        if st.state not in ("waiting_volunteer", "with_volunteer") or self.handoff is None:
            return None
        active = self.handoff.active(msg.channel, msg.user_ref)
        if active is None:  # closed, cancelled or expired meanwhile: the bot is back
            st.state = "bot"
            return None
        ticket_id, status = active
        st.state = "with_volunteer" if status == "claimed" else "waiting_volunteer"
        if kind == "image" and self.helpdesk is not None:  # a screenshot for the volunteer (issue 22)
            return self.helpdesk.picture(msg, ticket_id, claimed=status == "claimed", lang=st.lang)
        heard = kind == "voice" and msg.meta.get("heard") in ("ok", "low")  # a transcript goes to the ticket too
        if (kind != "text" and not heard) or not text:
            return None
        relayed = t("vi", "vc_context", text=text) if heard else text
        self.handoff.from_citizen(ticket_id, self.redact(relayed), source_msg_id=f"{msg.channel}:{msg.platform_msg_id}")
        if status == "claimed":
            return []  # a person is answering: the bot keeps quiet
        return None  # still waiting: the bot answers too, and the volunteer will see the message

    def _volunteer(self, msg: InboundMessage, st: ConversationState, *, reason: str, priority: str = "normal",
                   context: str = "") -> list[Reply]:
        if reason in ("asked", "command", "button"):
            if st.last_feedback == "not_helpful":
                reason = "not_helpful"
            elif st.misses >= 2:
                reason = "not_covered"
        if self.handoff is not None and not st.commune and len(self.communes) and priority != "urgent" \
                and not st.commune_skipped:
            st.state, st.pending_reason, st.pending_context = "ask_commune", reason, context[:300]
            return [Reply(t(st.lang, "tk_ask_commune"),
                          (Button(t(st.lang, "btn_tk_skip_commune"), "commune:skip"),), kind="question")]
        return self._open_ticket(msg, st, reason=reason, priority=priority, context=context)

    def _commune_buttons(self, st: ConversationState, text: str) -> list[Reply]:
        found = self.communes.search(text, limit=5)
        skip = Button(t(st.lang, "btn_tk_skip_commune"), "commune:skip")
        if not found:
            return [Reply(t(st.lang, "tk_commune_none", text=text[:40], province=self.communes.province), (skip,),
                          kind="question")]
        return [Reply(t(st.lang, "tk_commune_choose"),
                      (*(Button(c.name, f"commune:{c.code}") for c in found), skip), kind="question")]

    def _commune_answer(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        found = self.communes.search(text, limit=5)
        if len(found) == 1 or (found and self.communes.search(text, limit=1)[0].short.lower() == text.strip().lower()):
            return self._commune_chosen(msg, found[0].code, st)
        return self._commune_buttons(st, text)

    def _commune_chosen(self, msg: InboundMessage, code: str, st: ConversationState) -> list[Reply]:
        if code == "skip":
            st.commune_skipped = True
        elif self.communes.get(code) is not None:
            st.commune = self.communes.get(code).code  # type: ignore[union-attr]
        else:
            return self._commune_buttons(st, code)
        reason, context = st.pending_reason or "button", st.pending_context
        st.pending_reason, st.pending_context = "", ""
        if st.state != "ask_commune":  # a stale button: just remember the commune
            return [self._menu(st)]
        return self._open_ticket(msg, st, reason=reason, priority="normal", context=context)

    def _open_ticket(self, msg: InboundMessage, st: ConversationState, *, reason: str, priority: str,
                     context: str = "") -> list[Reply]:
        lang = st.lang
        group = str(getattr(st, "group", "") or "")
        if group and f"ln_group_{group}" in TEXTS["vi"]:
            group = t("vi", f"ln_group_{group}")  # the volunteer reads "Người cao tuổi", not a code
        summary = TicketSummary(reason=reason, group=group, lang=lang,
                                turns=[dict(x) for x in st.turns[-3:]], context=context)
        opened: OpenedTicket | None = None
        if self.handoff is not None:
            opened = self.handoff.request(channel=msg.channel, user_ref=msg.user_ref, reason=reason, summary=summary,
                                          commune=st.commune, priority=priority, lang=lang)
        if opened is None:
            st.state = "bot"
            return [Reply(t(lang, "tk_unavailable"), self._menu_buttons(st), kind="info")]
        st.state = "waiting_volunteer"
        cancel = Button(t(lang, "btn_tk_cancel"), "tk:cancel")
        if opened.existing:
            return [Reply(t(lang, "tk_existing", id=opened.id), (cancel,), kind="info")]
        name = self.communes.name(opened.commune) if opened.commune else ""
        where = t(lang, "tk_where_commune", name=name) if name else t(lang, "tk_where_province")
        key = "tk_urgent_opened" if opened.priority == "urgent" else "tk_opened"
        parts = [t(lang, key, id=opened.id, where=where)]
        extra = self.helpdesk.after_open(msg, lang) if self.helpdesk is not None else None
        if extra is not None:  # place in the queue, estimate or the team's next hours (issue 22)
            parts += [*extra[0], t(lang, "tk_next")]
            return [Reply("\n".join(parts), (*extra[1], cancel, Button(t(lang, "btn_menu"), "menu")), kind="ticket")]
        if opened.next_open is not None:
            parts.append(opening_phrase(lang, opened.next_open))
        else:
            phrase = wait_phrase(lang, opened.median_wait_min)
            if phrase:
                parts.append(phrase)
        parts.append(t(lang, "tk_next"))
        return [Reply("\n".join(parts), (cancel, Button(t(lang, "btn_menu"), "menu")), kind="ticket")]

    def _urgent(self, msg: InboundMessage, text: str, kind: str, st: ConversationState) -> list[Reply]:
        """Safety steps at once, then an urgent ticket; the question is logged like any other."""
        replies: list[Reply] = []
        redacted = self.redact(text)
        if any(tag in redacted for tag in _SENSITIVE):
            replies.append(Reply(t(st.lang, "sensitive"), kind="warning"))
        asked = self.answers.answer(redacted, channel=msg.channel, keep=st.consent != "declined")  # logged as usual
        guide = self.answers.guide(URGENT_GUIDES.get(kind, "at-khi-bi-lua"), st.lang)
        if guide is None and asked.covered:  # a knowledge base without the safety guide: the best answer
            guide = asked
        if guide is not None:
            head = t(st.lang, "tk_urgent_first")
            replies.append(Reply(f"{head}\n\n{guide.text}", sources=guide.sources[:1], kind="answer", lang=st.lang))
        st.turns = [*st.turns, {"q": redacted[:300], "source": guide.sources[0].title if guide and guide.sources
                                else "", "covered": "1" if guide else "0"}][-3:]
        replies += self._open_ticket(msg, st, reason="urgent", priority="urgent")
        if not st.greeted:  # a first message: the notice beside the help, as for any question
            st.greeted = True
            if not st.consent:
                replies.append(self._notice(st))
        return replies

    def _scam_urgent(self, msg: InboundMessage, st: ConversationState, context: str = "scam check") -> list[Reply]:
        """Money or a code already went out (said with a checked message): an urgent ticket at once. The
        context names the message's unofficial hosts, so that a volunteer can confirm them as a scam."""
        if st.state in ("waiting_volunteer", "with_volunteer"):
            return []
        return self._open_ticket(msg, st, reason="urgent", priority="urgent", context=context[:500])

    def _command(self, msg: InboundMessage, cmd: Command, st: ConversationState) -> list[Reply]:
        if cmd.name in SCAM_COMMANDS and self.scam is not None:
            if cmd.arg:
                return self.scam.verdict(msg, cmd.arg, st, self._scam_urgent)
            return self.scam.start(st)
        if self.outreach is not None:
            done = self.outreach.command(msg, cmd.name, st)
            if done is not None:
                return done
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
            if self.learning is not None:
                return self.learning.command(msg, st, cmd.arg)
            return self._action(msg, "learn", st)
        if cmd.name == "hoso" and self.learning is not None:
            return self.learning.profile_command(msg, st)
        if cmd.name == "tinhnguyenvien":
            return self._volunteer(msg, st, reason="command")
        if cmd.name in ("huy", "cancel"):
            return self._action(msg, "tk:cancel", st)
        if cmd.name in EXPORT_COMMANDS and self.rights is not None:
            return self.rights.export(msg, st)
        if cmd.name in ERASE_COMMANDS and self.rights is not None:
            return self.rights.ask_erase(st)
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
        if name == "scam" and self.scam is not None:
            done = self.scam.action(msg, arg, st, self._scam_urgent)
            if done is not None:
                return done
            pending = self.scam.take_pending(st)
            return self._ask(msg, pending, st) if pending else [self._menu(st)]
        if name == "voice" and self.voice is not None:
            done = self.voice.action(
                msg, arg, st, ask=lambda text: self._text(msg, text, st),
                volunteer=lambda context: self._volunteer(msg, st, reason="voice", context=context))
            if done is not None:
                return done
        if name in LEARNING_ACTIONS:
            return self._learning(msg, action, st)
        if name in OUTREACH_ACTIONS and self.outreach is not None:
            return self.outreach.action(msg, action, st, self._action)
        if name == "volunteer":
            return self._volunteer(msg, st, reason="button")
        if name == "commune" and arg:
            return self._commune_chosen(msg, arg, st)
        if name == "tk":
            return self._ticket_action(msg, arg, st)
        if name == "hx" and self.helpdesk is not None:
            return self.helpdesk.action(msg, arg, st) or [self._menu(st)]
        if name == "rights" and self.rights is not None:
            return self.rights.action(msg, arg, st) or [self._menu(st)]
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
        if name == "clar":
            return self._clarified(arg, st)
        if name == "ask" and arg:
            a = self.answers.guide(arg, lang)
            if a is None:
                return [Reply(t(lang, "guide_missing"), self._menu_buttons(st))]
            return [self._answer_reply(a, st)]
        return [self._menu(st)]

    def _ticket_action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply]:
        lang = st.lang
        verb, _, rest = arg.partition(":")
        if verb == "cancel":
            done = self.handoff is not None and self.handoff.cancel(msg.channel, msg.user_ref)
            if st.state == "ask_commune":
                done, st.pending_reason, st.pending_context = True, "", ""
            st.state = "bot"
            return [Reply(t(lang, "tk_cancelled" if done else "tk_nothing_to_cancel"), self._menu_buttons(st))]
        if verb == "rate":
            tid, _, value = rest.partition(":")
            if self.helpdesk is not None:  # recorded once, then an optional comment (issue 22)
                return self.helpdesk.rate(msg, tid, value, st) or [self._menu(st)]
            if tid.isdigit() and value.isdigit() and self.handoff is not None:
                self.handoff.rate(int(tid), msg.channel, msg.user_ref, int(value))
            return [Reply(t(lang, "tk_rated"), self._menu_buttons(st), kind="info")]
        return [self._menu(st)]

    def _learning(self, msg: InboundMessage, action: str, st: ConversationState) -> list[Reply]:
        """Lessons, quizzes and the learner profile (bot/core/learning.py); "Cần giúp đỡ" on a practice task
        opens a volunteer ticket with the lesson as its context."""
        if self.learning is None:
            return [self._menu(st)]
        if action.startswith("learn:help:"):
            context = self.learning.help_context(msg, st, action.split(":", 2)[2])
            return self._volunteer(msg, st, reason="lesson_help", context=context)
        return self.learning.action(msg, st, action)
