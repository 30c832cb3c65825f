"""The base of the learning service: the per-message turn, the plumbing every flow uses (find or create
the learner, record statements, save), the learning home and a module's lesson list.

The service is assembled from one class per flow, each in its own module, all on this base:
`ProfileFlow` (profile.py) → `LessonFlow` (lessons.py: cards, practice, completion, certificates) →
`QuizFlow` (quiz.py: quiz items, results, spaced review) → `LearningService` (service.py: entry points).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from bot.core.communes import CommuneDirectory
from bot.core.learning.curriculum import Course, Lesson, Module
from bot.core.learning.model import Learner, Progress, Statement
from bot.core.learning.policy import LearningPolicy
from bot.core.learning.ports import Curriculum, LearningStore
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.texts import t


@dataclass
class Turn:
    """Per-message context: who, on which channel, in which language."""

    msg: InboundMessage
    st: ConversationState
    learner: Learner
    statements: list[Statement] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.st.lang


class LearningFlow:
    def __init__(self, curriculum: Curriculum | Course, store: LearningStore, *,
                 communes: CommuneDirectory | None = None, policy: LearningPolicy | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.course = curriculum if isinstance(curriculum, Course) else Course(curriculum.modules())
        self.store = store
        self.communes = communes or CommuneDirectory([])
        self.policy = policy or LearningPolicy()
        self.clock = clock or (lambda: datetime.now(UTC))

    # ---- plumbing --------------------------------------------------------------------------------
    def _turn(self, msg: InboundMessage, st: ConversationState) -> Turn:
        learner = self.store.find(msg.channel, msg.user_ref) or self.store.create(msg.channel, msg.user_ref)
        if learner.commune and st.commune != learner.commune:  # the ticket router reads st.commune
            st.commune = learner.commune
        if learner.group and st.group != learner.group:
            st.group = learner.group
        return Turn(msg, st, learner)

    def _done(self, turn: Turn, replies: list[Reply]) -> list[Reply]:
        learner = turn.learner
        learner.lang = turn.lang
        learner.last_active_at = self.clock()
        self.store.commit(learner, turn.statements)  # statements and position together, or neither
        return [replace(r, lang=turn.lang) for r in replies]

    def _btn(self, turn: Turn, key: str, action: str, **kw: object) -> Button:
        return Button(t(turn.lang, key, **kw)[:60], action[:64])

    def _emit(self, turn: Turn, verb: str, kind: str, object_id: str, name: str, **kw: Any) -> Statement:
        s = Statement(id=self._statement_id(turn), learner_id=turn.learner.id, actor=turn.learner.key, verb=verb, kind=kind,
                      object_id=object_id, object_name=name, timestamp=self.clock(), channel=turn.msg.channel,
                      lang=turn.lang, **kw)
        turn.statements.append(s)
        return s

    @staticmethod
    def _statement_id(turn: Turn) -> str:
        """The n-th statement of a turn is named by the message that caused it, so a redelivered message
        (processed again after a crash) emits the same ids and is not counted twice. Keyed by the learner's
        secret pseudonymous key, not by the chat id, so an id reveals nothing."""
        m = turn.msg
        if not m.platform_msg_id:
            return str(uuid.uuid4())
        name = f"binhdan:learning:{turn.learner.key}:{m.channel}:{m.platform_msg_id}:{len(turn.statements)}"
        # random-looking (version 4 layout) but reproducible: the bits come from a hash of the secret key
        return str(uuid.UUID(bytes=hashlib.sha256(name.encode()).digest()[:16], version=4))

    def _progress(self, turn: Turn) -> Progress:
        p = self.store.progress(turn.learner.id)
        done = {s.lesson_id for s in turn.statements if s.verb == "completed" and s.kind == "lesson"}
        passed = {s.lesson_id for s in turn.statements if s.verb == "passed"}
        modules = {s.module_id for s in turn.statements if s.verb == "completed" and s.kind == "module"}
        return replace(p, started=p.started or bool(turn.statements),
                       completed_lessons=p.completed_lessons | done, passed_quizzes=p.passed_quizzes | passed,
                       completed_modules=p.completed_modules | modules,
                       course_completed=p.course_completed or any(s.kind == "course" for s in turn.statements))

    def _lesson_no(self, lesson: Lesson) -> str:
        module = self.course.module(lesson.module_id)
        if module is None:
            return ""
        return f"{module.order or self.course.modules.index(module) + 1}.{module.lessons.index(lesson) + 1}"

    # ---- home, modules -------------------------------------------------------------------------
    def _home(self, turn: Turn) -> Reply:
        lang, learner = turn.lang, turn.learner
        progress = self._progress(turn)
        lines = [t(lang, "ln_home")]
        buttons: list[Button] = []
        lesson = self.course.lesson(learner.position.lesson) if learner.position else None
        if lesson is not None:
            lines.append(t(lang, "ln_home_current", lesson=lesson.name(lang)))
            buttons.append(self._btn(turn, "btn_ln_resume", "learn:resume"))
        due = self.store.reviews_due(learner.id, self.clock())
        if due:
            buttons.append(self._btn(turn, "btn_ln_review", "learn:rev", n=len(due)))
        for i, m in enumerate(self.course.modules, 1):
            mark = "✓ " if m.id in progress.completed_modules else ""
            buttons.append(Button(f"{mark}{i}. {m.name(lang)}"[:60], f"learn:mod:{m.id}"[:64]))
        if progress.started:
            lines.append(t(lang, "ln_home_code", code=learner.code))
        else:
            buttons.append(self._btn(turn, "btn_ln_code", "learn:code"))
        buttons += [self._btn(turn, "btn_ln_profile", "prof:view"), self._btn(turn, "btn_menu", "menu")]
        return Reply("\n\n".join(lines), tuple(buttons), kind="menu")

    def _module(self, turn: Turn, module: Module) -> list[Reply]:
        lang = turn.lang
        progress = self._progress(turn)
        lines = [t(lang, "ln_module", title=module.name(lang)), module.description if lang == "vi" else ""]
        buttons = []
        for lesson in module.lessons:
            done = lesson.id in progress.completed_lessons
            mark = "✓ " if done and lesson.id in progress.passed_quizzes else ("• " if done else "")
            buttons.append(Button(f"{mark}{self._lesson_no(lesson)} {lesson.name(lang)}"[:60], f"learn:les:{lesson.id}"))
        if module.id in progress.completed_modules:
            lines.append(t(lang, "ln_module_done"))
        buttons.append(self._btn(turn, "btn_ln_home", "learn"))
        return [Reply("\n".join(x for x in lines if x), tuple(buttons), kind="menu")]


def short(text: str, limit: int = 60) -> str:
    """A button label cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
