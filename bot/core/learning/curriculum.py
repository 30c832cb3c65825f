"""The learning content as plain values: modules → lessons → cards, a practice task and quiz items.

`parse_module` turns one module as loaded from `knowledge/lessons/<NN>-<module>.yaml` (a plain dict) into
frozen dataclasses; the loader that reads YAML lives outside the core (bootstrap). `binhdan kb check`
(ingest/kbcheck/) validates the same files with the authoring rules of knowledge/README.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class CurriculumError(ValueError):
    """A lesson module that cannot be used (missing ids, a quiz item without its correct option …)."""


@dataclass(frozen=True)
class QuizItem:
    id: str
    question: str
    options: tuple[str, ...]
    correct: int  # index into options
    explanation: str


@dataclass(frozen=True)
class Lesson:
    id: str
    module_id: str
    title: str
    title_en: str
    cards: tuple[str, ...]
    practice: str
    quiz: tuple[QuizItem, ...]

    def name(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclass(frozen=True)
class Module:
    id: str
    order: int
    title: str
    title_en: str
    description: str
    guides: tuple[str, ...]
    lessons: tuple[Lesson, ...]

    def name(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


def _str(d: Mapping[str, object], key: str, where: str) -> str:
    v = d.get(key)
    if not isinstance(v, str | int) or not str(v).strip():
        raise CurriculumError(f"{where}: missing '{key}'")
    return str(v).strip()


def parse_module(data: object, *, where: str = "module") -> Module:
    """A module from its YAML mapping. Raises CurriculumError naming what is wrong."""
    if not isinstance(data, Mapping):
        raise CurriculumError(f"{where}: a module must be a mapping")
    mid = _str(data, "id", where)
    lessons: list[Lesson] = []
    for raw in data.get("lessons") or []:
        if not isinstance(raw, Mapping):
            raise CurriculumError(f"{where}: a lesson must be a mapping")
        lid = _str(raw, "id", where)
        cards = tuple(str(c).strip() for c in raw.get("cards") or [] if str(c).strip())
        practice = raw.get("practice")
        task = str(practice.get("task") or "").strip() if isinstance(practice, Mapping) else ""
        items: list[QuizItem] = []
        for q in raw.get("quiz") or []:
            if not isinstance(q, Mapping):
                raise CurriculumError(f"{where}: lesson {lid}: a quiz item must be a mapping")
            qid = _str(q, "id", f"{where}: lesson {lid}")
            opts = [o for o in q.get("options") or [] if isinstance(o, Mapping)]
            correct = [i for i, o in enumerate(opts) if o.get("correct") is True]
            if len(opts) < 2 or len(correct) != 1:
                raise CurriculumError(f"{where}: quiz {qid} needs two or more options and exactly one correct")
            items.append(QuizItem(qid, _str(q, "question", qid), tuple(str(o.get("text", "")).strip() for o in opts),
                                  correct[0], str(q.get("explanation") or "").strip()))
        if not cards:
            raise CurriculumError(f"{where}: lesson {lid} has no cards")
        lessons.append(Lesson(lid, mid, _str(raw, "title", lid), str(raw.get("title_en") or ""), cards, task,
                              tuple(items)))
    if not lessons:
        raise CurriculumError(f"{where}: module {mid} has no lessons")
    order = data.get("order")
    return Module(mid, int(order) if isinstance(order, int | str) and str(order).isdigit() else 0,
                  _str(data, "title", where), str(data.get("title_en") or ""), str(data.get("description") or ""),
                  tuple(str(g) for g in data.get("guides") or []), tuple(lessons))


class Course:
    """All modules in order, with lookups by id."""

    def __init__(self, modules: Iterable[Module]) -> None:
        self.modules: tuple[Module, ...] = tuple(sorted(modules, key=lambda m: (m.order, m.id)))
        self._modules = {m.id: m for m in self.modules}
        self._lessons = {lesson.id: lesson for m in self.modules for lesson in m.lessons}
        self._items = {q.id: (lesson, q) for m in self.modules for lesson in m.lessons for q in lesson.quiz}

    def __bool__(self) -> bool:
        return bool(self.modules)

    def module(self, module_id: str) -> Module | None:
        return self._modules.get(module_id)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self._lessons.get(lesson_id)

    def item(self, item_id: str) -> tuple[Lesson, QuizItem] | None:
        return self._items.get(item_id)

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        """The next lesson of the same module, or None after its last."""
        lesson = self._lessons.get(lesson_id)
        module = self._modules.get(lesson.module_id) if lesson else None
        if lesson is None or module is None:
            return None
        ids = [x.id for x in module.lessons]
        i = ids.index(lesson_id)
        return module.lessons[i + 1] if i + 1 < len(ids) else None
