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

import hashlib
import math
import re
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from bot.core.communes import CommuneDirectory
from bot.core.curriculum import Course, Lesson, Module, QuizItem
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.ports import Curriculum, LearningStore
from bot.core.texts import t

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

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LEARNER_CODE = re.compile(r"^\s*(?:/hoc\s+)?HV[\s-]*([0-9A-Za-z]{4})[\s-]*([0-9A-Za-z]{4})\s*$", re.IGNORECASE)


# ---- codes ---------------------------------------------------------------------------------------
def _random(n: int) -> str:
    return "".join(secrets.choice(_CROCKFORD) for _ in range(n))


def _canon(text: str) -> str:
    """Upper case, Crockford look-alikes mapped (O→0, I/L→1), separators dropped."""
    return re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OILU", "011V"))


def new_learner_code() -> str:
    """"HV-XXXX-XXXX": 40 random bits, typed on another device to resume there."""
    c = _random(8)
    return f"HV-{c[:4]}-{c[4:]}"


def parse_learner_code(text: str) -> str | None:
    m = _LEARNER_CODE.match(text)
    if not m:
        return None
    c = _canon(m.group(1) + m.group(2))
    return f"HV-{c[:4]}-{c[4:]}" if all(ch in _CROCKFORD for ch in c) else None


def new_certificate_code() -> str:
    """"XXXX-XXXX-XXXX": 60 random bits, stored with the certificate; anything else does not verify."""
    c = _random(12)
    return f"{c[:4]}-{c[4:8]}-{c[8:]}"


def normalize_certificate_code(text: str) -> str | None:
    c = _canon(text)
    if len(c) != 12 or any(ch not in _CROCKFORD for ch in c):
        return None
    return f"{c[:4]}-{c[4:8]}-{c[8:]}"


# ---- values --------------------------------------------------------------------------------------
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


@dataclass(frozen=True)
class LearningPolicy:
    iri_base: str = "https://binhdan.invalid/xapi"  # activity ids and the actor's homePage start here
    public_url: str = ""  # where /certificates and /verify are served ("" = links relative to the web chat)
    pass_ratio: float = 0.8
    review_days: tuple[int, ...] = (1, 3, 7)
    remind_after_days: float = 3.0
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    tz: tzinfo | None = None
    province: str = "Tuyên Quang"

    def quiet(self, now: datetime) -> bool:
        """True during quiet hours (local time): no reminder goes out then."""
        local = now.astimezone(self.tz) if self.tz is not None else now
        s, e, x = self.quiet_start, self.quiet_end, local.time()
        return (s <= x or x < e) if s > e else (s <= x < e)

    def needed(self, n: int) -> int:
        """Right answers needed out of n to pass."""
        return math.ceil(self.pass_ratio * n - 1e-9)

    def iri(self, *parts: str) -> str:
        return "/".join([self.iri_base.rstrip("/"), *parts])

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


def reminder_due(learner: Learner, now: datetime, policy: LearningPolicy) -> bool:
    """One gentle reminder per pause: mid-module, reminders on, idle long enough, not yet reminded since."""
    if not learner.reminders or learner.position is None or learner.last_active_at is None:
        return False
    if now - learner.last_active_at < timedelta(days=policy.remind_after_days):
        return False
    if learner.reminded_at is not None and learner.reminded_at >= learner.last_active_at:
        return False
    return not policy.quiet(now)


# ---- the service ---------------------------------------------------------------------------------
@dataclass
class _Turn:
    """Per-message context: who, on which channel, in which language."""

    msg: InboundMessage
    st: ConversationState
    learner: Learner
    statements: list[Statement] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.st.lang


