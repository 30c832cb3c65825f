"""Learning in the chat against the real server (uvicorn on 127.0.0.1) and the real database (SQLite and
PostgreSQL): the web chat from module start to certificate with a resume on another session, the coverage
report and the xAPI export through the CLI (a real process), certificate verification, Telegram through a
fake Bot API, reminders with a controllable clock, and erasure."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from sqlalchemy import func, select

from bot.bootstrap import Curriculum, build_communes, build_learning, build_personal_data, build_reminders, build_sessions, ingest
from bot.core.learning.codes import new_certificate_code
from bot.core.learning.curriculum import Course
from bot.core.learning.quiz import quiz_action
from bot.core.messages import ConversationState, InboundMessage
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.messaging import MessageStore
from bot.storage.tables.learning import DenominatorRow, LearnerRow, StatementRow
from bot.storage.tables.messaging import OutboxRow
from bot.web.app import create_app
from tests.cli_inproc import run_cli
from tests.conftest import ROOT, make_settings
from tests.fakes import FakeTelegram, ServerThread, tg_callback_update, tg_text_update, wait_for
from tests.webchat import headers, session_for

COURSE = Course(Curriculum(ROOT / "knowledge" / "lessons").modules())
M1 = COURSE.modules[0]
THUONG_LAM, HA_GIANG_2, NGOC_DUONG = "02269", "00691", "00700"
SECRET = "s3cret-Token_1"
# a learner taps through cards faster than the abuse limit for typed messages (20 a minute): off here
NO_LIMITS = {"BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "0", "BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE": "0"}


# ---- helpers ---------------------------------------------------------------------------------------------
class WebChat:
    def __init__(self, url: str, sid: str) -> None:
        self.url, self.sid = f"{url}/api/chat", session_for(url, sid)

    def _post(self, **body: str) -> list[dict[str, Any]]:
        r = httpx.post(self.url, json=body, headers=headers(self.sid), timeout=30)
        assert r.status_code == 200, r.text
        replies: list[dict[str, Any]] = r.json()["replies"]
        return replies

    def say(self, text: str) -> list[dict[str, Any]]:
        return self._post(text=text)

    def tap(self, action: str) -> list[dict[str, Any]]:
        return self._post(action=action)


def buttons(replies: list[dict[str, Any]]) -> dict[str, str]:
    """title -> action of every button in the replies."""
    return {b["title"]: b["action"] for r in replies for b in r["buttons"]}


def run_lesson_by_buttons(chat: WebChat, first: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """From a lesson's first card to its end, pressing only the buttons the bot shows (right answers)."""
    replies = first
    lesson_id = buttons(replies)["Tiếp"].split(":")[2]
    lesson = COURSE.lesson(lesson_id)
    assert lesson is not None
    while "Tiếp" in buttons(replies):
        replies = chat.tap(buttons(replies)["Tiếp"])
    for q in lesson.quiz:
        assert q.question in replies[-1]["text"]
        replies = chat.tap(quiz_action(q, q.correct))
        if "Câu tiếp theo" in buttons(replies):
            replies = chat.tap(buttons(replies)["Câu tiếp theo"])
    replies = chat.tap(buttons(replies)["Làm bài thực hành"])
    return chat.tap(buttons(replies)["Tôi đã làm xong"])


