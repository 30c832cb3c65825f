"""Learning values: learners, their position and progress, xAPI-style statements, certificates, and the
vocabularies they use (profile groups and age bands, xAPI verbs and activity types). Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GROUPS = ("can_bo", "hoc_sinh", "lao_dong", "cao_tuoi", "khac")
AGE_BANDS = ("duoi_18", "18_35", "36_59", "60_plus")
ACTION_NAMES = ("learn", "quiz", "prof")

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {v: ADL + v for v in ("experienced", "answered", "passed", "failed", "completed", "attended")}
VERBS_VI = {"experienced": "đã xem", "answered": "đã trả lời", "passed": "đã đạt", "failed": "chưa đạt",
            "completed": "đã hoàn thành", "attended": "đã tham dự"}  # attended: a community class (issue 21)
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "item": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "card": "http://id.tincanapi.com/activitytype/slide",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",  # a community class (issue 21)
}
COURSE = "course"  # the certificate scope of the whole curriculum


@dataclass(frozen=True)
class Position:
    """Where a learner is: a lesson, its phase (card | quiz | practice), an index, the current quiz
    attempt's answers (1 = right)."""

    lesson: str
    phase: str = "card"
    index: int = 0
    answers: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"lesson": self.lesson, "phase": self.phase, "index": self.index, "answers": list(self.answers)}

    @classmethod
    def from_dict(cls, d: object) -> Position | None:
        if not isinstance(d, dict) or not d.get("lesson"):
            return None
        answers = d.get("answers") or []
        return cls(str(d["lesson"]), str(d.get("phase") or "card"), int(d.get("index") or 0),
                   tuple(int(a) for a in answers) if isinstance(answers, list) else ())


@dataclass
class Learner:
    id: int
    key: str  # pseudonymous id: the xAPI actor; never shown
    code: str  # "mã học viên", shown to the learner to continue on another device
    name: str = ""  # printed on certificates only when the learner chose to give it
    name_choice: str = ""  # "" (not asked) | given | declined
    commune: str = ""
    group: str = ""
    age_band: str = ""
    lang: str = "vi"
    profile_asked: bool = False
    reminders: bool = True
    position: Position | None = None
    last_active_at: datetime | None = None
    reminded_at: datetime | None = None


@dataclass(frozen=True)
class Progress:
    """What a learner has done, as the store derives it from the statements."""

    started: bool = False  # at least one statement
    seen_cards: frozenset[str] = frozenset()  # card object ids
    completed_lessons: frozenset[str] = frozenset()
    passed_quizzes: frozenset[str] = frozenset()  # lesson ids
    completed_modules: frozenset[str] = frozenset()
    course_completed: bool = False
    certificates: frozenset[str] = frozenset()  # scopes (module ids, COURSE)


@dataclass(frozen=True)
class Statement:
    """One xAPI-style record. `object_id` is an IRI; `kind` one of ACTIVITY_TYPES."""

    id: str
    learner_id: int
    actor: str
    verb: str
    kind: str
    object_id: str
    object_name: str
    timestamp: datetime
    module_id: str = ""
    lesson_id: str = ""
    item_id: str = ""
    success: bool | None = None
    completion: bool | None = None
    score_raw: float | None = None
    score_max: float | None = None
    response: str = ""
    channel: str = ""
    lang: str = "vi"
    parent: str = ""  # IRI of the enclosing activity
    review: bool = False

    @property
    def score_scaled(self) -> float | None:
        if self.score_raw is None or not self.score_max:
            return None
        return round(self.score_raw / self.score_max, 4)

    def xapi(self, home_page: str) -> dict[str, Any]:
        """The statement as xAPI 1.0.3 JSON."""
        result: dict[str, Any] = {}
        if self.success is not None:
            result["success"] = self.success
        if self.completion is not None:
            result["completion"] = self.completion
        if self.score_raw is not None and self.score_max:
            result["score"] = {"raw": self.score_raw, "min": 0, "max": self.score_max, "scaled": self.score_scaled}
        if self.response:
            result["response"] = self.response
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES[self.kind], "name": {"vi-VN": self.object_name}}
        if self.kind == "item":
            definition["interactionType"] = "choice"
        context: dict[str, Any] = {"platform": self.channel or "binhdan", "language": "vi-VN" if self.lang == "vi"
                                   else "en-US"}
        if self.parent:
            context["contextActivities"] = {"parent": [{"objectType": "Activity", "id": self.parent}]}
        if self.review:
            context["extensions"] = {home_page.rstrip("/") + "/extensions/review": True}
        return {
            "id": self.id,
            "version": "1.0.3",
            "actor": {"objectType": "Agent", "account": {"homePage": home_page, "name": self.actor}},
            "verb": {"id": VERBS[self.verb], "display": {"en-US": self.verb, "vi-VN": VERBS_VI[self.verb]}},
            "object": {"objectType": "Activity", "id": self.object_id, "definition": definition},
            "result": result,
            "context": context,
            "timestamp": self.timestamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }


@dataclass(frozen=True)
class Certificate:
    code: str
    learner_id: int
    scope: str  # a module id, or COURSE
    title: str
    name: str
    issued_at: datetime
