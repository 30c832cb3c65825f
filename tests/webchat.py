"""Web-chat API helpers for tests: sessions are issued by the server (issue 25), so a test asks for one
and sends it back in the `X-Chat-Session` header, as a curl user would."""

from __future__ import annotations

from typing import Any

import httpx

from bot.core.websession import user_ref_for

HEADER = "X-Chat-Session"


def new_session(url: str) -> str:
    """A fresh session token from `POST /api/chat/session` (`url` is the server's base URL)."""
    r = httpx.post(f"{url}/api/chat/session", timeout=30)
    assert r.status_code == 201, r.text
    return str(r.json()["session_id"])


def headers(sid: str) -> dict[str, str]:
    return {HEADER: sid}


def say(url: str, sid: str, *, timeout: float = 60, **body: Any) -> httpx.Response:
    """POST /api/chat for session `sid` with `text=` or `action=` (and optionally `message_id=`)."""
    return httpx.post(f"{url}/api/chat", json=body, headers=headers(sid), timeout=timeout)


def updates(url: str, sid: str, *, wait: float = 1, timeout: float = 40) -> httpx.Response:
    return httpx.get(f"{url}/api/chat/updates", params={"wait": wait}, headers=headers(sid), timeout=timeout)


_NAMED: dict[tuple[str, str], str] = {}


def session_for(url: str, name: str) -> str:
    """The session a test calls `name` ("citizen-77"): issued on first use, the same token afterwards."""
    key = (url, name)
    if key not in _NAMED:
        _NAMED[key] = new_session(url)
    return _NAMED[key]


def ref(sid: str) -> str:
    """The conversation's user_ref on the web channel (what tickets, inbox and outbox rows are keyed by)."""
    return user_ref_for(sid)


def post_chat(chat_url: str, name: str, *, json: dict[str, Any], timeout: float = 60) -> httpx.Response:
    """POST to `chat_url` (`…/api/chat` or `…/api/chat/stream`) as the citizen a test calls `name`."""
    base = chat_url.split("/api/chat", 1)[0]
    return httpx.post(chat_url, json=json, headers=headers(session_for(base, name)), timeout=timeout)