def binhdan(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`binhdan …` in-process (tests/cli_inproc.py): the commands' output and status, without a new process each."""
    return run_cli(args, env)


class Learning:
    """The learning service on the test database, driven directly (no HTTP), with a settable clock."""

    def __init__(self, settings: Any, now: datetime | None = None) -> None:
        self.now = now or datetime.now(UTC)
        self.sessions = build_sessions(settings)
        self.service, self.store = build_learning(settings, self.sessions, build_communes(settings),
                                                  clock=lambda: self.now)
        self.states: dict[tuple[str, str], ConversationState] = {}
        self.n = 0

    def tap(self, channel: str, user: str, action: str) -> None:
        self.n += 1
        st = self.states.setdefault((channel, user), ConversationState())
        msg = InboundMessage(channel=channel, user_ref=user, platform_msg_id=str(self.n), received_at=self.now,
                             kind="action", action=action)
        self.service.action(msg, st, action)

    def learner(self, channel: str, user: str, *, commune: str = "", group: str = "") -> None:
        self.tap(channel, user, "learn")
        self.tap(channel, user, f"prof:c:{commune}" if commune else "prof:skip:c")
        self.tap(channel, user, f"prof:g:{group}" if group else "prof:skip:g")
        self.tap(channel, user, "prof:skip:a")

    def lesson(self, channel: str, user: str, lesson_id: str) -> None:
        lesson = COURSE.lesson(lesson_id)
        assert lesson is not None
        for i in range(len(lesson.cards)):
            self.tap(channel, user, f"learn:card:{lesson.id}:{i}")
        self.tap(channel, user, f"learn:quiz:{lesson.id}")
        for q in lesson.quiz:
            self.tap(channel, user, quiz_action(q, q.correct))
        self.tap(channel, user, f"learn:done:{lesson.id}")

    def module(self, channel: str, user: str, module_index: int = 0) -> None:
        for lesson in COURSE.modules[module_index].lessons:
            self.lesson(channel, user, lesson.id)
        self.tap(channel, user, "learn:cert:noname")


def count(sessions: Any, table: Any) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


# ---- the web chat, end to end ----------------------------------------------------------------------------
def test_web_chat_module_one_resume_on_another_session_and_certificate(tmp_path: Path, db_url: str,
                                                                       mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url, **NO_LIMITS)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    with ServerThread(create_app(s)) as app:
        a = WebChat(app.url, "session-aaaa")
        first = a.say("/hoc")
        assert "3 câu ngắn" in first[0]["text"] and "Bỏ qua" in buttons(first)
        found = a.say("thuong lam")  # the commune, typed without tone marks
        assert buttons(found)["Xã Thượng Lâm"] == f"prof:c:{THUONG_LAM}"
        a.tap(f"prof:c:{THUONG_LAM}")
        a.tap("prof:g:can_bo")
        home = a.tap("prof:a:36_59")
        assert any("Cảm ơn" in r["text"] for r in home)
        lessons = a.tap(buttons(home)[f"1. {M1.title}"])
        l1, l2 = M1.lessons[0], M1.lessons[1]
        card = a.tap(f"learn:les:{l1.id}")
        assert l1.cards[0] in card[0]["text"] and set(buttons(card)) >= {"Tiếp", "Quay lại"}
        assert buttons(lessons)  # the module's lesson list had buttons
        back = a.tap(buttons(a.tap(buttons(card)["Tiếp"]))["Quay lại"])
        assert l1.cards[0] in back[0]["text"]
        replies = back
        while "Tiếp" in buttons(replies):
            replies = a.tap(buttons(replies)["Tiếp"])
        q = l1.quiz[0]
        assert q.question in replies[-1]["text"]
        wrong = a.tap(quiz_action(q, (q.correct + 1) % len(q.options)))
        assert wrong[0]["text"].startswith("Chưa đúng") and q.explanation in wrong[0]["text"]
        replies = a.tap(buttons(wrong)["Câu tiếp theo"])
        for q in l1.quiz[1:]:
            replies = a.tap(quiz_action(q, q.correct))
            if "Câu tiếp theo" in buttons(replies):
                replies = a.tap(buttons(replies)["Câu tiếp theo"])
        assert f"3/{len(l1.quiz)}" in replies[-1]["text"]
        replies = a.tap(buttons(replies)["Làm lại bài kiểm tra"])
        for q in l1.quiz:
            replies = a.tap(quiz_action(q, q.correct))
            if "Câu tiếp theo" in buttons(replies):
                replies = a.tap(buttons(replies)["Câu tiếp theo"])
        assert "đã đạt" in replies[-1]["text"]
        practice = a.tap(buttons(replies)["Làm bài thực hành"])
        assert l1.practice in practice[0]["text"] and "Cần giúp đỡ" in buttons(practice)
        done = a.tap(buttons(practice)["Tôi đã làm xong"])
        nxt = next(t for t in buttons(done) if t.startswith("Bài tiếp"))
        replies = a.tap(buttons(done)[nxt])
        replies = a.tap(buttons(replies)["Tiếp"])
        assert l2.cards[1] in replies[0]["text"]  # card 2 of lesson 2: the learner leaves here
        code = re.search(r"HV-[0-9A-Z]{4}-[0-9A-Z]{4}", a.tap("learn")[0]["text"])
        assert code is not None

        b = WebChat(app.url, "session-bbbb")  # another device
        linked = b.say(f"/hoc {code.group(0)}")
        assert "Đã nối" in linked[0]["text"] and "Học tiếp" in buttons(linked)
        resumed = b.tap(buttons(linked)["Học tiếp"])
        assert l2.cards[1] in resumed[0]["text"] and "(2/" in resumed[0]["text"]
        assert not any("3 câu ngắn" in r["text"] for r in linked)  # the profile is not asked again

        replies = run_lesson_by_buttons(b, resumed)
        for _ in M1.lessons[2:]:
            nxt = next(t for t in buttons(replies) if t.startswith("Bài tiếp"))
            replies = run_lesson_by_buttons(b, b.tap(buttons(replies)[nxt]))
        assert any("hoàn thành chủ đề" in r["text"] for r in replies)
        cert = b.tap(buttons(replies)["Không ghi tên"])[-1]
        m = re.search(r"Mã xác minh: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", cert["text"])
        assert m is not None and cert["image"] == f"/certificates/{m.group(1)}.png"
        code_ok = m.group(1)

        png = httpx.get(f"{app.url}/certificates/{code_ok}.png")
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        from PIL import Image

        assert Image.open(io.BytesIO(png.content)).size == (1600, 1130)
        page = httpx.get(f"{app.url}/verify/{code_ok}")
        assert page.status_code == 200 and "là thật" in page.text and M1.title in page.text
        assert "Học viên" not in page.text  # no name was given
        assert not re.search(r'(src|href)="(https?:)?//', page.text)  # no external resources
        assert httpx.get(f"{app.url}/verify", params={"code": code_ok.lower()}).status_code == 200
        altered = code_ok[:-1] + ("A" if code_ok[-1] != "A" else "B")
        for bad in (altered, new_certificate_code(), "not-a-code"):
            r = httpx.get(f"{app.url}/verify/{bad}")
            assert r.status_code == 404 and "Không tìm thấy" in r.text
            assert httpx.get(f"{app.url}/certificates/{bad}.png").status_code == 404
        # a second completion of the same module gives no second certificate
        sessions = build_sessions(s)
        with sessions() as db:
            learners = db.scalar(select(func.count()).select_from(LearnerRow))
        assert learners == 1  # session B joined session A's learner; nothing else was created


# ---- coverage report and export through the CLI ----------------------------------------------------------
XAPI_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "actor", "verb", "object", "result", "timestamp"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"},
        "actor": {"type": "object", "required": ["objectType", "account"], "properties": {
            "objectType": {"const": "Agent"},
            "account": {"type": "object", "required": ["homePage", "name"], "additionalProperties": False,
                        "properties": {"homePage": {"type": "string", "pattern": "^https?://"},
                                       "name": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}}}},
        "verb": {"type": "object", "required": ["id", "display"], "properties": {
            "id": {"enum": [f"http://adlnet.gov/expapi/verbs/{v}"
                            for v in ("experienced", "answered", "passed", "failed", "completed")]},
            "display": {"type": "object", "minProperties": 1}}},
        "object": {"type": "object", "required": ["objectType", "id", "definition"], "properties": {
            "objectType": {"const": "Activity"},
            "id": {"type": "string", "pattern": "^[a-z][a-z0-9+.-]*://[^\\s]+$"},
            "definition": {"type": "object", "required": ["type", "name"],
                           "properties": {"type": {"type": "string", "pattern": "^https?://"}}}}},
        "result": {"type": "object", "properties": {
            "success": {"type": "boolean"}, "completion": {"type": "boolean"}, "response": {"type": "string"},
            "score": {"type": "object", "required": ["scaled"], "properties": {
                "scaled": {"type": "number", "minimum": -1, "maximum": 1}, "raw": {"type": "number"},
                "min": {"type": "number"}, "max": {"type": "number"}}}}, "minProperties": 1},
        "timestamp": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$"},
    },
}


