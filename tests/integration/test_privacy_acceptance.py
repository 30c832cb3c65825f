"""Acceptance of issue 8 against `binhdan serve` as a real process (DEBUG logging) with the fake Telegram
Bot API: the PII corpus goes in through the web chat and the Telegram webhook; then every text and JSON
column of every table, the process's log and what was sent to Telegram hold none of the raw personal
items. /xoa then /dulieu returns nothing personal, and the erasure is in the audit log without data."""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import JSON, String, Text, inspect, text

from bot.bootstrap import ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, ServerThread, free_port, tg_callback_update, tg_text_update, wait_for
from tests.pii import load
from tests.serve_process import ServeProcess
from tests.webchat import headers, ref, session_for

SECRET = "Zq8-webhook-secret-for-tests-4471"


@pytest.fixture
def fake_tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    with ServerThread(fake.app) as srv:
        fake.url = srv.url  # type: ignore[attr-defined]
        yield fake


_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@functools.cache
def _forms(value: str) -> tuple[str, ...]:
    """The raw item, and its digits without separators when it is a number written with separators."""
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8 and re.fullmatch(r"[0-9 .+()\-]+", value) and digits != value:
        return (value, digits)
    return (value,)


def _occurs(haystack: str, form: str) -> bool:
    """`form` as a whole token: no letter or digit on either side, and not the fraction of a decimal such
    as a score 0.0346 in a JSON column (short OTPs of the corpus would match by chance). str.find scans in
    C; a regex per item over a multi-megabyte dump took minutes."""
    start = haystack.find(form)
    while start != -1:
        end = start + len(form)
        before = haystack[start - 1] if start else ""
        decimal = start >= 2 and before == "." and haystack[start - 2].isdigit()
        if before not in _WORD and not decimal and (end == len(haystack) or haystack[end] not in _WORD):
            return True
        start = haystack.find(form, start + 1)
    return False


def find_leaks(haystack: str, items: list[str]) -> list[str]:
    return [item for item in items if any(_occurs(haystack, f) for f in _forms(item))]


