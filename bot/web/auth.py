"""Log-in for volunteers, editors, viewers and admins: a server-side session behind an HttpOnly cookie,
a CSRF token checked on every state-changing request, roles checked on every route, and log-in throttling
per (username, client address) with exponential back-off (bot/infra/ratelimit.LoginThrottle).

- `POST /api/auth/login` `{"username", "password"}` → 200 `{"user", "csrf_token"}` + cookies
  `binhdan_session` (HttpOnly, SameSite=Strict, Secure in production/https) and `binhdan_csrf` (readable by
  our own scripts, which send it back as the `X-CSRF-Token` header).
- `POST /api/auth/logout`, `GET /api/auth/me`.
- `current_user` (401 when not logged in), `require(roles…)` (403 for another role) and `csrf` (403 when
  the header does not match the session's token) are dependencies the other routers use.
"""

from __future__ import annotations

import hmac
import logging
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.web.deps import ServicesDep
from bot.web.security import client_ip

SESSION_COOKIE = "binhdan_session"
CSRF_COOKIE = "binhdan_csrf"
router = APIRouter()
log = logging.getLogger(__name__)


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


def _secure(request: Request, svc: Any) -> bool:
    mode = svc.settings.auth.cookie_secure
    if mode != "auto":
        return bool(mode == "always")
    return svc.settings.app.mode == "production" or svc.settings.server.public_url.startswith("https://") \
        or request.url.scheme == "https"


def _limiter(request: Request, svc: Any) -> Any:
    """(per-address limiter, its item, login throttle), made once per app from the rate-limit storage."""
    lim = getattr(request.app.state, "login_limiter", None)
    if lim is None:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        from bot.infra.ratelimit import LoginThrottle

        uri = getattr(svc.settings.server, "rate_limit_storage", "") or "memory://"
        try:
            storage = storage_from_string(uri)
            throttle = LoginThrottle(uri, free_failures=svc.settings.auth.login_free_failures,
                                     base_s=svc.settings.auth.login_backoff_s, max_s=svc.settings.auth.login_backoff_max_s)
        except Exception:  # a misconfigured Redis must not lock everyone out: fall back, loudly
            log.error("rate-limit storage %s unusable; using memory", uri.split("@")[-1])
            storage = storage_from_string("memory://")
            throttle = LoginThrottle("memory://", free_failures=svc.settings.auth.login_free_failures,
                                     base_s=svc.settings.auth.login_backoff_s, max_s=svc.settings.auth.login_backoff_max_s)
        per_address = svc.settings.auth.login_attempts_per_minute * 5
        # a commune office's volunteers share one address: the per-address limit (all names) is wide; the
        # back-off is per (name, address), so nobody elsewhere can lock a volunteer out (issue 25)
        lim = (MovingWindowRateLimiter(storage), parse(f"{per_address}/minute"), throttle)
        request.app.state.login_limiter = lim
    return lim


def _too_many(wait_s: float) -> JSONResponse:
    wait = max(1, math.ceil(wait_s))
    return JSONResponse({"error": f"too many failed log-ins; wait {wait} seconds and try again",
                         "message": f"Đăng nhập sai nhiều lần. Hãy đợi {wait} giây rồi thử lại.",
                         "retry_after": wait}, status_code=429, headers={"Retry-After": str(wait)})


def user_dict(u: Any) -> dict[str, object]:
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
            "communes": list(u.communes), "province_level": u.province_level, "available": u.available,
            "telegram_linked": u.telegram_linked}


@router.post("/api/auth/login")
async def login(body: LoginBody, request: Request, svc: ServicesDep) -> JSONResponse:
    import asyncio

    limiter, per_address, throttle = _limiter(request, svc)
    ip = client_ip(request)
    name = body.username.strip().lower()
    wait_s = throttle.wait_s(name, ip)
    if wait_s > 0:
        return _too_many(wait_s)
    if not limiter.hit(per_address, "login-ip", ip):
        return _too_many(60)
    session = await asyncio.to_thread(svc.accounts.login, body.username, body.password)
    if session is None:
        failures, lock_s = throttle.failed(name, ip)
        if lock_s > 0:
            # the password is never logged; the name and address are what an admin needs to act
            log.warning("repeated failed log-ins: %d for %r from %s; locked for %ss", failures, name[:64], ip, lock_s)
            audit = getattr(svc, "audit", None)
            if audit is not None:
                await asyncio.to_thread(audit.audit, f"address:{ip}", "auth.login_failures", f"user:{name[:64]}",
                                        {"failures": failures, "locked_s": lock_s, "address": ip})
        return JSONResponse({"error": "wrong username or password"}, status_code=401)
    throttle.succeeded(name, ip)
    resp = JSONResponse({"user": user_dict(session.user), "csrf_token": session.csrf_token})
    max_age = int(svc.settings.auth.session_hours * 3600)
    secure = _secure(request, svc)
    resp.set_cookie(SESSION_COOKIE, session.token, max_age=max_age, httponly=True, secure=secure,
                    samesite="strict", path="/")
    resp.set_cookie(CSRF_COOKIE, session.csrf_token, max_age=max_age, httponly=False, secure=secure,
                    samesite="strict", path="/")
    return resp


async def _session(request: Request, svc: ServicesDep) -> tuple[Any, str]:
    import asyncio

    token = request.cookies.get(SESSION_COOKIE, "")
    found = await asyncio.to_thread(svc.accounts.session, token) if token else None
    if found is None:
        raise HTTPException(401, "log in first")
    return found


SessionDep = Annotated[tuple[Any, str], Depends(_session)]


def current_user(sess: SessionDep) -> Any:
    return sess[0]


def csrf(request: Request, sess: SessionDep) -> None:
    """State-changing requests must echo the session's CSRF token in `X-CSRF-Token` (or a form field)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.headers.get("x-csrf-token", "")
    if not sent or not hmac.compare_digest(sent.encode(), sess[1].encode()):
        raise HTTPException(403, "missing or wrong CSRF token")


def require(*roles: str) -> Any:
    def check(user: Annotated[Any, Depends(current_user)]) -> Any:
        if user.role not in roles:
            raise HTTPException(403, "your role cannot do this")
        return user

    return check


UserDep = Annotated[Any, Depends(current_user)]
CsrfDep = Annotated[None, Depends(csrf)]


@router.post("/api/auth/logout")
async def logout(request: Request, response: Response, svc: ServicesDep, _: CsrfDep) -> dict[str, bool]:
    import asyncio

    await asyncio.to_thread(svc.accounts.logout, request.cookies.get(SESSION_COOKIE, ""))
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return {"ok": True}


@router.get("/api/auth/me")
async def me(user: UserDep, sess: SessionDep) -> dict[str, object]:
    return {"user": user_dict(user), "csrf_token": sess[1]}