@pytest.fixture
def cli_env(tmp_path: Path, db_url: str) -> dict[str, str]:
    return {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "idx"),
            "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_APP__LOG_LEVEL": "WARNING",
            "BINHDAN_LEARNING__BASIC_SKILLS_MODULES": "[m1-dien-thoai]"}


def test_progress_report_matches_the_learning_done_against_imported_denominators(
        tmp_path: Path, db_url: str, cli_env: dict[str, str]) -> None:
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_LEARNING__BASIC_SKILLS_MODULES="[m1-dien-thoai]")
    bad = tmp_path / "bad.csv"
    bad.write_text("commune_code,group,population\n"
                   f"{HA_GIANG_2},can_bo,10\n"
                   "99999,can_bo,5\n"  # unknown commune
                   f"{HA_GIANG_2},thợ săn,5\n"  # unknown group
                   f"{NGOC_DUONG},hoc_sinh,-3\n"  # not a count
                   f"{HA_GIANG_2},Cán bộ,2\n", encoding="utf-8")  # the same cell twice
    r = binhdan(["learners", "import-denominators", str(bad)], cli_env)
    assert r.returncode == 1 and "nothing was imported" in r.stderr
    for line in ("line 3", "line 4", "line 5", "line 6"):
        assert line in r.stderr
    assert "line 2:" not in r.stderr and "already given on line 2" in r.stderr
    assert count(build_sessions(s), DenominatorRow) == 0  # nothing half-written

    good = tmp_path / "den.csv"
    good.write_text("commune_code,group,population\n"
                    f"{HA_GIANG_2},can_bo,10\n"
                    f"{HA_GIANG_2},Người lao động,4\n"  # a group by its Vietnamese name
                    f"{NGOC_DUONG},hoc_sinh,3\n", encoding="utf-8")
    r = binhdan(["learners", "import-denominators", str(good)], cli_env)
    assert r.returncode == 0 and "3 rows" in r.stdout, r.stderr

    L = Learning(s)
    L.learner("web", "a1", commune=HA_GIANG_2, group="can_bo")
    L.module("web", "a1")  # completes module 1: has basic skills (the rule in this test)
    L.learner("web", "a2", commune=HA_GIANG_2, group="can_bo")
    L.lesson("web", "a2", M1.lessons[0].id)  # started only
    L.learner("telegram", "a3", commune=HA_GIANG_2, group="lao_dong")
    L.module("telegram", "a3")
    L.learner("web", "a4")  # skipped every question
    L.module("web", "a4")
    L.learner("web", "a5", commune=NGOC_DUONG, group="hoc_sinh")
    L.tap("web", "a5", f"learn:card:{M1.lessons[0].id}:0")
    L.learner("web", "a6", commune=NGOC_DUONG, group="hoc_sinh")  # a profile, but no learning: not a learner

    r = binhdan(["report", "progress", "--by", "commune,group", "--format", "csv"], cli_env)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    by = {(x["commune_code"], x["group"]): x for x in rows}
    assert set(by) == {(HA_GIANG_2, "can_bo"), (HA_GIANG_2, "lao_dong"), (NGOC_DUONG, "hoc_sinh"), ("", "")}
    officials = by[(HA_GIANG_2, "can_bo")]
    assert officials["commune_name"] == "Phường Hà Giang 2"
    assert (officials["population"], officials["learners"], officials["completed_m1-dien-thoai"],
            officials["skilled"], officials["coverage_pct"]) == ("10", "2", "1", "1", "10.0")
    assert (officials["target_pct_2025-12-31"], officials["target_2025-12-31"], officials["gap_2025-12-31"]) == \
        ("80.0", "8", "7")
    assert (officials["target_2026-12-31"], officials["gap_2026-12-31"]) == ("10", "9")
    workers = by[(HA_GIANG_2, "lao_dong")]
    assert (workers["learners"], workers["skilled"], workers["coverage_pct"], workers["target_2025-12-31"],
            workers["gap_2025-12-31"], workers["gap_2026-12-31"]) == ("1", "1", "25.0", "2", "1", "3")
    students = by[(NGOC_DUONG, "hoc_sinh")]
    assert (students["learners"], students["skilled"], students["coverage_pct"], students["target_2025-12-31"],
            students["gap_2025-12-31"]) == ("1", "0", "0.0", "3", "3")
    unknown = by[("", "")]
    assert (unknown["population"], unknown["learners"], unknown["skilled"], unknown["coverage_pct"]) == ("0", "1", "1", "")

    r = binhdan(["report", "progress", "--format", "json"], cli_env)  # one province row
    (total,) = json.loads(r.stdout)["rows"]
    assert (total["population"], total["learners"], total["skilled"]) == (17, 5, 3)
    assert [g["gap"] for g in total["targets"]] == [7 + 1 + 3, 9 + 3 + 3]
    assert binhdan(["report", "progress", "--by", "village"], cli_env).returncode == 2


