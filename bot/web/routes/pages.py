"""HTML pages behind a log-in: the shared log-in page (`/login`) and `serve_page`, which every console page
(`/volunteer`, `/admin…`) goes through: no session → 303 to `/login?next=…`; another role → 403 page.

Pages are Jinja2 templates (bot/web/templates/) that extend `base.html`, rendered with autoescape on.
They carry no inline script or style: the CSP allows only our own files (bot/web/security.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import quote

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.core.redirects import safe_next
from bot.web.auth import SESSION_COOKIE
from bot.web.deps import ServicesDep

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}
templates = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True, undefined=jinja2.StrictUndefined))


def render(request: Request, template: str, *, status_code: int = 200) -> Response:
    """A page of bot/web/templates/, never cached by the browser."""
    return templates.TemplateResponse(request, template, status_code=status_code, headers=NO_STORE,
                                      media_type="text/html")


async def serve_page(request: Request, svc: ServicesDep, template: str, roles: tuple[str, ...]) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await asyncio.to_thread(svc.accounts.session, token) if token else None
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303, headers=NO_STORE)
    if found[0].role not in roles:
        return render(request, "forbidden.html", status_code=403)
    return render(request, template)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request) -> Response:
    """The log-in page. A `next` that is not a plain path on this site (an open-redirect attempt such as
    `/%09/evil.example`, bot/core/redirects.py) is dropped here, and login.js applies the same rule."""
    nxt = request.query_params.get("next")
    if nxt is not None and safe_next(nxt) is None:
        return RedirectResponse("/login", status_code=303, headers=NO_STORE)
    return render(request, "login.html")
