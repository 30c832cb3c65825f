"""The lesson flow: cards, the practice task, a lesson's completion and what comes next, a module's and
the course's completion, and the certificates issued for them."""

from __future__ import annotations

from bot.core.learning.codes import new_certificate_code
from bot.core.learning.curriculum import Lesson, Module
from bot.core.learning.flow import LearningFlow, Turn, short
from bot.core.learning.model import COURSE, Certificate, Position
from bot.core.messages import Button, Reply
from bot.core.texts import t


class LessonFlow(LearningFlow):
    def _card(self, turn: Turn, lesson: Lesson, i: int) -> list[Reply]:
        lang = turn.lang
        i = max(0, min(i, len(lesson.cards) - 1))
        turn.learner.position = Position(lesson.id, "card", i)
        turn.st.state = "lesson"
        object_id = self.policy.iri("lessons", lesson.id, "cards", str(i + 1))
        if object_id not in self.store.progress(turn.learner.id).seen_cards:
            self._emit(turn, "experienced", "card", object_id, f"{lesson.title} ({i + 1})", module_id=lesson.module_id,
                       lesson_id=lesson.id, completion=True, parent=self.policy.iri("lessons", lesson.id))
        head = t(lang, "ln_card_head", no=self._lesson_no(lesson), title=lesson.name(lang), i=i + 1, n=len(lesson.cards))
        nxt = f"learn:card:{lesson.id}:{i + 1}" if i + 1 < len(lesson.cards) else \
            (f"learn:quiz:{lesson.id}" if lesson.quiz else f"learn:prac:{lesson.id}")
        back = f"learn:card:{lesson.id}:{i - 1}" if i > 0 else f"learn:mod:{lesson.module_id}"
        buttons = (self._btn(turn, "btn_ln_next", nxt), self._btn(turn, "btn_ln_back", back),
                   self._btn(turn, "btn_ln_pause", "learn"))
        return [Reply(f"{head}\n\n{lesson.cards[i]}", buttons, kind="lesson")]

    def _practice(self, turn: Turn, lesson: Lesson) -> list[Reply]:
        if not lesson.practice:
            return self._lesson_done(turn, lesson)
        pos = turn.learner.position
        if pos is None or pos.lesson != lesson.id or pos.phase != "practice":
            turn.learner.position = Position(lesson.id, "practice", 0)
        turn.st.state = "lesson"
        return [Reply(t(turn.lang, "ln_practice", task=lesson.practice),
                      (self._btn(turn, "btn_ln_did_it", f"learn:done:{lesson.id}"),
                       self._btn(turn, "btn_ln_need_help", f"learn:help:{lesson.id}"),
                       self._btn(turn, "btn_ln_pause", f"learn:mod:{lesson.module_id}")), kind="lesson")]

    def _lesson_done(self, turn: Turn, lesson: Lesson) -> list[Reply]:
        if lesson.id not in self._progress(turn).completed_lessons:
            self._emit(turn, "completed", "lesson", self.policy.iri("lessons", lesson.id), lesson.title,
                       module_id=lesson.module_id, lesson_id=lesson.id, completion=True,
                       parent=self.policy.iri("modules", lesson.module_id))
        turn.st.state = "bot"
        return [Reply(t(turn.lang, "ln_lesson_done", title=lesson.name(turn.lang)), kind="info"),
                *self._after_lesson(turn, lesson)]

    def _after_lesson(self, turn: Turn, lesson: Lesson) -> list[Reply]:
        """What comes next once a lesson is done or its quiz passed: the module's completion, or the next
        lesson (and any quiz still to pass)."""
        lang = turn.lang
        progress = self._progress(turn)
        module = self.course.module(lesson.module_id)
        if module is None:
            return []
        missing_quiz = [x for x in module.lessons if x.quiz and x.id not in progress.passed_quizzes]
        missing = [x for x in module.lessons if x.id not in progress.completed_lessons]
        if not missing and not missing_quiz:
            if module.id not in progress.completed_modules:
                return self._module_done(turn, module)
            turn.learner.position = None
            return [Reply(t(lang, "ln_module_done"), (self._btn(turn, "btn_ln_home", "learn"),
                                                      self._btn(turn, "btn_menu", "menu")), kind="info")]
        nxt = self.course.next_lesson(lesson.id)
        target = nxt if nxt is not None and nxt in missing else (missing[0] if missing else None)
        lines: list[str] = []
        buttons: list[Button] = []
        if target is not None:
            turn.learner.position = Position(target.id, "card", 0)
            buttons.append(Button(short(t(lang, "btn_ln_next_lesson", title=target.name(lang))), f"learn:les:{target.id}"))
        else:
            turn.learner.position = Position(missing_quiz[0].id, "quiz", 0)
        if lesson in missing_quiz:
            lines.append(t(lang, "ln_quiz_still_needed"))
            buttons.append(self._btn(turn, "btn_ln_retry", f"learn:quiz:{lesson.id}"))
        elif target is None:
            lines.append(t(lang, "ln_module_quizzes_needed",
                           lessons=", ".join(self._lesson_no(x) for x in missing_quiz)))
            buttons.append(self._btn(turn, "btn_ln_retry", f"learn:quiz:{missing_quiz[0].id}"))
        buttons += [self._btn(turn, "btn_ln_lessons", f"learn:mod:{module.id}"), self._btn(turn, "btn_menu", "menu")]
        return [Reply("\n".join(lines) or t(lang, "ln_what_next"), tuple(buttons), kind="info")]

    def _module_done(self, turn: Turn, module: Module) -> list[Reply]:
        lang = turn.lang
        progress = self._progress(turn)
        self._emit(turn, "completed", "module", self.policy.iri("modules", module.id), module.title,
                   module_id=module.id, completion=True, success=True, parent=self.policy.iri(COURSE))
        turn.learner.position = None
        replies = [Reply(t(lang, "ln_module_complete", title=module.name(lang)), kind="info")]
        done = progress.completed_modules | {module.id}
        if all(m.id in done for m in self.course.modules) and not progress.course_completed:
            self._emit(turn, "completed", "course", self.policy.iri(COURSE), t("vi", "ln_course_title"),
                       completion=True, success=True)
            replies.append(Reply(t(lang, "ln_course_complete"), kind="info"))
        if turn.learner.name_choice == "":
            return [*replies, Reply(t(lang, "ln_ask_name"), (self._btn(turn, "btn_ln_name_yes", "prof:name"),
                                                             self._btn(turn, "btn_ln_noname", "learn:cert:noname")),
                                    kind="question")]
        return replies + self._issue_pending(turn)

    # ---- certificates ----------------------------------------------------------------------------
    def _issue_pending(self, turn: Turn) -> list[Reply]:
        """Certificates for every completed module (and the course) that has none yet."""
        progress = self._progress(turn)
        scopes = [m for m in self.course.modules if m.id in progress.completed_modules and m.id not in progress.certificates]
        replies: list[Reply] = []
        items: list[tuple[str, str]] = [(m.id, m.title) for m in scopes]
        if progress.course_completed and COURSE not in progress.certificates:
            items.append((COURSE, t("vi", "ln_course_title")))
        for scope, title in items:
            cert = Certificate(new_certificate_code(), turn.learner.id, scope, title, turn.learner.name, self.clock())
            cert = self.store.issue_certificate(cert)
            png = self.policy.link(f"/certificates/{cert.code}.png")
            replies.append(Reply(t(turn.lang, "ln_certificate", title=title, code=cert.code, png=png,
                                   verify=self.policy.link(f"/verify/{cert.code}")),
                                 (self._btn(turn, "btn_ln_home", "learn"), self._btn(turn, "btn_menu", "menu")),
                                 kind="certificate", image=png))
        return replies
