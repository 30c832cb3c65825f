"""Issue 25, finding 3: web-chat sessions are issued by the server and bound to everything they reach.
Real server on 127.0.0.1 (uvicorn in a thread), SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import func, select

from bot.core.messages import Reply
from bot.core.websession import token_hash
from bot.storage.db import make_engine
from bot.storage.tables.messaging import InboxRow, WebChatSessionRow
from tests.integration.helpers_channels import start_app
from tests.webchat import headers, new_session, ref, say, updates


def _count(db_url: str, table: type) -> int:
    with make_engine(db_url).connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_first_message_gets_a_server_issued_session_in_json_and_an_httponly_cookie(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    with start_app(tmp_path, db_url, mini_kb) as app:
        r = httpx.post(f"{app.url}/api/chat", json={"text": "quen mat khau vneid"})
        assert r.status_code == 200 and r.json()["replies"]
        sid = r.json()["session_id"]
        assert len(sid) >= 32  # 24 random bytes = 192 bits
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"binhdan_chat={sid};")
        flags = [f.strip().lower() for f in cookie.split(";")]
        assert "httponly" in flags and "samesite=lax" in flags and "path=/api/chat" in flags
        assert "secure" not in flags  # plain http on 127.0.0.1
        with make_engine(db_url).connect() as c:
            rows = c.execute(select(WebChatSessionRow.token_hash, WebChatSessionRow.user_ref)).all()
        assert rows == [(token_hash(sid), ref(sid))]  # only the hash is stored, never the token
        assert sid not in rows[0]
        # the same client keeps its session through the cookie; no new session, no session_id in the answer
        with httpx.Client(base_url=app.url, cookies={"binhdan_chat": sid}) as c:
            again = c.post("/api/chat", json={"text": "cccd la gi"})
            assert again.status_code == 200 and "session_id" not in again.json()
        assert _count(db_url, WebChatSessionRow) == 1


def test_cookie_is_secure_behind_an_https_proxy(tmp_path: Path, mini_kb: Path) -> None:
    """uvicorn honours X-Forwarded-Proto from a trusted proxy (127.0.0.1 by default): the cookie is Secure."""
    with start_app(tmp_path, f"sqlite:///{tmp_path / 's.db'}", mini_kb) as app:
        r = httpx.post(f"{app.url}/api/chat", json={"action": "start"}, headers={"X-Forwarded-Proto": "https"})
        assert "secure" in [f.strip().lower() for f in r.headers["set-cookie"].split(";")]


def test_a_session_id_the_server_never_issued_is_refused_and_creates_nothing(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    with start_app(tmp_path, db_url, mini_kb) as app:
        invented = ["sess-0001", "abcdefgh", "A" * 32, "citizen-77-aaaaaaaaaaaaaaaaaaaaaaaaa"]
        for sid in invented:
            assert say(app.url, sid, text="quen mat khau vneid").status_code == 401
            assert httpx.post(f"{app.url}/api/chat", json={"session_id": sid, "text": "hi"}).status_code == 401
            r = httpx.post(f"{app.url}/api/chat", json={"text": "hi"}, cookies={"binhdan_chat": sid})
            assert r.status_code == 401
            assert 'binhdan_chat=""' in r.headers.get("set-cookie", "")  # a stale cookie is cleared
            assert updates(app.url, sid, wait=0).status_code == 401
            assert httpx.get(f"{app.url}/api/chat/export", headers=headers(sid)).status_code == 401
            assert httpx.delete(f"{app.url}/api/chat/session", headers=headers(sid)).status_code == 401
        assert httpx.get(f"{app.url}/api/chat/updates?wait=0").status_code == 401  # no session at all
        assert _count(db_url, WebChatSessionRow) == 0 and _count(db_url, InboxRow) == 0


def test_session_a_cannot_poll_export_erase_or_read_the_message_ids_of_session_b(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    with start_app(tmp_path, db_url, mini_kb) as app:
        a, b = new_session(app.url), new_session(app.url)
        rb = say(app.url, b, text="quen mat khau vneid", message_id="m1")
        assert rb.status_code == 200
        # A names B's message id: it gets its own answer to its own message, never B's replies
        ra = say(app.url, a, text="cccd la gi", message_id="m1")
        assert ra.status_code == 200 and ra.json()["replies"] != rb.json()["replies"]
        assert say(app.url, b, text="quen mat khau vneid", message_id="m1").json() == rb.json()  # B's retry

        svc = app.server.config.app.state.services  # type: ignore[attr-defined]
        svc.store.enqueue("web", ref(b), Reply("Chào bạn, tôi là tình nguyện viên Lan."))
        assert updates(app.url, a, wait=1).json() == {"replies": []}  # A polls: nothing of B's
        got = updates(app.url, b, wait=5).json()["replies"]
        assert [x["text"] for x in got] == ["Chào bạn, tôi là tình nguyện viên Lan."]

        export_a = httpx.get(f"{app.url}/api/chat/export", headers=headers(a))
        assert export_a.status_code == 200
        assert "mat khau" not in export_a.text and "cccd" in export_a.text.lower()

        erased = httpx.delete(f"{app.url}/api/chat/session", headers=headers(a))
        assert erased.status_code == 200
        assert say(app.url, a, text="hi").status_code == 401  # A's session ended with its erasure
        export_b = httpx.get(f"{app.url}/api/chat/export", headers=headers(b)).json()
        assert export_b["data"]["messages"]  # B's data untouched
        assert say(app.url, b, text="cam on").status_code == 200


def test_session_ids_never_travel_in_a_url(tmp_path: Path, mini_kb: Path) -> None:
    """The OpenAPI document has no chat route with a session path parameter, and the old routes that had one
    answer 410 Gone with a pointer (old pages must not keep sending ids into access logs)."""
    with start_app(tmp_path, f"sqlite:///{tmp_path / 's.db'}", mini_kb) as app:
        paths = httpx.get(f"{app.url}/openapi.json").json()["paths"]
        chat = {p for p in paths if p.startswith("/api/chat")}
        assert {"/api/chat", "/api/chat/updates", "/api/chat/export", "/api/chat/session"} <= chat
        assert not [p for p in chat if "{" in p]
        for method in paths["/api/chat/updates"], paths["/api/chat/export"]:
            assert not [p for p in method["get"].get("parameters", []) if p["in"] == "path"]
        for old in ("/api/chat/sess-0001/updates", "/api/chat/sess-0001/export"):
            r = httpx.get(app.url + old)
            assert r.status_code == 410 and "/api/chat/" in r.json()["message"]


def test_curl_style_header_use_works_end_to_end(tmp_path: Path, mini_kb: Path) -> None:
    with start_app(tmp_path, f"sqlite:///{tmp_path / 's.db'}", mini_kb) as app:
        sid = new_session(app.url)
        r = say(app.url, sid, text="quen mat khau vneid")
        assert r.status_code == 200 and r.json()["replies"][0]["sources"]
        assert httpx.post(f"{app.url}/api/chat", json={"session_id": sid, "text": "1"}).status_code == 200  # body, issued
        export = httpx.get(f"{app.url}/api/chat/export", headers=headers(sid))
        assert export.status_code == 200 and export.headers["content-disposition"].startswith("attachment")
        assert export.headers["cache-control"] == "no-store"


def test_new_sessions_are_limited_per_client_address(tmp_path: Path, mini_kb: Path) -> None:
    env = {"BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "3"}
    db = f"sqlite:///{tmp_path / 's.db'}"
    with start_app(tmp_path, db, mini_kb, **env) as app:
        codes = [httpx.post(f"{app.url}/api/chat", json={"action": "start"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        r = httpx.post(f"{app.url}/api/chat/session")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert _count(db, WebChatSessionRow) == 3


def test_an_idle_session_expires(tmp_path: Path, mini_kb: Path) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from bot.storage.tables.base import utcnow

    db = f"sqlite:///{tmp_path / 's.db'}"
    with start_app(tmp_path, db, mini_kb, BINHDAN_SERVER__CHAT_SESSION_IDLE_DAYS="1") as app:
        sid = new_session(app.url)
        assert say(app.url, sid, text="hi").status_code == 200
        with make_engine(db).begin() as c:
            c.execute(update(WebChatSessionRow).values(last_seen_at=utcnow() - timedelta(days=2)))
        assert say(app.url, sid, text="hi").status_code == 401
        assert _count(db, WebChatSessionRow) == 0
