"""HTML pages behind a log-in: the shared log-in page (`/login`) and `serve_page`, which every console page
(`/volunteer`, `/admin…`) goes through: no session → 303 to `/login?next=…`; another role → 403 page.
Pages are static files (no inline script or style: the CSP allows only our own files)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from bot.core.redirects import safe_next
from bot.web.auth import SESSION_COOKIE
from bot.web.deps import ServicesDep

STATIC = Path(__file__).resolve().parent / "static"
router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


async def serve_page(request: Request, svc: ServicesDep, file: str, roles: tuple[str, ...]) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await asyncio.to_thread(svc.accounts.session, token) if token else None
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303, headers=NO_STORE)
    if found[0].role not in roles:
        return FileResponse(STATIC / "admin" / "forbidden.html", status_code=403, media_type="text/html",
                            headers=NO_STORE)
    return FileResponse(STATIC / file, media_type="text/html", headers=NO_STORE)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request) -> Response:
    """The log-in page. A `next` that is not a plain path on this site (an open-redirect attempt such as
    `/%09/evil.example`, bot/core/redirects.py) is dropped here, and login.js applies the same rule."""
    nxt = request.query_params.get("next")
    if nxt is not None and safe_next(nxt) is None:
        return RedirectResponse("/login", status_code=303, headers=NO_STORE)
    return FileResponse(STATIC / "admin" / "login.html", media_type="text/html", headers=NO_STORE)