def test_statement_export_is_valid_xapi_and_csv(tmp_path: Path, db_url: str, cli_env: dict[str, str]) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    L = Learning(s)
    L.learner("web", "x1", commune=THUONG_LAM, group="khac")
    lesson = M1.lessons[0]
    L.tap("web", "x1", f"learn:card:{lesson.id}:0")
    L.tap("web", "x1", f"learn:quiz:{lesson.id}")
    for q in lesson.quiz:
        L.tap("web", "x1", quiz_action(q, (q.correct + 1) % len(q.options)))  # all wrong: failed
    L.module("web", "x1")
    stored = count(L.sessions, StatementRow)

    out = tmp_path / "xapi.json"
    r = binhdan(["report", "statements", "--format", "xapi", "--out", str(out)], cli_env)
    assert r.returncode == 0, r.stderr
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert len(statements) == stored > 30
    validator = jsonschema.Draft202012Validator(XAPI_SCHEMA)
    for st in statements:
        validator.validate(st)
    verbs = {st["verb"]["id"].rsplit("/", 1)[1] for st in statements}
    assert verbs == {"experienced", "answered", "passed", "failed", "completed"}
    assert len({st["id"] for st in statements}) == len(statements)
    assert len({st["actor"]["account"]["name"] for st in statements}) == 1  # one pseudonymous learner
    failed = [st for st in statements if st["verb"]["id"].endswith("/failed")]
    assert failed[0]["result"]["score"]["raw"] == 0 and failed[0]["result"]["success"] is False
    completed = [st["object"]["id"] for st in statements if st["verb"]["id"].endswith("/completed")]
    assert completed[-1].endswith(f"/modules/{M1.id}")
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a statement without an IRI verb
        validator.validate({**statements[0], "verb": {"id": "answered", "display": {"en-US": "answered"}}})

    r = binhdan(["report", "statements", "--format", "csv"], cli_env)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == stored and rows[0]["verb"].startswith("http://adlnet.gov/expapi/verbs/")
    assert {"actor", "object_id", "success", "score_scaled", "timestamp"} <= set(rows[0])
    later = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert json.loads(binhdan(["report", "statements", "--since", later], cli_env).stdout) == []


