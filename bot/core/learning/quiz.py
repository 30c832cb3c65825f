"""The quiz flow: items shown in a per-learner option order, answers graded and recorded, a lesson quiz's
result, and the spaced review of items answered wrong."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from bot.core.learning.curriculum import Lesson, QuizItem
from bot.core.learning.flow import Turn, short
from bot.core.learning.lessons import LessonFlow
from bot.core.learning.model import Position
from bot.core.messages import Button, Reply
from bot.core.texts import t


class QuizFlow(LessonFlow):
    def _item(self, turn: Turn, lesson: Lesson, i: int, *, review: bool = False, left: int = 0) -> Reply:
        lang = turn.lang
        item = lesson.quiz[i]
        turn.st.state = "lesson" if not review else turn.st.state
        if review:
            head = t(lang, "ln_review_head", n=left)
        else:
            head = t(lang, "ln_quiz_head", title=lesson.name(lang), i=i + 1, n=len(lesson.quiz))
        order = option_order(turn.learner.key, item)
        options = "\n".join(f"{n + 1}. {item.options[k]}" for n, k in enumerate(order))
        buttons = [Button(short(f"{n + 1}. {item.options[k]}"), quiz_action(item, k, review=review))
                   for n, k in enumerate(order)]
        if review:
            buttons.append(self._btn(turn, "btn_ln_later", "learn"))
        return Reply(f"{head}\n{item.question}\n\n{options}", tuple(buttons), kind="quiz")

    def _feedback(self, turn: Turn, item: QuizItem, k: int) -> str:
        if k == item.correct:
            return t(turn.lang, "ln_right", explanation=item.explanation)
        return t(turn.lang, "ln_wrong", answer=item.options[item.correct], explanation=item.explanation)

    def _answer(self, turn: Turn, item_id: str, k: int, tag: str | None, *, review: bool) -> list[Reply]:
        found = self.course.item(item_id)
        if found is None:
            return [self._home(turn)]
        lesson, item = found
        if not 0 <= k < len(item.options) or tag != option_tag(item.options[k]):
            # a button from before the item (or its order) changed: never grade it, show the item again
            left = len(self.store.reviews_due(turn.learner.id, self.clock())) if review else 0
            return [Reply(t(turn.lang, "ln_quiz_changed"), kind="info"),
                    self._item(turn, lesson, lesson.quiz.index(item), review=review, left=left)]
        if review:
            return self._review_answer(turn, lesson, item, k)
        i = lesson.quiz.index(item)
        pos = turn.learner.position
        fresh = pos is not None and pos.lesson == lesson.id and pos.phase == "quiz" and len(pos.answers) == i
        right = k == item.correct
        if fresh and pos is not None:
            answers = (*pos.answers, 1 if right else 0)
            turn.learner.position = Position(lesson.id, "quiz", i + 1, answers)
            self._emit(turn, "answered", "item", self.policy.iri("items", item.id), item.question,
                       module_id=lesson.module_id, lesson_id=lesson.id, item_id=item.id, success=right,
                       score_raw=1.0 if right else 0.0, score_max=1.0, response=str(k),
                       parent=self.policy.iri("lessons", lesson.id, "quiz"))
            if not right:
                self.store.set_review(turn.learner.id, item.id, 0, self.clock() + timedelta(days=self.policy.review_days[0]))
        turn.st.state = "lesson"
        feedback = self._feedback(turn, item, k)
        if i + 1 < len(lesson.quiz):
            return [Reply(feedback, (self._btn(turn, "btn_ln_next_q", f"learn:qi:{lesson.id}:{i + 1}"),), kind="feedback")]
        replies = [Reply(feedback, kind="feedback")]
        pos = turn.learner.position
        if fresh and pos is not None and len(pos.answers) == len(lesson.quiz):
            replies += self._quiz_result(turn, lesson, sum(pos.answers))
        else:
            replies.append(Reply(t(turn.lang, "ln_quiz_again_hint"),
                                 (self._btn(turn, "btn_ln_practice", f"learn:prac:{lesson.id}"),
                                  self._btn(turn, "btn_ln_retry", f"learn:quiz:{lesson.id}")), kind="info"))
        return replies

    def _quiz_result(self, turn: Turn, lesson: Lesson, right: int) -> list[Reply]:
        n = len(lesson.quiz)
        passed = right >= self.policy.needed(n)
        self._emit(turn, "passed" if passed else "failed", "quiz", self.policy.iri("lessons", lesson.id, "quiz"),
                   f"{lesson.title} — kiểm tra", module_id=lesson.module_id, lesson_id=lesson.id, success=passed,
                   score_raw=float(right), score_max=float(n), parent=self.policy.iri("lessons", lesson.id))
        text = t(turn.lang, "ln_quiz_passed" if passed else "ln_quiz_failed", right=right, n=n,
                 needed=self.policy.needed(n))
        if passed and lesson.id in self._progress(turn).completed_lessons:  # a retake after the practice
            return [Reply(text, kind="info"), *self._after_lesson(turn, lesson)]
        turn.learner.position = Position(lesson.id, "practice", 0)
        buttons = [self._btn(turn, "btn_ln_practice", f"learn:prac:{lesson.id}")]
        if not passed:
            buttons.append(self._btn(turn, "btn_ln_retry", f"learn:quiz:{lesson.id}"))
        return [Reply(text, tuple(buttons), kind="info")]

    # ---- review ----------------------------------------------------------------------------------
    def _review_next(self, turn: Turn) -> list[Reply]:
        due = self.store.reviews_due(turn.learner.id, self.clock())
        for item_id, _stage in due:
            found = self.course.item(item_id)
            if found is not None:
                lesson, item = found
                return [self._item(turn, lesson, lesson.quiz.index(item), review=True, left=len(due))]
            self.store.set_review(turn.learner.id, item_id, 0, None)  # the item left the curriculum
        return [Reply(t(turn.lang, "ln_review_none"), (self._btn(turn, "btn_ln_home", "learn"),), kind="info")]

    def _review_answer(self, turn: Turn, lesson: Lesson, item: QuizItem, k: int) -> list[Reply]:
        due = dict(self.store.reviews_due(turn.learner.id, self.clock()))
        right = k == item.correct
        if item.id in due:
            stage = due[item.id] + 1 if right else 0
            days = self.policy.review_days
            when = self.clock() + timedelta(days=days[stage]) if stage < len(days) else None
            self.store.set_review(turn.learner.id, item.id, stage, when)
            self._emit(turn, "answered", "item", self.policy.iri("items", item.id), item.question,
                       module_id=lesson.module_id, lesson_id=lesson.id, item_id=item.id, success=right,
                       score_raw=1.0 if right else 0.0, score_max=1.0, response=str(k), review=True,
                       parent=self.policy.iri("lessons", lesson.id, "quiz"))
        more = len(due) - (1 if item.id in due else 0)
        buttons = (self._btn(turn, "btn_ln_next_review", "learn:rev"),) if more > 0 else \
            (self._btn(turn, "btn_ln_home", "learn"),)
        text = self._feedback(turn, item, k) + ("" if more > 0 else "\n\n" + t(turn.lang, "ln_review_done"))
        return [Reply(text, buttons, kind="feedback")]


# ---- quiz option order -----------------------------------------------------------------------------
def option_order(learner_key: str, item: QuizItem) -> list[int]:
    """The order an item's options are shown to one learner: a permutation fixed by (learner, item), so a
    retry or a review shows the same order, while learners differ and the file's order gives nothing away."""

    def rank(k: int) -> bytes:
        return hashlib.sha256(f"{learner_key}\x1f{item.id}\x1f{k}".encode()).digest()

    return sorted(range(len(item.options)), key=rank)


def option_tag(text: str) -> str:
    """A short fingerprint of an option's text: a button made before the item was edited fails clearly."""
    return hashlib.sha256(text.encode()).hexdigest()[:4]


def quiz_action(item: QuizItem, k: int, *, review: bool = False) -> str:
    """The button action that answers option k (its index in the file) of an item."""
    return f"quiz:{item.id}:{k}-{option_tag(item.options[k])}{':r' if review else ''}"[:64]


def parse_choice(raw: str) -> tuple[int, str | None]:
    """'<k>-<tag>' → (k, tag); an older button ('<k>') has no tag; anything else is (-1, None)."""
    k, _, tag = raw.partition("-")
    return (int(k), tag or None) if k.isdigit() else (-1, None)
