"""Learning in the chat: learner profile, lessons (cards → quiz → practice), spaced review, progress as
xAPI-style statements, certificates, reminders. Pure: the store (a `LearningStore` port) keeps learners,
statements, reviews and certificates; the clock is injected so tests control time.

Button actions (ASCII, ≤ 64 bytes):
  learn                     home: resume, review, modules        learn:mod:<module>     a module's lessons
  learn:les:<lesson>        a lesson from its first card         learn:card:<lesson>:<i>  card i
  learn:quiz:<lesson>       start (or restart) the lesson's quiz learn:qi:<lesson>:<i>    quiz item i
  learn:prac:<lesson>       the practice task                    learn:done:<lesson>    practice done
  learn:help:<lesson>       practice: ask a volunteer (handled by the conversation: it opens the ticket)
  learn:resume              where the learner left off           learn:rev              review due items
  learn:code                type a learner code (another device) learn:remind:on|off    reminders
  learn:cert:noname         issue certificates without a name
  quiz:<item>:<k>-<tag>[:r] answer option k (r = a review): k is the option's index in the file, whatever
                            place it was shown at; <tag> fingerprints its text (`quiz_action`)
  prof:c:<code> | prof:g:<group> | prof:a:<band> | prof:skip:<c|g|a> | prof:edit:<c|g|a|n> | prof:name
"""

from __future__ import annotations

from bot.core.learning.codes import parse_learner_code
from bot.core.learning.flow import Turn
from bot.core.learning.model import Learner, Position
from bot.core.learning.profile import ProfileFlow
from bot.core.learning.quiz import QuizFlow, parse_choice
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.texts import t


