"""The conversation engine: one behaviour on every channel.

`ConversationService.handle(message, state)` looks at the conversation's state and the kind of message
(command, button action, text, follow, unsupported) and returns the replies, updating `state` in place.
It is pure: the caller loads and saves the state and delivers the replies (inbox/outbox).
"""

from __future__ import annotations

import re

from bot.core.conversation.answers import AnswerFlow
from bot.core.conversation.base import TOPICS
from bot.core.conversation.commands import Command, parse_command, wants_human
from bot.core.conversation.volunteers import VolunteerFlow
from bot.core.handoff import urgency
from bot.core.learning.model import ACTION_NAMES as LEARNING_ACTIONS
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.outreach.chat import ACTIONS as OUTREACH_ACTIONS
from bot.core.privacy.rights import ERASE_COMMANDS, EXPORT_COMMANDS
from bot.core.scamcheck.chat import COMMANDS as SCAM_COMMANDS
from bot.core.texts import t


class ConversationService(AnswerFlow, VolunteerFlow):
    """One behaviour on every channel: `handle` dispatches a message to the flow it belongs to."""

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
        if name == "menu":
            return [self._menu(st)]
        if name == "start":
            return self._welcome(st, with_menu=True)
        if name == "consent" and arg in ("yes", "no"):
            return self._consent(arg, st)
        if name == "lang" and arg in ("vi", "en"):
            st.lang, st.lang_chosen = arg, True
            return [Reply(t(arg, "lang_set"), self._menu_buttons(st), kind="info")]
        if name == "topic" and arg in TOPICS:
            return self._topic(arg, st)
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
            return self._feedback(arg, st)
        if name == "clar":
            return self._clarified(arg, st)
        if name == "ask" and arg:
            return self._opened(arg, st)
        return [self._menu(st)]

    def _learning(self, msg: InboundMessage, action: str, st: ConversationState) -> list[Reply]:
        """Lessons, quizzes and the learner profile (bot/core/learning/); "Cần giúp đỡ" on a practice task
        opens a volunteer ticket with the lesson as its context."""
        if self.learning is None:
            return [self._menu(st)]
        if action.startswith("learn:help:"):
            context = self.learning.help_context(msg, st, action.split(":", 2)[2])
            return self._volunteer(msg, st, reason="lesson_help", context=context)
        return self.learning.action(msg, st, action)