class LearningService:
    def __init__(self, curriculum: Curriculum | Course, store: LearningStore, *,
                 communes: CommuneDirectory | None = None, policy: LearningPolicy | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.course = curriculum if isinstance(curriculum, Course) else Course(curriculum.modules())
        self.store = store
        self.communes = communes or CommuneDirectory([])
        self.policy = policy or LearningPolicy()
        self.clock = clock or (lambda: datetime.now(UTC))

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
            k, tag = _parse_choice(choice)
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

    # ---- plumbing --------------------------------------------------------------------------------
    def _turn(self, msg: InboundMessage, st: ConversationState) -> _Turn:
        learner = self.store.find(msg.channel, msg.user_ref) or self.store.create(msg.channel, msg.user_ref)
        if learner.commune and st.commune != learner.commune:  # the ticket router reads st.commune
            st.commune = learner.commune
        if learner.group and st.group != learner.group:
            st.group = learner.group
        return _Turn(msg, st, learner)

    def _done(self, turn: _Turn, replies: list[Reply]) -> list[Reply]:
        learner = turn.learner
        learner.lang = turn.lang
        learner.last_active_at = self.clock()
        if turn.statements:
            self.store.record(turn.statements)
        self.store.save(learner)
        return [replace(r, lang=turn.lang) for r in replies]

    def _btn(self, turn: _Turn, key: str, action: str, **kw: object) -> Button:
        return Button(t(turn.lang, key, **kw)[:60], action[:64])

    def _emit(self, turn: _Turn, verb: str, kind: str, object_id: str, name: str, **kw: Any) -> Statement:
        s = Statement(id=str(uuid.uuid4()), learner_id=turn.learner.id, actor=turn.learner.key, verb=verb, kind=kind,
                      object_id=object_id, object_name=name, timestamp=self.clock(), channel=turn.msg.channel,
                      lang=turn.lang, **kw)
        turn.statements.append(s)
        return s

    def _progress(self, turn: _Turn) -> Progress:
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

    # ---- home, modules, linking ------------------------------------------------------------------
    def _entry(self, turn: _Turn) -> list[Reply]:
        if not self.course:
            return [Reply(t(turn.lang, "ln_no_course"), (self._btn(turn, "btn_menu", "menu"),))]
        if not turn.learner.profile_asked:
            turn.learner.profile_asked = True
            turn.st.learn_flow = "profile"
            return [Reply(t(turn.lang, "ln_profile_intro"), kind="info"), *self._ask_commune(turn)]
        return [self._home(turn)]

    def _home(self, turn: _Turn) -> Reply:
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

    def _module(self, turn: _Turn, module: Module) -> list[Reply]:
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

    # ---- profile ---------------------------------------------------------------------------------
    def _ask_commune(self, turn: _Turn) -> list[Reply]:
        if not len(self.communes):
            return self._ask_group(turn)
        turn.st.learn_wait = "commune"
        buttons: list[Button] = []
        known = self.communes.get(turn.st.commune) if turn.st.commune else None
        if known is not None:
            buttons.append(Button(known.name[:60], f"prof:c:{known.code}"))
        buttons.append(self._btn(turn, "btn_ln_skip", "prof:skip:c"))
        if turn.st.learn_flow == "profile":
            buttons.append(self._btn(turn, "btn_ln_have_code", "learn:code"))
        return [Reply(t(turn.lang, "ln_ask_commune", province=self.communes.province), tuple(buttons), kind="question")]

    def _commune_choices(self, turn: _Turn, text: str, found: Sequence[Any]) -> Reply:
        skip = self._btn(turn, "btn_ln_skip", "prof:skip:c")
        if not found:
            return Reply(t(turn.lang, "ln_commune_none", text=text[:40], province=self.communes.province), (skip,),
                         kind="question")
        return Reply(t(turn.lang, "ln_commune_choose"),
                     (*(Button(c.name[:60], f"prof:c:{c.code}") for c in found), skip), kind="question")

    def _ask_group(self, turn: _Turn) -> list[Reply]:
        turn.st.learn_wait = ""
        buttons = [self._btn(turn, f"ln_group_{g}", f"prof:g:{g}") for g in GROUPS]
        return [Reply(t(turn.lang, "ln_ask_group"), (*buttons, self._btn(turn, "btn_ln_skip", "prof:skip:g")),
                      kind="question")]

    def _ask_age(self, turn: _Turn) -> list[Reply]:
        turn.st.learn_wait = ""
        buttons = [self._btn(turn, f"ln_age_{a}", f"prof:a:{a}") for a in AGE_BANDS]
        return [Reply(t(turn.lang, "ln_ask_age"), (*buttons, self._btn(turn, "btn_ln_skip", "prof:skip:a")),
                      kind="question")]

    def _profile_next(self, turn: _Turn, answered: str) -> list[Reply]:
        """After one answer: the next question of the first-time chain, or the profile view when editing."""
        if turn.st.learn_flow != "profile":
            return [self._profile_view(turn)]
        if answered == "c":
            return self._ask_group(turn)
        if answered == "g":
            return self._ask_age(turn)
        turn.st.learn_flow = ""
        return [Reply(t(turn.lang, "ln_profile_thanks"), kind="info"), self._home(turn)]

    def _profile_view(self, turn: _Turn) -> Reply:
        lang, p = turn.lang, turn.learner
        dash = t(lang, "ln_not_given")
        text = t(lang, "ln_profile", commune=self.communes.name(p.commune) or p.commune or dash,
                 group=t(lang, f"ln_group_{p.group}") if p.group in GROUPS else dash,
                 age=t(lang, f"ln_age_{p.age_band}") if p.age_band in AGE_BANDS else dash,
                 name=p.name or dash, reminders=t(lang, "ln_on" if p.reminders else "ln_off"), code=p.code)
        remind = ("btn_ln_remind_off", "learn:remind:off") if p.reminders else ("btn_ln_remind_on", "learn:remind:on")
        buttons = [self._btn(turn, "btn_ln_edit_commune", "prof:edit:c"), self._btn(turn, "btn_ln_edit_group", "prof:edit:g"),
                   self._btn(turn, "btn_ln_edit_age", "prof:edit:a"), self._btn(turn, "btn_ln_edit_name", "prof:edit:n"),
                   self._btn(turn, *remind), self._btn(turn, "btn_ln_home", "learn")]
        return Reply(text, tuple(buttons), kind="menu")

    def _profile_action(self, turn: _Turn, arg: str) -> list[Reply]:
        field_, _, value = arg.partition(":")
        learner, st = turn.learner, turn.st
        if field_ == "c" and self.communes.get(value) is not None:
            learner.commune = st.commune = self.communes.get(value).code  # type: ignore[union-attr]
            st.learn_wait = ""
            return self._profile_next(turn, "c")
        if field_ == "g" and value in GROUPS:
            learner.group = st.group = value
            return self._profile_next(turn, "g")
        if field_ == "a" and value in AGE_BANDS:
            learner.age_band = value
            return self._profile_next(turn, "a")
        if field_ == "skip" and value in ("c", "g", "a"):
            st.learn_wait = ""
            return self._profile_next(turn, value)
        if field_ == "edit":
            st.learn_flow = ""
            if value == "c":
                return self._ask_commune(turn)
            if value == "g":
                return self._ask_group(turn)
            if value == "a":
                return self._ask_age(turn)
            if value == "n":
                st.learn_wait = "name"
                return [Reply(t(turn.lang, "ln_ask_name_edit"), (self._btn(turn, "btn_ln_noname", "prof:noname"),),
                              kind="question")]
        if field_ == "noname":
            st.learn_wait = ""
            learner.name, learner.name_choice = "", "declined"
            return [self._profile_view(turn)]
        if field_ == "name":
            st.learn_wait = "name"
            return [Reply(t(turn.lang, "ln_ask_name_type"), (self._btn(turn, "btn_ln_noname", "learn:cert:noname"),),
                          kind="question")]
        return [self._profile_view(turn)]

    # ---- lessons ---------------------------------------------------------------------------------
    def _learn_action(self, turn: _Turn, arg: str) -> list[Reply]:
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

    def _resume(self, turn: _Turn) -> list[Reply]:
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

    def _card(self, turn: _Turn, lesson: Lesson, i: int) -> list[Reply]:
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

    def _item(self, turn: _Turn, lesson: Lesson, i: int, *, review: bool = False, left: int = 0) -> Reply:
        lang = turn.lang
        item = lesson.quiz[i]
        turn.st.state = "lesson" if not review else turn.st.state
        if review:
            head = t(lang, "ln_review_head", n=left)
        else:
            head = t(lang, "ln_quiz_head", title=lesson.name(lang), i=i + 1, n=len(lesson.quiz))
        order = option_order(turn.learner.key, item)
        options = "\n".join(f"{n + 1}. {item.options[k]}" for n, k in enumerate(order))
        buttons = [Button(_short(f"{n + 1}. {item.options[k]}"), quiz_action(item, k, review=review))
                   for n, k in enumerate(order)]
        if review:
            buttons.append(self._btn(turn, "btn_ln_later", "learn"))
        return Reply(f"{head}\n{item.question}\n\n{options}", tuple(buttons), kind="quiz")

    def _feedback(self, turn: _Turn, item: QuizItem, k: int) -> str:
        if k == item.correct:
            return t(turn.lang, "ln_right", explanation=item.explanation)
        return t(turn.lang, "ln_wrong", answer=item.options[item.correct], explanation=item.explanation)

    def _answer(self, turn: _Turn, item_id: str, k: int, tag: str | None, *, review: bool) -> list[Reply]:
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

    def _quiz_result(self, turn: _Turn, lesson: Lesson, right: int) -> list[Reply]:
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

    def _practice(self, turn: _Turn, lesson: Lesson) -> list[Reply]:
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

    def _lesson_done(self, turn: _Turn, lesson: Lesson) -> list[Reply]:
        if lesson.id not in self._progress(turn).completed_lessons:
            self._emit(turn, "completed", "lesson", self.policy.iri("lessons", lesson.id), lesson.title,
                       module_id=lesson.module_id, lesson_id=lesson.id, completion=True,
                       parent=self.policy.iri("modules", lesson.module_id))
        turn.st.state = "bot"
        return [Reply(t(turn.lang, "ln_lesson_done", title=lesson.name(turn.lang)), kind="info"),
                *self._after_lesson(turn, lesson)]

    def _after_lesson(self, turn: _Turn, lesson: Lesson) -> list[Reply]:
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
            buttons.append(Button(_short(t(lang, "btn_ln_next_lesson", title=target.name(lang))), f"learn:les:{target.id}"))
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

    def _module_done(self, turn: _Turn, module: Module) -> list[Reply]:
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
    def _issue_pending(self, turn: _Turn) -> list[Reply]:
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

    # ---- review ----------------------------------------------------------------------------------
    def _review_next(self, turn: _Turn) -> list[Reply]:
        due = self.store.reviews_due(turn.learner.id, self.clock())
        for item_id, _stage in due:
            found = self.course.item(item_id)
            if found is not None:
                lesson, item = found
                return [self._item(turn, lesson, lesson.quiz.index(item), review=True, left=len(due))]
            self.store.set_review(turn.learner.id, item_id, 0, None)  # the item left the curriculum
        return [Reply(t(turn.lang, "ln_review_none"), (self._btn(turn, "btn_ln_home", "learn"),), kind="info")]

    def _review_answer(self, turn: _Turn, lesson: Lesson, item: QuizItem, k: int) -> list[Reply]:
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


def _parse_choice(raw: str) -> tuple[int, str | None]:
    """'<k>-<tag>' → (k, tag); an older button ('<k>') has no tag; anything else is (-1, None)."""
    k, _, tag = raw.partition("-")
    return (int(k), tag or None) if k.isdigit() else (-1, None)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

