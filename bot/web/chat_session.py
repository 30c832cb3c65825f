"""Which web-chat session a request belongs to (issue 25, finding 3).

The server issues every session (`bot/core/websession.py`, `bot/storage/chat_sessions.py`). A request names
its session with, in this order:
1. the `X-Chat-Session` header (curl and other API clients),
2. the `session_id` body field of `POST /api/chat` and `/api/chat/stream` — kept for existing API clients,
   and accepted **only** when it is a session this server issued (an invented one is refused like any
   unknown session),
3. the `binhdan_chat` cookie (the web page: HttpOnly, SameSite=Lax, Secure over HTTPS, path /api/chat).
A credential that is present but unknown, expired or malformed is refused with 401 and nothing is created
(a stale cookie is cleared in the same response, so the page's next request starts a fresh session). Only
`POST /api/chat` (and `/stream`, `POST /api/chat/session`) may start a session, and only when the request
carries no credential at all; new sessions are limited per client address
(`server.rate_limit_sessions_per_minute`). Session ids never travel in a URL.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from bot.core.texts import t
from bot.web.auth import _secure
from bot.web.deps import ServicesDep
from bot.web.security import client_ip

COOKIE = "binhdan_chat"
HEADER = "x-chat-session"
COOKIE_PATH = "/api/chat"


@dataclass(frozen=True)
class ChatSession:
    token: str
    user_ref: str
    new: bool = False
    from_cookie: bool = False


def unknown_session(*, clear_cookie: bool) -> JSONResponse:
    resp = JSONResponse({"error": "unknown session",
                         "message": "Phiên trò chuyện đã hết hạn. Hãy gửi lại. / Your chat session has expired; "
                                    "send again to start a new one."}, status_code=401)
    if clear_cookie:
        resp.delete_cookie(COOKIE, path=COOKIE_PATH)
    return resp


def set_cookie(response: Response, request: Request, svc: ServicesDep, session: ChatSession) -> None:
    """(Re)send the session cookie, valid as long as the idle expiry."""
    max_age = int(svc.settings.server.chat_session_idle_days * 86400)
    response.set_cookie(COOKIE, session.token, max_age=max_age, httponly=True, secure=_secure(request, svc),
                        samesite="lax", path=COOKIE_PATH)


def _too_many_sessions(retry_after_s: float) -> JSONResponse:
    secs = max(1, math.ceil(retry_after_s))
    return JSONResponse({"error": "too many new sessions", "retry_after_s": secs,
                         "message": t("vi", "slow_down_web", s=secs) + " / " + t("en", "slow_down_web", s=secs)},
                        status_code=429, headers={"Retry-After": str(secs)})


async def resolve(request: Request, svc: ServicesDep, body_session: str | None = None, *,
                  create: bool) -> ChatSession | JSONResponse:
    """The request's session, a new one (when `create` and no credential was sent), or the error response
    to return (401 unknown session, 429 too many new sessions)."""
    store = svc.chat_sessions
    header = request.headers.get(HEADER, "").strip()
    cookie = request.cookies.get(COOKIE, "")
    token, from_cookie = (header, False) if header else (body_session, False) if body_session else (cookie, True)
    if token:
        user_ref = await asyncio.to_thread(store.resolve, token)
        if user_ref is None:
            return unknown_session(clear_cookie=from_cookie)
        return ChatSession(token, user_ref, from_cookie=from_cookie)
    if not create:
        return unknown_session(clear_cookie=False)
    return await issue(request, svc)


async def issue(request: Request, svc: ServicesDep) -> ChatSession | JSONResponse:
    """A new session, unless this client address started too many in the last minute (429)."""
    store = svc.chat_sessions
    limiter = getattr(svc, "limiter", None)
    per_minute = svc.settings.server.rate_limit_sessions_per_minute
    if limiter is not None and per_minute > 0:
        key = f"session-new:{client_ip(request)}"
        d = await asyncio.to_thread(limiter.hit, key, per_minute) if limiter.shared else limiter.hit(key, per_minute)
        if not d.allowed:
            return _too_many_sessions(float(getattr(d, "retry_after_s", 1.0)))
    new_token, user_ref = await asyncio.to_thread(store.issue)
    return ChatSession(new_token, user_ref, new=True)
