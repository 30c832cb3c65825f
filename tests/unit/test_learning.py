"""Learning in the chat, against the real curriculum (knowledge/lessons) and an in-memory store: profile,
cards, quiz feedback, practice, module completion, review spacing, certificates, linking, reminders."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.bootstrap import Curriculum
from bot.core.answering.service import AnswerService, Calibration
from bot.core.communes import Commune, CommuneDirectory
from bot.core.conversation.engine import ConversationService
from bot.core.learning.codes import new_certificate_code, new_learner_code, normalize_certificate_code, parse_learner_code
from bot.core.learning.curriculum import Course
from bot.core.learning.model import Certificate, Learner, Progress, Statement
from bot.core.learning.policy import LearningPolicy, reminder_due
from bot.core.learning.quiz import option_order, quiz_action
from bot.core.learning.service import LearningService
from bot.core.messages import ConversationState, InboundMessage, Reply
from tests.fakes_core import FakeRetriever, RecordingLog, passage

ROOT = Path(__file__).resolve().parents[2]
COURSE = Course(Curriculum(ROOT / "knowledge" / "lessons").modules())
M1 = COURSE.modules[0]
COMMUNES = CommuneDirectory([Commune("02269", "Xã Thượng Lâm"), Commune("02260", "Xã Lâm Bình"),
                             Commune("00691", "Phường Hà Giang 2", "phường")])


@dataclass
class MemoryStore:
    """The LearningStore port in memory (the SQL one is tested in tests/integration/test_learning.py)."""

    learners: dict[int, Learner] = field(default_factory=dict)
    links: dict[tuple[str, str], int] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    reviews: dict[tuple[int, str], tuple[int, datetime]] = field(default_factory=dict)
    certs: dict[str, Certificate] = field(default_factory=dict)

    def find(self, channel: str, user_ref: str) -> Learner | None:
        lid = self.links.get((channel, user_ref))
        return replace(self.learners[lid]) if lid is not None else None

    def create(self, channel: str, user_ref: str) -> Learner:
        lid = len(self.learners) + 1
        self.learners[lid] = Learner(lid, uuid.uuid4().hex, new_learner_code())
        self.links[(channel, user_ref)] = lid
        return replace(self.learners[lid])

    def by_code(self, code: str) -> Learner | None:
        return next((replace(x) for x in self.learners.values() if x.code == code), None)

    def link(self, learner_id: int, channel: str, user_ref: str) -> None:
        self.links[(channel, user_ref)] = learner_id

    def save(self, learner: Learner) -> None:
        self.learners[learner.id] = replace(learner)

    def record(self, statements: Sequence[Statement]) -> None:
        self.statements.extend(statements)

    def commit(self, learner: Learner, statements: Sequence[Statement]) -> None:
        known = {s.id for s in self.statements}
        self.statements.extend(s for s in statements if s.id not in known)
        self.save(learner)

    def progress(self, learner_id: int) -> Progress:
        mine = [s for s in self.statements if s.learner_id == learner_id]
        return Progress(
            started=bool(mine),
            seen_cards=frozenset(s.object_id for s in mine if s.verb == "experienced"),
            completed_lessons=frozenset(s.lesson_id for s in mine if s.verb == "completed" and s.kind == "lesson"),
            passed_quizzes=frozenset(s.lesson_id for s in mine if s.verb == "passed"),
            completed_modules=frozenset(s.module_id for s in mine if s.verb == "completed" and s.kind == "module"),
            course_completed=any(s.kind == "course" for s in mine),
            certificates=frozenset(c.scope for c in self.certs.values() if c.learner_id == learner_id))

    def reviews_due(self, learner_id: int, now: datetime) -> list[tuple[str, int]]:
        due = [(when, item, stage) for (lid, item), (stage, when) in self.reviews.items()
               if lid == learner_id and when <= now]
        return [(item, stage) for _, item, stage in sorted(due)]

    def set_review(self, learner_id: int, item_id: str, stage: int, due_at: datetime | None) -> None:
        if due_at is None:
            self.reviews.pop((learner_id, item_id), None)
        else:
            self.reviews[(learner_id, item_id)] = (stage, due_at)

    def issue_certificate(self, cert: Certificate) -> Certificate:
        old = next((c for c in self.certs.values() if c.learner_id == cert.learner_id and c.scope == cert.scope), None)
        if old is not None:
            return old
        self.certs[cert.code] = cert
        return cert


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Desk:
    requests: list[dict[str, object]] = field(default_factory=list)

    def request(self, **kw: object) -> object:
        from bot.core.handoff import OpenedTicket

        self.requests.append(kw)
        return OpenedTicket(len(self.requests), "normal", str(kw.get("commune", "")), False, None, None)

    def active(self, channel: str, user_ref: str) -> None:
        return None


class Chat:
    """One citizen talking to the engine on one channel."""

    def __init__(self, conv: ConversationService, channel: str = "web", user: str = "u1") -> None:
        self.conv, self.channel, self.user = conv, channel, user
        self.st = ConversationState(greeted=True, consent="given")
        self.n = 0

    def _send(self, kind: str, text: str = "", action: str = "") -> list[Reply]:
        self.n += 1
        msg = InboundMessage(channel=self.channel, user_ref=self.user, platform_msg_id=str(self.n),
                             received_at=datetime.now(UTC), kind=kind, text=text, action=action)
        return self.conv.handle(msg, self.st)

    def say(self, text: str) -> list[Reply]:
        return self._send("text", text=text)

    def tap(self, action: str) -> list[Reply]:
        return self._send("action", action=action)


def engine(clock: Clock | None = None, *, coverage: float = 1.0) -> tuple[ConversationService, MemoryStore, Desk]:
    store, desk = MemoryStore(), Desk()
    r = FakeRetriever((passage("a", 0.9),), coverage=coverage)
    answers = AnswerService(r, calibration=Calibration((-6.0, 0.0, 12.0, 0.0), 0.5), question_log=RecordingLog())
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    policy = LearningPolicy(iri_base="https://binhdan.test/xapi", tz=tz)
    learning = LearningService(COURSE, store, communes=COMMUNES, policy=policy, clock=clock)
    return ConversationService(answers, handoff=desk, communes=COMMUNES, learning=learning), store, desk


def actions(replies: list[Reply]) -> list[str]:
    return [b.action for r in replies for b in r.buttons]


def skip_profile(chat: Chat) -> None:
    chat.tap("learn")
    chat.tap("prof:skip:c")
    chat.tap("prof:skip:g")
    chat.tap("prof:skip:a")


def do_lesson(chat: Chat, lesson_id: str, *, wrong_first: bool = False) -> list[Reply]:
    lesson = COURSE.lesson(lesson_id)
    assert lesson is not None
    chat.tap(f"learn:les:{lesson.id}")
    for i in range(1, len(lesson.cards)):
        chat.tap(f"learn:card:{lesson.id}:{i}")
    chat.tap(f"learn:quiz:{lesson.id}")
    for n, q in enumerate(lesson.quiz):
        k = (q.correct + 1) % len(q.options) if wrong_first and n == 0 else q.correct
        chat.tap(quiz_action(q, k))
    if wrong_first:
        chat.tap(f"learn:quiz:{lesson.id}")
        for q in lesson.quiz:
            chat.tap(quiz_action(q, q.correct))
    return chat.tap(f"learn:done:{lesson.id}")


def test_codes_parse_forgivingly_and_reject_junk() -> None:
    code = new_learner_code()
    assert parse_learner_code(code) == code
    assert parse_learner_code(code.lower().replace("-", " ")) == code
    assert parse_learner_code(f"/hoc {code}") == code
    assert parse_learner_code("xin chào") is None and parse_learner_code("HV-12") is None
    cert = new_certificate_code()
    assert normalize_certificate_code(cert.lower().replace("-", "")) == cert
    assert normalize_certificate_code(cert[:-1]) is None and normalize_certificate_code("ABCD-EFGH-!JKL") is None


def test_profile_is_asked_once_tolerates_missing_tone_marks_and_every_question_can_be_skipped() -> None:
    conv, store, _ = engine()
    chat = Chat(conv)
    first = chat.tap("learn")
    assert "3 câu ngắn" in first[0].text and first[-1].kind == "question"
    assert "prof:skip:c" in actions(first) and "learn:code" in actions(first)
    found = chat.say("thuong lam")  # no tone marks
    assert found[0].buttons[0].title == "Xã Thượng Lâm"
    group = chat.tap("prof:c:02269")
    assert chat.st.commune == "02269"  # the ticket router reads the conversation's commune
    assert [b.action for b in group[0].buttons][:5] == ["prof:g:can_bo", "prof:g:hoc_sinh", "prof:g:lao_dong",
                                                        "prof:g:cao_tuoi", "prof:g:khac"]
    chat.tap("prof:g:cao_tuoi")
    home = chat.tap("prof:skip:a")
    learner = store.learners[1]
    assert (learner.commune, learner.group, learner.age_band) == ("02269", "cao_tuoi", "")
    assert chat.st.group == "cao_tuoi"
    assert "learn:mod:m1-dien-thoai" in actions(home)
    again = chat.tap("learn")  # asked only once
    assert again[0].kind == "menu" and "prof:skip:c" not in actions(again)
    # /hoso: everything editable, reminders can be turned off
    prof = chat.say("/hoso")
    assert "Thượng Lâm" in prof[0].text and "Người cao tuổi" in prof[0].text
    chat.tap("prof:edit:c")
    chat.say("ha giang 2")
    view = chat.tap("prof:c:00691")
    assert store.learners[1].commune == "00691" == chat.st.commune and "Hà Giang 2" in view[0].text
    chat.tap("learn:remind:off")
    assert store.learners[1].reminders is False


def test_a_question_typed_instead_of_a_commune_is_answered() -> None:
    conv, _, _ = engine()
    chat = Chat(conv)
    chat.tap("learn")
    replies = chat.say("làm sao để lấy lại mật khẩu VNeID khi quên")
    assert replies[0].kind == "answer" and chat.st.learn_wait == ""


def test_cards_quiz_feedback_practice_and_statements() -> None:
    clock = Clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    conv, store, _ = engine(clock)
    chat = Chat(conv)
    skip_profile(chat)
    lesson = M1.lessons[0]
    card = chat.tap(f"learn:les:{lesson.id}")[0]
    assert lesson.cards[0] in card.text and "(1/5)" in card.text
    assert [b.action for b in card.buttons][:2] == [f"learn:card:{lesson.id}:1", f"learn:mod:{M1.id}"]
    back = chat.tap(f"learn:card:{lesson.id}:1")[0]
    assert back.buttons[1].action == f"learn:card:{lesson.id}:0"  # "Quay lại"
    for i in range(2, len(lesson.cards) - 1):
        chat.tap(f"learn:card:{lesson.id}:{i}")
    chat.tap(f"learn:card:{lesson.id}:0")  # going back does not count a card twice
    last = chat.tap(f"learn:card:{lesson.id}:{len(lesson.cards) - 1}")[0]
    assert last.buttons[0].action == f"learn:quiz:{lesson.id}"
    item = chat.tap(f"learn:quiz:{lesson.id}")[0]
    q = lesson.quiz[0]
    assert q.question in item.text and all(o in item.text for o in q.options)
    order = option_order(next(iter(store.learners.values())).key, q)  # shown in the learner's own order
    assert sorted(order) == list(range(len(q.options)))
    assert [b.action for b in item.buttons] == [quiz_action(q, k) for k in order]
    assert item.text.index(q.options[order[0]]) < item.text.index(q.options[order[-1]])
    wrong = (q.correct + 1) % len(q.options)
    fb = chat.tap(quiz_action(q, wrong))[0]
    assert fb.text.startswith("Chưa đúng") and q.explanation in fb.text and q.options[q.correct] in fb.text
    again = chat.tap(quiz_action(q, q.correct))[0]  # the same button twice: feedback, not recorded again
    assert again.text.startswith("Đúng rồi")
    for q in lesson.quiz[1:]:
        replies = chat.tap(quiz_action(q, q.correct))
    assert "3/4" in replies[-1].text and "ít nhất 4" in replies[-1].text  # 80% of 4 = 4
    answered = [s for s in store.statements if s.verb == "answered"]
    assert [s.success for s in answered] == [False, True, True, True]
    assert [s.verb for s in store.statements if s.kind == "quiz"] == ["failed"]
    retry = [a for a in actions(replies) if a.startswith("learn:quiz:")]
    chat.tap(retry[0])
    for q in lesson.quiz:
        replies = chat.tap(quiz_action(q, q.correct))
    assert "4/4" in replies[-1].text
    practice = chat.tap(f"learn:prac:{lesson.id}")[0]
    assert lesson.practice in practice.text
    assert [b.action for b in practice.buttons][:2] == [f"learn:done:{lesson.id}", f"learn:help:{lesson.id}"]
    done = chat.tap(f"learn:done:{lesson.id}")
    assert f"learn:les:{M1.lessons[1].id}" in actions(done)
    verbs = [(s.verb, s.kind) for s in store.statements]
    assert verbs.count(("experienced", "card")) == len(lesson.cards)  # each card once, however often seen
    assert ("passed", "quiz") in verbs and verbs[-1] == ("completed", "lesson")
    assert all(s.object_id.startswith("https://binhdan.test/xapi/") for s in store.statements)
    x = store.statements[-1].xapi("https://binhdan.test")
    assert x["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed" and x["timestamp"].endswith("Z")
    assert x["actor"]["account"]["name"] == store.learners[1].key


def test_every_button_of_the_whole_curriculum_is_ascii_and_fits_telegram() -> None:
    conv, _, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    seen: list[str] = []
    for module in COURSE.modules:
        seen += actions(chat.tap(f"learn:mod:{module.id}"))
        for lesson in module.lessons:
            for i in range(len(lesson.cards)):
                seen += actions(chat.tap(f"learn:card:{lesson.id}:{i}"))
            seen += actions(chat.tap(f"learn:quiz:{lesson.id}"))
            for q in lesson.quiz:
                seen += actions(chat.tap(quiz_action(q, q.correct)))
            seen += actions(chat.tap(f"learn:prac:{lesson.id}"))
    assert len(seen) > 500
    assert all(a.isascii() and len(a.encode()) <= 64 for a in seen), [a for a in seen if len(a.encode()) > 64]


def test_module_completion_needs_every_lesson_and_passed_quizzes_then_a_certificate() -> None:
    conv, store, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    for lesson in M1.lessons[:-1]:
        do_lesson(chat, lesson.id)
    assert not any(s.kind == "module" for s in store.statements)
    last = M1.lessons[-1]
    # the last lesson with a failed quiz: done, but the module is not complete yet
    chat.tap(f"learn:quiz:{last.id}")
    for n, q in enumerate(last.quiz):
        chat.tap(quiz_action(q, (q.correct + 1) % len(q.options) if n == 0 else q.correct))
    replies = chat.tap(f"learn:done:{last.id}")
    assert not any(s.kind == "module" for s in store.statements)
    assert f"learn:quiz:{last.id}" in actions(replies)
    chat.tap(f"learn:quiz:{last.id}")
    for q in last.quiz:
        replies = chat.tap(quiz_action(q, q.correct))
    assert any("hoàn thành chủ đề" in r.text for r in replies)
    assert [s.module_id for s in store.statements if s.kind == "module"] == [M1.id]
    assert "prof:name" in actions(replies) and not store.certs  # the name is asked first
    chat.tap("prof:name")
    bad = chat.say("Lan 0912345678")
    assert "chữ số" in bad[0].text and not store.certs
    cert = chat.say("Nguyễn Thị Lan")
    (c,) = store.certs.values()
    assert c.name == "Nguyễn Thị Lan" and c.scope == M1.id and c.title == M1.title
    assert cert[-1].image == f"/certificates/{c.code}.png" and f"/verify/{c.code}" in cert[-1].text


def test_missed_items_come_back_after_1_3_7_days_offered_never_forced() -> None:
    clock = Clock(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    conv, store, _ = engine(clock)
    chat = Chat(conv)
    skip_profile(chat)
    lesson = M1.lessons[0]
    q = lesson.quiz[0]
    chat.tap(f"learn:quiz:{lesson.id}")
    chat.tap(quiz_action(q, (q.correct + 1) % len(q.options)))
    assert "learn:rev" not in actions(chat.tap("learn"))
    clock.now += timedelta(days=1)
    home = chat.tap("learn")
    assert "learn:rev" in actions(home) and home[0].kind == "menu"  # offered, not started
    item = chat.tap("learn:rev")[0]
    assert q.question in item.text and quiz_action(q, q.correct, review=True) in actions([item])
    chat.tap(quiz_action(q, q.correct, review=True))
    assert store.reviews[(1, q.id)] == (1, clock.now + timedelta(days=3))
    clock.now += timedelta(days=3)
    chat.tap(quiz_action(q, q.correct, review=True))
    assert store.reviews[(1, q.id)] == (2, clock.now + timedelta(days=7))
    clock.now += timedelta(days=7)
    chat.tap(quiz_action(q, q.correct, review=True))
    assert (1, q.id) not in store.reviews  # learnt
    assert sum(1 for s in store.statements if s.review) == 3


def test_a_question_mid_lesson_is_answered_then_the_lesson_is_offered_again() -> None:
    conv, _, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    lesson = M1.lessons[1]
    chat.tap(f"learn:card:{lesson.id}:2")
    replies = chat.say("tải ứng dụng VNeID ở đâu")
    assert replies[0].kind == "answer"
    assert replies[-1].buttons[0].action == "learn:resume"
    assert chat.st.options[0] == "learn:resume"  # typing "1" resumes too
    resumed = chat.say("1")[0]
    assert lesson.cards[2] in resumed.text


def test_help_with_a_practice_task_opens_a_ticket_with_the_lesson_as_context() -> None:
    conv, _, desk = engine()
    chat = Chat(conv)
    skip_profile(chat)
    chat.st.commune = "02269"
    lesson = M1.lessons[3]
    chat.tap(f"learn:prac:{lesson.id}")
    chat.tap(f"learn:help:{lesson.id}")
    (req,) = desk.requests
    assert req["reason"] == "lesson_help" and req["commune"] == "02269"
    summary = req["summary"]
    assert lesson.title in summary.context and lesson.practice[:40] in summary.context  # type: ignore[attr-defined]
    assert chat.st.state == "waiting_volunteer"


def test_another_device_resumes_with_the_learner_code() -> None:
    conv, store, _ = engine()
    phone = Chat(conv, "telegram", "777")
    skip_profile(phone)
    do_lesson(phone, M1.lessons[0].id)
    lesson = M1.lessons[1]
    phone.tap(f"learn:card:{lesson.id}:3")
    code = store.learners[1].code
    assert code in phone.tap("learn")[0].text
    web = Chat(conv, "web", "session-b")
    linked = web.say(code.lower())  # typed, not a command
    assert "Đã nối" in linked[0].text and "learn:resume" in actions(linked)
    card = web.tap("learn:resume")[0]
    assert lesson.cards[3] in card.text
    assert store.links[("web", "session-b")] == 1 and len(store.learners) == 1
    other = Chat(conv, "web", "session-c")
    assert "Không tìm thấy" in other.say("/hoc HV-0000-0000")[0].text


def test_reminder_rules_one_per_pause_never_at_night() -> None:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    policy = LearningPolicy(tz=tz, remind_after_days=3, quiet_start=time(21), quiet_end=time(7))
    from bot.core.learning.model import Position

    paused = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 local
    learner = Learner(1, "k", "HV-AAAA-BBBB", position=Position("m1-l2-cai-ung-dung"), last_active_at=paused)
    assert not reminder_due(learner, paused + timedelta(days=2), policy)
    assert reminder_due(learner, paused + timedelta(days=3), policy)
    night = datetime(2026, 3, 5, 15, 30, tzinfo=UTC)  # 22:30 local
    assert not reminder_due(learner, night, policy)
    assert not reminder_due(replace(learner, reminded_at=paused + timedelta(days=3)), paused + timedelta(days=4), policy)
    assert not reminder_due(replace(learner, reminders=False), paused + timedelta(days=4), policy)
    assert not reminder_due(replace(learner, position=None), paused + timedelta(days=4), policy)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_learning_texts_exist_in_both_languages(lang: str) -> None:
    from bot.core.texts import en_learning, vi_learning

    texts = {"vi": vi_learning.TEXTS, "en": en_learning.TEXTS}
    assert set(texts["vi"]) == set(texts["en"])
    assert all(v.strip() for v in texts[lang].values())


def test_the_whole_curriculum_yields_a_course_certificate_too() -> None:
    conv, store, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    chat.tap("learn:cert:noname")  # decided up front: no name on certificates
    replies: list[Reply] = []
    for module in COURSE.modules:
        for lesson in module.lessons:
            replies = do_lesson(chat, lesson.id)
    scopes = sorted(c.scope for c in store.certs.values())
    assert scopes == sorted([m.id for m in COURSE.modules] + ["course"])
    assert all(c.name == "" for c in store.certs.values())
    assert [s.kind for s in store.statements if s.verb == "completed"].count("module") == len(COURSE.modules)
    assert any("tất cả các chủ đề" in r.text for r in replies)
    assert store.learners[1].position is None
    again = do_lesson(chat, M1.lessons[0].id)  # redoing a lesson issues nothing new
    assert len(store.certs) == len(COURSE.modules) + 1 and not any(r.kind == "certificate" for r in again)


# ---- options shuffled per learner (issue 16) ------------------------------------------------------
ALL_ITEMS = [q for m in COURSE.modules for lesson in m.lessons for q in lesson.quiz]


def test_two_learners_see_different_option_orders_for_some_items() -> None:
    a = [option_order("learner-a", q) for q in ALL_ITEMS]
    b = [option_order("learner-b", q) for q in ALL_ITEMS]
    assert all(sorted(o) == list(range(len(q.options))) for o, q in zip(a, ALL_ITEMS, strict=True))
    assert sum(x != y for x, y in zip(a, b, strict=True)) > len(ALL_ITEMS) // 2
    shown_first = {o[0] for o in a}  # the file's first option is not always shown first
    assert len(shown_first) > 1


def test_a_learner_sees_the_same_order_on_a_retry() -> None:
    conv, _, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    lesson = M1.lessons[0]
    first = chat.tap(f"learn:quiz:{lesson.id}")[0]
    again = chat.tap(f"learn:quiz:{lesson.id}")[0]
    assert [b.action for b in first.buttons] == [b.action for b in again.buttons] and first.text == again.text


def learner_with_key(key: str) -> tuple[Chat, MemoryStore]:
    conv, store, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    lid = next(iter(store.learners))
    store.learners[lid] = replace(store.learners[lid], key=key)
    return chat, store


def test_tapping_or_typing_the_shown_correct_option_is_right_for_every_order() -> None:
    lesson = M1.lessons[0]
    q = lesson.quiz[0]

    wanted = set(itertools.permutations(range(len(q.options))))
    keys: dict[tuple[int, ...], str] = {}
    for n in range(5000):
        keys.setdefault(tuple(option_order(f"k{n}", q)), f"k{n}")
        if len(keys) == len(wanted):
            break
    assert set(keys) == wanted  # every order happens for some learner
    for order, key in keys.items():
        for typed in (False, True):
            chat, _ = learner_with_key(key)
            item = chat.tap(f"learn:quiz:{lesson.id}")[0]
            shown = order.index(q.correct)  # where the right answer is on screen
            assert item.buttons[shown].title.startswith(f"{shown + 1}. ")
            assert item.buttons[shown].title[3:].rstrip("…") in q.options[q.correct]
            reply = chat.say(str(shown + 1)) if typed else chat.tap(item.buttons[shown].action)
            assert reply[0].text.startswith("Đúng rồi"), (order, typed, reply[0].text)
            wrong = (shown + 1) % len(order)
            chat2, _ = learner_with_key(key)
            item2 = chat2.tap(f"learn:quiz:{lesson.id}")[0]
            assert chat2.tap(item2.buttons[wrong].action)[0].text.startswith("Chưa đúng")


def test_a_button_from_before_the_shuffle_or_an_edit_is_not_graded_and_shows_the_item_again() -> None:
    conv, store, _ = engine()
    chat = Chat(conv)
    skip_profile(chat)
    lesson = M1.lessons[0]
    q = lesson.quiz[0]
    chat.tap(f"learn:quiz:{lesson.id}")
    for stale in (f"quiz:{q.id}:{q.correct}", f"quiz:{q.id}:{q.correct}-0000"):
        replies = chat.tap(stale)
        assert "vừa được cập nhật" in replies[0].text
        assert replies[1].kind == "quiz" and q.question in replies[1].text
    assert not [s for s in store.statements if s.verb == "answered"]  # nothing was graded
    assert chat.tap(quiz_action(q, q.correct))[0].text.startswith("Đúng rồi")
