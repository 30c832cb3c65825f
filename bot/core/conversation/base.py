"""The base of the conversation engine: its collaborators, the main menu, the welcome, the privacy notice
and the citizen's consent to it, a topic's guide list.

The engine is assembled from one class per flow, each in its own module, all on this base:
`AnswerFlow` (answers.py: questions, clarifying, corrections, feedback) and `VolunteerFlow`
(volunteers.py: tickets, their commune, urgent help, relaying) → `ConversationService` (engine.py:
dispatch of commands, buttons and text).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.answering.service import AnswerService
from bot.core.communes import CommuneDirectory
from bot.core.conversation.ports import HandoffDesk
from bot.core.helpdesk.chat import HelpdeskChat
from bot.core.learning.service import LearningService
from bot.core.messages import Button, ConversationState, Reply
from bot.core.outreach.chat import OutreachChat
from bot.core.privacy.ports import Redactor
from bot.core.privacy.redaction import RegexRedactor
from bot.core.privacy.rights import RightsService
from bot.core.scamcheck.chat import ScamChat
from bot.core.texts import NOTICE_VERSION, t
from bot.core.types import Answer
from bot.core.voice.flow import VoiceChat

TOPICS = {"vneid": "vneid", "dvc": "dichvucong", "pay": "payments", "safety": "safety", "local": "local"}


class ConversationBase:
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

    # ---- menu, welcome, notice, consent --------------------------------------------------------------
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
        replies = [Reply(self.greetings.get(st.lang) or t(st.lang, "greeting", province=self.communes.province),
                         kind="info")]
        if not st.consent:
            replies.append(self._notice(st))
        if with_menu:
            replies.append(self._menu(st))
        return replies

    def _consent(self, arg: str, st: ConversationState) -> list[Reply]:
        """The answer to the privacy notice (yes | no), with its version and time."""
        st.consent = "given" if arg == "yes" else "declined"
        st.consent_version = NOTICE_VERSION
        st.consent_at = datetime.now(UTC).isoformat(timespec="seconds")
        return [Reply(t(st.lang, "consent_yes" if arg == "yes" else "consent_no"), self._menu_buttons(st))]

    def _topic(self, arg: str, st: ConversationState) -> list[Reply]:
        """A topic button of the menu: the topic's first guides."""
        lang = st.lang
        guides = self.answers.titles(TOPICS[arg], lang, limit=self.menu_guides)
        buttons = tuple(Button(title[:60], f"ask:{doc_id}"[:64]) for doc_id, title in guides)
        topic_name = t(lang, f"topic_{TOPICS[arg]}")
        return [Reply(t(lang, "topic_intro", topic=topic_name), (*buttons, Button(t(lang, "btn_menu"), "menu")),
                      kind="menu")]

    @staticmethod
    def _remember(a: Answer, st: ConversationState, others: tuple[str, ...] = ()) -> None:
        """The guide just answered and its runners-up (`others` first: the choices not taken), for a
        correction on the next turn; after a refusal, the guides it ranked (none was shown)."""
        if not a.sources:
            st.last_doc, st.alternatives = "", []
            return
        first = a.sources[0].doc_id if a.covered else ""
        seen = {first.removesuffix("-en")} if first else set()
        alts: list[str] = []
        for doc_id in (*others, *(s.doc_id for s in (*a.related, *a.sources[int(a.covered):]))):
            if doc_id and doc_id.removesuffix("-en") not in seen:
                seen.add(doc_id.removesuffix("-en"))
                alts.append(doc_id)
        st.last_doc, st.alternatives = first, alts[:3]