class LearningService(QuizFlow, ProfileFlow):
    """Learning in the chat, as the conversation calls it: /hoc, /hoso, button actions, awaited text, the
    offer to resume after a question, a practice task's help context, reminders."""

    # ---- entry points (called by the conversation) -----------------------------------------------
    def command(self, msg: InboundMessage, st: ConversationState, arg: str) -> list[Reply]:
        """/hoc [learner code | module number]."""
        if arg and parse_learner_code(arg):
            return self._link(msg, st, arg)
        turn = self._turn(msg, st)
        modules = self.course.modules
        if arg.isdigit() and 1 <= int(arg) <= len(modules):
            return self._done(turn, self._module(turn, modules[int(arg) - 1]))
        return self._done(turn, self._entry(turn))

    def profile_command(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        """/hoso: the learner's profile, every field editable."""
        turn = self._turn(msg, st)
        turn.learner.profile_asked = True
        st.learn_flow, st.learn_wait = "", ""
        return self._done(turn, [self._profile_view(turn)])

    def action(self, msg: InboundMessage, st: ConversationState, action: str) -> list[Reply]:
        name, _, arg = action.partition(":")
        turn = self._turn(msg, st)
        if name == "prof":
            return self._done(turn, self._profile_action(turn, arg))
        if name == "quiz":
            item, _, rest = arg.partition(":")
            choice, _, mode = rest.partition(":")
            k, tag = parse_choice(choice)
            return self._done(turn, self._answer(turn, item, k, tag, review=mode == "r"))
        return self._done(turn, self._learn_action(turn, arg))

    def text(self, msg: InboundMessage, st: ConversationState, text: str) -> list[Reply] | None:
        """Text the learning flow is waiting for (a commune, a name, a learner code), or a learner code typed
        anywhere. None: not for learning — the conversation answers it as a question."""
        if parse_learner_code(text):
            st.learn_wait = ""
            return self._link(msg, st, text)
        wait = st.learn_wait
        if not wait:
            return None
        if wait == "code":
            st.learn_wait = ""
            turn = self._turn(msg, st)
            return self._done(turn, [Reply(t(turn.lang, "ln_code_bad"), (self._btn(turn, "btn_ln_code", "learn:code"),
                                                                          self._btn(turn, "btn_ln_home", "learn")))])
        if wait == "name":
            st.learn_wait = ""
            turn = self._turn(msg, st)
            name = " ".join(text.split())[:80]
            if not name or "[" in name or any(ch.isdigit() for ch in name):  # redacted data or digits: not a name
                st.learn_wait = "name"
                return self._done(turn, [Reply(t(turn.lang, "ln_name_bad"),
                                               (self._btn(turn, "btn_ln_noname", "learn:cert:noname"),))])
            turn.learner.name, turn.learner.name_choice = name, "given"
            replies = [Reply(t(turn.lang, "ln_name_saved", name=name), kind="info")]
            replies += self._issue_pending(turn)
            if not replies[1:] and st.learn_flow != "profile":
                replies.append(self._profile_view(turn))
            return self._done(turn, replies)
        if wait == "commune":
            found = self.communes.search(text, limit=5)
            if not found and len(text.split()) > 4:  # looks like a question, not a commune name
                st.learn_wait = ""
                return None
            turn = self._turn(msg, st)
            return self._done(turn, [self._commune_choices(turn, text, found)])
        st.learn_wait = ""
        return None

    def after_answer(self, msg: InboundMessage, st: ConversationState) -> Reply | None:
        """After a question answered mid-lesson: offer to go back to the lesson (once)."""
        if st.state != "lesson":
            return None
        learner = self.store.find(msg.channel, msg.user_ref)
        st.state = "bot"
        if learner is None or learner.position is None:
            return None
        lesson = self.course.lesson(learner.position.lesson)
        if lesson is None:
            return None
        return Reply(t(st.lang, "ln_resume_offer", lesson=lesson.name(st.lang)),
                     (Button(t(st.lang, "btn_ln_resume"), "learn:resume"), Button(t(st.lang, "btn_menu"), "menu")),
                     kind="question", lang=st.lang)

    def help_context(self, msg: InboundMessage, st: ConversationState, lesson_id: str) -> str:
        """The lesson a learner needs help with, for the volunteer's ticket."""
        lesson = self.course.lesson(lesson_id)
        if lesson is None:
            return ""
        turn = self._turn(msg, st)
        module = self.course.module(lesson.module_id)
        pos = turn.learner.position
        on_card = pos is not None and pos.lesson == lesson.id and pos.phase == "card"
        where = lesson.cards[min(pos.index, len(lesson.cards) - 1)] if on_card and pos else lesson.practice
        head = f"{module.title} › {lesson.title}" if module else lesson.title
        self._done(turn, [])
        return f"{head}: {where}"[:300]

    def reminder(self, learner: Learner) -> Reply:
        lang = learner.lang if learner.lang in ("vi", "en") else "vi"
        lesson = self.course.lesson(learner.position.lesson) if learner.position else None
        title = lesson.name(lang) if lesson else ""
        return Reply(t(lang, "ln_reminder", lesson=title),
                     (Button(t(lang, "btn_ln_resume"), "learn:resume"),
                      Button(t(lang, "btn_ln_remind_off"), "learn:remind:off")), kind="info", lang=lang)

    # ---- home, linking, lessons ------------------------------------------------------------------
    def _entry(self, turn: Turn) -> list[Reply]:
        if not self.course:
            return [Reply(t(turn.lang, "ln_no_course"), (self._btn(turn, "btn_menu", "menu"),))]
        if not turn.learner.profile_asked:
            turn.learner.profile_asked = True
            turn.st.learn_flow = "profile"
            return [Reply(t(turn.lang, "ln_profile_intro"), kind="info"), *self._ask_commune(turn)]
        return [self._home(turn)]

    def _link(self, msg: InboundMessage, st: ConversationState, text: str) -> list[Reply]:
        code = parse_learner_code(text) or ""
        target = self.store.by_code(code)
        current = self.store.find(msg.channel, msg.user_ref)
        if target is None:
            st.learn_wait = "code"
            turn = self._turn(msg, st)
            return self._done(turn, [Reply(t(st.lang, "ln_code_unknown", code=code),
                                           (self._btn(turn, "btn_ln_home", "learn"),))])
        if current is None or current.id != target.id:
            self.store.link(target.id, msg.channel, msg.user_ref)
        st.learn_wait, st.learn_flow = "", ""
        turn = self._turn(msg, st)
        turn.learner.profile_asked = True
        return self._done(turn, [Reply(t(st.lang, "ln_linked", code=target.code), kind="info"), self._home(turn)])

    def _learn_action(self, turn: Turn, arg: str) -> list[Reply]:
        verb, _, rest = arg.partition(":")
        a, _, b = rest.partition(":")
        st = turn.st
        if verb == "":
            return self._entry(turn)
        if verb == "mod":
            module = self.course.module(a)
            return self._module(turn, module) if module else [self._home(turn)]
        if verb == "code":
            st.learn_wait = "code"
            return [Reply(t(turn.lang, "ln_ask_code"), (self._btn(turn, "btn_ln_home", "learn"),), kind="question")]
        if verb == "remind" and a in ("on", "off"):
            turn.learner.reminders = a == "on"
            return [Reply(t(turn.lang, "ln_remind_on" if a == "on" else "ln_remind_off"),
                          (self._btn(turn, "btn_ln_home", "learn"), self._btn(turn, "btn_menu", "menu")), kind="info")]
        if verb == "cert" and a == "noname":
            st.learn_wait = ""
            turn.learner.name, turn.learner.name_choice = "", "declined"
            return self._issue_pending(turn) or [self._home(turn)]
        if verb == "rev":
            return self._review_next(turn)
        if verb == "resume":
            return self._resume(turn)
        lesson = self.course.lesson(a)
        if lesson is None:
            return [self._home(turn)]
        if verb == "les":
            return self._card(turn, lesson, 0)
        if verb == "card":
            return self._card(turn, lesson, int(b) if b.isdigit() else 0)
        if verb == "quiz":
            turn.learner.position = Position(lesson.id, "quiz", 0, ())
            return [self._item(turn, lesson, 0)]
        if verb == "qi":
            i = int(b) if b.isdigit() else 0
            return [self._item(turn, lesson, min(i, len(lesson.quiz) - 1))] if lesson.quiz else self._practice(turn, lesson)
        if verb == "prac":
            return self._practice(turn, lesson)
        if verb == "done":
            return self._lesson_done(turn, lesson)
        return [self._home(turn)]

    def _resume(self, turn: Turn) -> list[Reply]:
        pos = turn.learner.position
        lesson = self.course.lesson(pos.lesson) if pos else None
        if pos is None or lesson is None:
            return [self._home(turn)]
        if pos.phase == "quiz" and lesson.quiz:
            turn.st.state = "lesson"
            return [self._item(turn, lesson, min(len(pos.answers), len(lesson.quiz) - 1))]
        if pos.phase == "practice":
            return self._practice(turn, lesson)
        return self._card(turn, lesson, pos.index)
