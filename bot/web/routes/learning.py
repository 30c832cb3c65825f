"""Certificates (issue 6): GET /verify and /verify/{code} (a Vietnamese page: is this certificate genuine?),
GET /certificates/{code}.png (the picture). No external resources; the code is the only key."""

from __future__ import annotations

import asyncio
import html
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response

from bot.bootstrap import certificate_png, learning_policy
from bot.core.texts import t
from bot.web.deps import ServicesDep

router = APIRouter()
CODE = Annotated[str, PathParam(min_length=1, max_length=40)]


def _page(body: str, *, status: int = 200) -> HTMLResponse:
    doc = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{html.escape(t("vi", "verify_title"))}</title>'
        '<link rel="stylesheet" href="/static/verify.css"></head>'
        f'<body><main>{body}</main></body></html>'
    )
    return HTMLResponse(doc, status_code=status, headers={"Cache-Control": "no-store"})


def _form(code: str = "") -> str:
    return (
        f'<form method="get" action="/verify"><label for="code">{html.escape(t("vi", "verify_form"))}</label>'
        f'<input id="code" name="code" value="{html.escape(code)}" maxlength="40" autocomplete="off" '
        f'inputmode="text" required><button type="submit">{html.escape(t("vi", "verify_button"))}</button></form>'
    )


def _result(svc: Any, code: str, cert: Any) -> HTMLResponse:
    h1 = f'<h1>{html.escape(t("vi", "verify_title"))}</h1>'
    if cert is None:
        body = (f'{h1}<p class="bad" role="status">✗ {html.escape(t("vi", "verify_bad"))}</p>'
                f'<p class="en">{html.escape(t("en", "verify_bad"))}</p>{_form(code)}')
        return _page(body, status=404)
    policy = learning_policy(svc.settings)
    issued = cert.issued_at.astimezone(policy.tz).strftime("%d/%m/%Y")
    rows = [(t("vi", "cert_line"), cert.title)]
    if cert.name:
        rows.append(("Học viên", cert.name))
    rows += [("Ngày cấp", issued), ("Mã xác minh", cert.code)]
    table = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    png = f"/certificates/{html.escape(cert.code)}.png"
    body = (f'{h1}<p class="ok" role="status">✓ {html.escape(t("vi", "verify_ok"))}</p>'
            f'<p class="en">{html.escape(t("en", "verify_ok"))}</p><table>{table}</table>'
            f'<p><a href="{png}"><img src="{png}" alt="{html.escape(t("vi", "cert_heading"))}"></a></p>'
            f'<p class="small">{html.escape(t("vi", "cert_movement", province=policy.province))}</p>{_form()}')
    return _page(body)


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
async def verify_form(svc: ServicesDep, code: Annotated[str, Query(max_length=40)] = "") -> HTMLResponse:
    if not code.strip():
        return _page(f'<h1>{html.escape(t("vi", "verify_title"))}</h1>{_form()}')
    cert = await asyncio.to_thread(_lookup, svc, code)
    return _result(svc, code, cert)


def _lookup(svc: Any, code: str) -> Any:
    return svc.learning.certificate(code) if svc.learning is not None else None


@router.get("/verify/{code}", response_class=HTMLResponse, include_in_schema=False)
async def verify(code: CODE, svc: ServicesDep) -> HTMLResponse:
    cert = await asyncio.to_thread(_lookup, svc, code)
    return _result(svc, code, cert)


@router.get("/certificates/{code}.png", include_in_schema=False)
async def certificate_image(code: CODE, svc: ServicesDep) -> Response:
    png = await asyncio.to_thread(certificate_png, svc.settings, svc.learning, code) if svc.learning else None
    if png is None:
        return Response(status_code=404, content=b"not found", media_type="text/plain")
    return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=86400"})