def dump_database(db_url: str) -> str:
    """Every text, string and JSON value of every table, one per line."""
    engine = make_engine(db_url)
    out: list[str] = []
    insp = inspect(engine)
    with engine.connect() as c:
        for table in insp.get_table_names():
            # platform message ids are the platforms' counters (the fake Bot API numbers its messages
            # 1001, 1002 …), which a 4-digit OTP of the corpus may equal by chance: they are not content
            cols = [col["name"] for col in insp.get_columns(table)
                    if (isinstance(col["type"], (String, Text, JSON)) or "JSON" in str(col["type"]).upper())
                    and not col["name"].endswith("msg_id")]
            if not cols:
                continue
            quoted = ", ".join(f'"{col}"' for col in cols)
            for row in c.execute(text(f'SELECT {quoted} FROM "{table}"')):
                for v in row:
                    if v is not None:
                        out.append(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
    engine.dispose()
    return "\n".join(out)


def test_pii_corpus_leaves_no_trace_and_rights_work(tmp_path: Path, db_url: str, mini_kb: Path,
                                                    fake_tg: FakeTelegram) -> None:
    env = {
        "BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
        "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]",
        "BINHDAN_ANSWER__THRESHOLD": "0.5", "BINHDAN_APP__LOG_LEVEL": "DEBUG",
        "BINHDAN_TELEGRAM__TOKEN": fake_tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake_tg.url,  # type: ignore[attr-defined]
        "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
        "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE": "0",
        "BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "0",
    }
    ingest(make_settings(tmp_path, db_url=db_url, **{k: v for k, v in env.items() if k != "BINHDAN_DATABASE__URL"}),
           embedder=FakeEmbedder(), paths=[mini_kb])
    corpus = load()
    items = sorted({p["value"] for r in corpus for p in r["personal"]})  # type: ignore[attr-defined]
    log_path = tmp_path / "serve.log"
    srv = ServeProcess({**os.environ, **env}, free_port(), log_path).start()
    try:
        web = httpx.Client(base_url=srv.url, timeout=30)
        tg_headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for i, r in enumerate(corpus):
            session, chat_id = f"pii-web-s{i // 2:04d}", 880_000 + i // 2
            if i % 2 == 0:  # half the people agree to the notice first (their questions are logged too)
                web.post("/api/chat", json={"action": "consent:yes"}, headers=headers(session_for(srv.url, session)))
                web.post("/webhooks/telegram", json=tg_callback_update(9_000_000_000 + i, chat_id, "consent:yes"),
                         headers=tg_headers)
            resp = web.post("/api/chat", json={"text": r["text"]}, headers=headers(session_for(srv.url, session)))
            assert resp.status_code == 200, resp.text
            assert not find_leaks(resp.text, items)
            resp = web.post("/webhooks/telegram", json=tg_text_update(9_100_000_000 + i, chat_id, str(r["text"])),
                            headers=tg_headers)
            assert resp.status_code == 200

        engine = make_engine(db_url)

        def drained() -> bool:
            with engine.connect() as c:
                return not c.execute(text("SELECT count(*) FROM inbox WHERE status IN ('pending', 'processing')")
                                     ).scalar() and not c.execute(
                    text("SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status IN ('pending', 'sending')")).scalar()

        wait_for(drained, timeout=240, interval=0.5)
        engine.dispose()
        assert len(fake_tg.sent) >= len(corpus)

        # ---- /xoa then /dulieu on the web chat and on Telegram ----------------------------------------
        victim, victim_items = "pii-web-s0000", [p["value"] for r in corpus[:2] for p in r["personal"]]  # type: ignore[attr-defined]
        victim_token = session_for(srv.url, victim)
        victim_ref, vh = ref(victim_token), headers(victim_token)
        before = web.get("/api/chat/export", headers=vh).json()["data"]
        assert before["messages"] and "[CCCD]" in json.dumps(before, ensure_ascii=False)
        assert before.get("questions")  # the logged questions are linked to the messages (with their completion)
        ask = web.post("/api/chat", json={"text": "/xoa"}, headers=vh).json()["replies"][0]
        assert [b["action"] for b in ask["buttons"]] == ["rights:erase", "rights:keep"]
        done = web.post("/api/chat", json={"action": "rights:erase"}, headers=vh).json()["replies"][0]
        assert "Đã xóa" in done["text"]
        summary = web.post("/api/chat", json={"text": "/dulieu"}, headers=vh).json()["replies"][0]
        link = summary["sources"][0]["url"]
        assert link == "/api/chat/export"  # the session is never in the link
        exported = web.get(link, headers=vh)
        assert exported.headers["content-disposition"].startswith("attachment")
        after = exported.json()["data"]
        dumped = json.dumps(after, ensure_ascii=False)
        for r in corpus[:2]:
            assert str(r["text"])[:25] not in dumped
        assert "[CCCD]" not in dumped and "[SĐT]" not in dumped and not find_leaks(dumped, victim_items)
        assert {m["text"] for m in after.get("messages", [])} <= {"", "/dulieu"}
        assert "questions" not in after and "consent" not in after

        tg_user = 880_000
        for n, upd in enumerate([tg_text_update(9_200_000_000, tg_user, "/xoa"),
                                 tg_callback_update(9_200_000_001, tg_user, "rights:erase"),
                                 tg_text_update(9_200_000_002, tg_user, "/dulieu")]):
            web.post("/webhooks/telegram", json=upd, headers=tg_headers)
            wait_for(lambda n=n: sum("/xoa" in m.get("text", "") or "Đã xóa" in m.get("text", "")
                                     or "Dữ liệu tôi đang giữ" in m.get("text", "") or "Bạn muốn xóa" in m.get("text", "")
                                     for m in fake_tg.sent_to(tg_user)) >= n + 1, timeout=30)
        wait_for(lambda: any(int(d["chat_id"]) == tg_user for d in fake_tg.documents), timeout=30)  # the JSON file
        tg_json = next(d["data"] for d in fake_tg.documents if int(d["chat_id"]) == tg_user).decode("utf-8")
        assert str(corpus[0]["text"])[:20] not in tg_json and "[CCCD]" not in tg_json
        web.close()
    finally:
        srv.stop()

    # ---- nothing raw anywhere --------------------------------------------------------------------------
    # ids are numbers too: a logged question's id in an inbox row's meta may equal a short corpus OTP
    db_dump = re.sub(r'"question_id": [0-9]+', '"question_id": N', dump_database(db_url))
    assert "[CCCD]" in db_dump and "[SĐT]" in db_dump  # the corpus did go in (redacted)
    leaks = find_leaks(db_dump, items)
    assert leaks == [], [line[:300] for line in db_dump.splitlines()
                         if find_leaks(line, leaks)][:5]
    logs = log_path.read_text(encoding="utf-8", errors="replace")
    assert "DEBUG" in logs or "INFO" in logs
    assert find_leaks(logs, items) == []
    assert fake_tg.token.split(":", 1)[1] not in logs and SECRET not in logs
    assert victim_token not in logs  # web-chat session tokens never travel in a URL (access log)
    assert find_leaks("\n".join(m.get("text", "") for m in fake_tg.sent), items) == []

    # ---- the erasure is audited, without the data ------------------------------------------------------
    engine = make_engine(db_url)
    with engine.connect() as c:
        rows = c.execute(text("SELECT actor, action, target, details FROM audit_log WHERE action = 'privacy.erase'")
                         ).all()
    engine.dispose()
    assert len(rows) == 2
    audit_text = json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
    assert victim_ref not in audit_text and victim_token not in audit_text
    assert "880000" not in audit_text and "CCCD" not in audit_text
    assert all(r[2].startswith(("web:", "telegram:")) for r in rows)


def test_select_helper_sees_every_table(tmp_path: Path) -> None:
    """The database scan reads JSON and text columns of every table (a guard for the scan itself)."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    from bot.storage.db import upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as c:
        c.execute(text("INSERT INTO conversations (channel, user_ref, state, created_at, updated_at) "
                       "VALUES ('web', 'u', :s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                  {"s": json.dumps({"previous_questions": ["gọi 0912345678"]})})
    engine.dispose()
    dump = dump_database(url)
    assert find_leaks(dump, ["0912345678", "0912 345 678", "0987654321"]) == ["0912345678", "0912 345 678"]
