"""GET /api/chat/history (issue 26): a reloaded page gets the last messages of its own session, redacted,
with the last turn's buttons and the open ticket — real server on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.integration.helpers_channels import start_app
from tests.webchat import headers, new_session, say


def history(url: str, sid: str | None, **params: object) -> httpx.Response:
    return httpx.get(f"{url}/api/chat/history", params=params, headers=headers(sid) if sid else {}, timeout=30)


def test_history_returns_the_sessions_last_messages_redacted_with_the_open_ticket(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    with start_app(tmp_path, db_url, mini_kb, BINHDAN_HANDOFF__HOURS="00:00-23:59") as app:
        sid, other = new_session(app.url), new_session(app.url)
        assert say(app.url, sid, action="start").status_code == 200
        assert say(app.url, sid, action="consent:yes", message_id="c1").status_code == 200
        assert say(app.url, sid, text="so cccd cua toi la 001099012345", message_id="q1").status_code == 200
        assert say(app.url, sid, text="quen mat khau vneid", message_id="q2").status_code == 200
        r = history(app.url, sid)
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        lines = r.json()["messages"]
        mine = [(m["text"], m["message_id"]) for m in lines if m["who"] == "me"]
        assert mine[0] == ("Đồng ý", "c1")
        assert mine[1][1] == "q1" and "001099012345" not in mine[1][0]  # stored redacted, shown as stored
        last_me = max(i for i, m in enumerate(lines) if m["who"] == "me")
        assert all(not m["buttons"] for m in lines[:last_me])  # buttons of the last turn only
        assert any(m["buttons"] for m in lines[last_me + 1:])
        assert any(m["sources"] for m in lines[last_me + 1:])
        assert r.json()["ticket"] is None

        say(app.url, sid, text="cho toi gap tinh nguyen vien")
        say(app.url, sid, action="commune:skip")
        t = history(app.url, sid).json()["ticket"]
        assert t["status"] == "open" and f"số phiếu {t['id']}" in t["text"]
        assert len(history(app.url, sid, limit=3).json()["messages"]) == 3

        assert history(app.url, other).json() == {"messages": [], "ticket": None}  # another session sees nothing
        assert history(app.url, None).json() == {"messages": [], "ticket": None}  # no session yet
        assert history(app.url, "A" * 32).status_code == 401  # one the server never issued
        assert history(app.url, sid, limit=0).status_code == 422


def test_a_retried_message_id_is_answered_once(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    """What the page's offline queue relies on: the same message_id again gets the same replies, and the
    conversation holds the question once."""
    with start_app(tmp_path, db_url, mini_kb) as app:
        sid = new_session(app.url)
        first = say(app.url, sid, text="cccd la gi", message_id="retry-1")
        again = say(app.url, sid, text="cccd la gi", message_id="retry-1")
        assert first.status_code == again.status_code == 200
        assert again.json()["replies"] == first.json()["replies"]
        mine = [m for m in history(app.url, sid).json()["messages"] if m["who"] == "me"]
        assert [m["text"] for m in mine] == ["cccd la gi"]