# ---- Telegram through a fake Bot API ---------------------------------------------------------------------
@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with ServerThread(fake.app) as srv:
        fake.url = srv.url  # type: ignore[attr-defined]
        yield fake


class TelegramUser:
    def __init__(self, url: str, fake: FakeTelegram, chat_id: int) -> None:
        self.url, self.fake, self.chat_id = f"{url}/webhooks/telegram", fake, chat_id
        self.update_id = 1000

    def _count(self) -> int:
        return len(self.fake.sent_to(self.chat_id)) + len([p for p in self.fake.photos
                                                            if int(p["chat_id"]) == self.chat_id])

    def _post(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one update; return the messages sent back (once they stop coming)."""
        before_msgs, before = len(self.fake.sent_to(self.chat_id)), self._count()
        r = httpx.post(self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert r.status_code == 200
        wait_for(lambda: self._count() > before, timeout=20)
        stable, deadline = self._count(), time.time() + 0.6
        while time.time() < deadline:  # the rest of the replies to this update
            time.sleep(0.15)
            if self._count() != stable:
                stable, deadline = self._count(), time.time() + 0.6
        return self.fake.sent_to(self.chat_id)[before_msgs:]

    def say(self, text: str) -> list[dict[str, Any]]:
        self.update_id += 1
        return self._post(tg_text_update(self.update_id, self.chat_id, text))

    def tap(self, data: str) -> list[dict[str, Any]]:
        self.update_id += 1
        return self._post(tg_callback_update(self.update_id, self.chat_id, data))


def keyboard(messages: list[dict[str, Any]]) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for m in messages
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []) for b in row}


def test_learning_in_telegram_buttons_callbacks_resume_and_certificate_photo(
        tmp_path: Path, db_url: str, mini_kb: Path, fake_tg: FakeTelegram) -> None:
    env = {"BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET}
    s = make_settings(tmp_path, db_url=db_url, **env, **NO_LIMITS)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    L = Learning(s)  # lessons 1-4 done earlier (same learner: the Telegram chat 777)
    L.learner("telegram", "777")
    for lesson in M1.lessons[:-1]:
        L.lesson("telegram", "777", lesson.id)
    last = M1.lessons[-1]
    with ServerThread(create_app(s)) as app:
        u = TelegramUser(app.url, fake_tg, 777)
        home = u.say("/hoc")
        kb = keyboard(home)
        assert kb["Học tiếp"] == "learn:resume"
        assert all(len(v.encode()) <= 64 for v in kb.values())
        card = u.tap("learn:resume")
        assert last.cards[0] in card[-1]["text"] and f"cq{u.update_id}" in fake_tg.answered_callbacks
        card = u.tap(keyboard(card)["Tiếp"])
        assert last.cards[1] in card[-1]["text"]
        u.say("/menu")  # leaves …
        back = u.say("/hoc")  # … and comes back
        resumed = u.tap(keyboard(back)["Học tiếp"])
        assert last.cards[1] in resumed[-1]["text"]  # at the right card
        msgs = resumed
        while "Tiếp" in keyboard(msgs):
            msgs = u.tap(keyboard(msgs)["Tiếp"])
        for n, q in enumerate(last.quiz):
            assert q.question in msgs[-1]["text"]
            k = q.correct if n else (q.correct + 1) % len(q.options)
            msgs = u.tap(quiz_action(q, k))
            if n == 0:
                assert q.explanation in msgs[0]["text"] and "Chưa đúng" in msgs[0]["text"]
            if "Câu tiếp theo" in keyboard(msgs):
                msgs = u.tap(keyboard(msgs)["Câu tiếp theo"])
        msgs = u.tap(keyboard(msgs)["Làm lại bài kiểm tra"])
        for q in last.quiz:
            msgs = u.tap(quiz_action(q, q.correct))
            if "Câu tiếp theo" in keyboard(msgs):
                msgs = u.tap(keyboard(msgs)["Câu tiếp theo"])
        msgs = u.tap(keyboard(msgs)["Làm bài thực hành"])
        msgs = u.tap(keyboard(msgs)["Tôi đã làm xong"])
        assert any("hoàn thành chủ đề" in m["text"] for m in msgs)
        u.tap(keyboard(msgs)["Ghi tên"])
        photos = len(fake_tg.photos)
        u.say("Trần Văn Minh")
        wait_for(lambda: len(fake_tg.photos) > photos, timeout=20)
        photo = fake_tg.photos[-1]
        assert photo["png"][:8] == b"\x89PNG\r\n\x1a\n" and int(photo["chat_id"]) == 777
        code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", photo["caption"])
        assert code is not None
        page = httpx.get(f"{app.url}/verify/{code.group(0)}")
        assert page.status_code == 200 and "Trần Văn Minh" in page.text


# ---- reminders -------------------------------------------------------------------------------------------
def test_reminders_once_per_pause_on_allowed_channels_never_at_night(tmp_path: Path, db_url: str,
                                                                     cli_env: dict[str, str]) -> None:
    env = {"BINHDAN_TELEGRAM__TOKEN": "123:abc", "BINHDAN_ZALO__APP_ID": "app-1",
           "BINHDAN_ZALO__OA_SECRET_KEY": "oa-secret", "BINHDAN_ZALO__ACCESS_TOKEN": "AT-1"}
    s = make_settings(tmp_path, db_url=db_url, **env)
    paused = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Tuyen Quang
    L = Learning(s, now=paused)
    for channel, user in (("telegram", "t1"), ("web", "w1"), ("zalo", "z-old"), ("zalo", "z-new"), ("telegram", "off")):
        L.learner(channel, user)
        L.tap(channel, user, f"learn:card:{M1.lessons[0].id}:1")  # mid-module
    L.tap("telegram", "off", "learn:remind:off")
    messages = MessageStore(L.sessions)
    for user, when in (("z-old", paused - timedelta(days=6)), ("z-new", paused)):
        messages.store_inbound(InboundMessage(channel="zalo", user_ref=user, platform_msg_id=f"m-{user}",
                                              received_at=when, text="hi"))
    now = paused

    def job() -> int:
        n: int = build_reminders(s, sessions=L.sessions, learning=(L.service, L.store), clock=lambda: now).run_once()
        return n

    def outbox() -> list[tuple[str, str, str]]:
        with L.sessions() as db:
            return [(r.channel, r.user_ref, r.payload["reply"]["text"]) for r in db.scalars(select(OutboxRow))]

    now = paused + timedelta(days=2)
    assert job() == 0  # not idle long enough
    now = paused + timedelta(days=3, hours=12)  # 21:00 local: quiet hours
    assert job() == 0
    now = paused + timedelta(days=4)  # 09:00 local
    assert job() == 2
    sent = outbox()
    assert sorted((c, u) for c, u, _ in sent) == [("telegram", "t1"), ("zalo", "z-new")]  # z-old: window closed
    assert M1.lessons[0].title in sent[0][2]
    now += timedelta(hours=3)
    assert job() == 0  # at most one per pause
    # the learner comes back, then pauses again: one more reminder, via the CLI this time
    L.now = paused + timedelta(days=5)
    L.tap("telegram", "t1", f"learn:card:{M1.lessons[0].id}:2")
    later = (paused + timedelta(days=9)).isoformat()
    r = binhdan(["learners", "remind", "--now", later], {**cli_env, **env})
    assert r.returncode == 0 and "queued 1" in r.stdout, r.stderr
    assert len(outbox()) == 3


# ---- privacy ---------------------------------------------------------------------------------------------
def test_export_and_erasure_cover_the_learning_records(tmp_path: Path, db_url: str) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    L = Learning(s)
    L.learner("web", "p1", commune=THUONG_LAM, group="cao_tuoi")
    L.module("web", "p1")
    L.learner("web", "p2")
    L.lesson("web", "p2", M1.lessons[0].id)
    cert = L.store.certificate(next(iter(_certs(L))))
    assert cert is not None
    personal = build_personal_data(s, L.sessions)
    data = personal.export("web", "p1")["learning"]
    assert data[0]["record"] == "profile" and data[0]["commune"] == THUONG_LAM
    assert any(x["record"] == "certificate" for x in data) and any(x["record"] == "statement" for x in data)
    counts = personal.erase("web", "p1")
    assert counts["learning"] > 30
    assert L.store.certificate(cert.code) is None  # an erased learner's certificate no longer verifies
    assert L.store.find("web", "p1") is None and L.store.find("web", "p2") is not None
    with L.sessions() as db:
        assert db.scalar(select(func.count()).select_from(LearnerRow)) == 1


def _certs(L: Learning) -> list[str]:
    from bot.storage.tables.learning import CertificateRow

    with L.sessions() as db:
        return list(db.scalars(select(CertificateRow.code)))


def test_a_redelivered_message_is_not_counted_twice_and_a_failed_save_records_nothing(
        tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the statements and the learner's position used to leave the statements written and the
    message to be processed again, writing them twice. Now they are one transaction with ids named by the
    message: redelivery writes nothing new, and a failure in the middle writes nothing at all."""
    L = Learning(make_settings(tmp_path, db_url=db_url))
    L.learner("web", "r1")
    lesson = M1.lessons[0]
    st = L.states[("web", "r1")]
    first = InboundMessage(channel="web", user_ref="r1", platform_msg_id="card-0", received_at=L.now, kind="action",
                           action=f"learn:card:{lesson.id}:0")
    L.service.action(first, st, first.action)
    before = count(L.sessions, StatementRow)
    assert before >= 1
    L.service.action(first, st, first.action)  # the same message again (redelivered after a crash)
    assert count(L.sessions, StatementRow) == before

    from bot.storage.learning import SqlLearningStore

    def crash(s: Any, learner: Any) -> None:
        raise RuntimeError("process killed here")

    monkeypatch.setattr(SqlLearningStore, "_save", staticmethod(crash))
    nxt = InboundMessage(channel="web", user_ref="r1", platform_msg_id="card-1", received_at=L.now, kind="action",
                         action=f"learn:card:{lesson.id}:1")
    with pytest.raises(RuntimeError):
        L.service.action(nxt, st, nxt.action)
    assert count(L.sessions, StatementRow) == before  # neither the statements nor the position
    monkeypatch.undo()
    L.service.action(nxt, st, nxt.action)  # processed again after the restart: counted once
    after = count(L.sessions, StatementRow)
    assert after > before
    L.service.action(nxt, st, nxt.action)
    assert count(L.sessions, StatementRow) == after
