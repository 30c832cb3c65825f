"""The admin console (issue 7; docs/ADMIN.md): pages, dashboards (+ CSV), the unanswered-question inbox,
users, citizen-facing bot settings and the audit log. The knowledge base is in admin_kb.py, which imports
the role dependencies from here (never the other way).

Roles: admin (everything), editor (knowledge base, unanswered inbox, FAQ proposals), viewer (dashboards,
limited to their communes when they have some). Every route checks the role; every state-changing request
carries the session's CSRF token (`X-CSRF-Token`); every change is written to the audit log.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.core.answering.triage import group_questions, suggested_phrasing
from bot.core.botsettings import KEYS, validate
from bot.core.csvsafe import safe_row
from bot.web.auth import CsrfDep, require
from bot.web.deps import ServicesDep, actor, call
from bot.web.routes.pages import serve_page

router = APIRouter()
ADMIN, KB, DASH = ("admin",), ("admin", "editor"), ("admin", "viewer")
Admin = Annotated[Any, Depends(require(*ADMIN))]
Editor = Annotated[Any, Depends(require(*KB))]
Viewer = Annotated[Any, Depends(require(*DASH))]


# ---- pages -----------------------------------------------------------------------------------------------
PAGES = {"/admin": ("admin/dashboard.html", DASH), "/admin/kb": ("admin/kb.html", KB),
         "/admin/kb/edit": ("admin/kb-edit.html", KB), "/admin/kb/playground": ("admin/playground.html", KB),
         "/admin/unanswered": ("admin/unanswered.html", KB), "/admin/faq": ("admin/faq.html", KB),
         "/admin/users": ("admin/users.html", ADMIN), "/admin/settings": ("admin/settings.html", ADMIN),
         "/admin/audit": ("admin/audit.html", ADMIN), "/admin/scam": ("admin/scam.html", KB)}


def _page_route(path: str, file: str, roles: tuple[str, ...]) -> None:
    async def page(request: Request, svc: ServicesDep) -> Response:
        return await serve_page(request, svc, file, roles)

    router.add_api_route(path, page, methods=["GET"], include_in_schema=False, name=f"page:{path}")


for _path, (_file, _roles) in PAGES.items():
    _page_route(_path, _file, _roles)


# ---- dashboards ------------------------------------------------------------------------------------------
def _period(svc: Any, since: date | None, until: date | None) -> tuple[date, date]:
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(svc.settings.handoff.timezone)).date()
    until = until or today
    since = since or until - timedelta(days=29)
    if since > until:
        raise HTTPException(422, "Ngày bắt đầu phải trước ngày kết thúc.")
    if (until - since).days > 366:
        raise HTTPException(422, "Chọn khoảng thời gian không quá một năm.")
    return since, until


def _scope(user: Any) -> tuple[str, ...] | None:
    return tuple(user.communes) if user.communes and not user.sees_all_communes else None


@router.get("/api/admin/dashboard")
async def dashboard(user: Viewer, svc: ServicesDep, since: date | None = None, until: date | None = None) -> dict[str, object]:
    since, until = _period(svc, since, until)
    tables = await call(svc.dashboard.report, since, until, communes=_scope(user))
    return {"since": since.isoformat(), "until": until.isoformat(), "scope": list(_scope(user) or []),
            "tables": {k: t.as_dict() for k, t in tables.items()}}


@router.get("/api/admin/dashboard/{name}.csv")
async def dashboard_csv(name: str, user: Viewer, svc: ServicesDep, since: date | None = None,
                        until: date | None = None) -> Response:
    since, until = _period(svc, since, until)
    tables = await call(svc.dashboard.report, since, until, communes=_scope(user))
    table = tables.get(name)
    if table is None:
        raise HTTPException(404, "Không có bảng này.")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([k for k, _ in table.columns])
    for r in table.rows:  # safe_row: a commune name or question like "=HYPERLINK(…)" stays text
        w.writerow(safe_row("" if r.get(k) is None else r.get(k) for k, _ in table.columns))
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}-{since.isoformat()}-{until.isoformat()}.csv"'})


# ---- the unanswered-question inbox -----------------------------------------------------------------------
class TriageBody(BaseModel):
    question_ids: list[int] = Field(min_length=1, max_length=5000)


class LinkBody(TriageBody):
    doc_id: str = Field(min_length=1, max_length=200)
    phrasing: str = Field(min_length=3, max_length=300)


@router.get("/api/admin/unanswered")
async def unanswered(user: Editor, svc: ServicesDep, days: Annotated[int | None, Query(ge=1, le=3650)] = None,
                     threshold: Annotated[float, Query(ge=0.2, le=1.0)] = 0.5) -> dict[str, object]:
    from datetime import UTC

    since = datetime.now(UTC) - timedelta(days=days or svc.settings.admin.unanswered_days)
    items = await call(svc.admin.unanswered, since=since)
    groups = group_questions(items, threshold=threshold)
    return {"questions": len(items), "groups": [
        {**g.as_dict(), "phrasing": suggested_phrasing(g)} for g in groups[:300]]}


@router.post("/api/admin/unanswered/ignore")
async def ignore(body: TriageBody, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    n = await call(svc.admin.triage, body.question_ids, "ignored", actor=actor(user))
    return {"ignored": n}


@router.post("/api/admin/unanswered/link")
async def link(body: LinkBody, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    """Add the phrasing to the guide's `questions:` (managed copy), re-index, then mark the questions."""
    await call(svc.kb.check_question, body.doc_id, body.phrasing)  # a refusal: 422 with its problems
    ids, who = list(body.question_ids), actor(user)

    def done(change: Any, detail: dict[str, object]) -> None:
        svc.admin.triage(ids, "linked", actor=who, doc_id=body.doc_id, details={"phrasing": body.phrasing})
        svc.audit.audit(who, "kb.link_question", change.target, {"phrasing": body.phrasing},
                        content={"before": change.before, "after": change.after})

    job = await asyncio.to_thread(svc.reindexer.start, "link", actor=who, target=body.doc_id,
                                  change=lambda: svc.kb.add_question(body.doc_id, body.phrasing), on_done=done)
    return {"job": job.as_dict()}


# ---- users -----------------------------------------------------------------------------------------------
class NewUser(BaseModel):
    username: str = Field(min_length=3, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: str = Field(pattern="^(admin|editor|volunteer|viewer)$")
    display_name: str = Field(default="", max_length=120)
    communes: list[str] = Field(default_factory=list, max_length=200)
    province_level: bool = False


class DisabledBody(BaseModel):
    disabled: bool


class PasswordBody(BaseModel):
    password: str = Field(min_length=1, max_length=256)


class CommunesBody(BaseModel):
    communes: list[str] = Field(default_factory=list, max_length=200)


def _user(u: Any, names: Any) -> dict[str, object]:
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role,
            "communes": [{"code": c, "name": names(c)} for c in u.communes], "province_level": u.province_level,
            "disabled": u.disabled, "available": u.available, "telegram_linked": u.telegram_linked}


def _check_communes(svc: Any, codes: list[str]) -> list[str]:
    out = []
    for c in codes:
        commune = svc.communes.get(c) if svc.communes is not None and len(svc.communes) else None
        if svc.communes is not None and len(svc.communes) and commune is None:
            raise HTTPException(422, f"Không có xã mã {c!r}.")
        out.append(commune.code if commune is not None else c.strip())
    return out


async def _target(svc: Any, user_id: int) -> Any:
    u = await call(svc.accounts.get, user_id)
    if u is None:
        raise HTTPException(404, "Không có người dùng này.")
    return u


@router.get("/api/admin/users")
async def users(user: Admin, svc: ServicesDep) -> dict[str, object]:
    found = await call(svc.accounts.list_users)
    return {"users": [_user(u, svc.communes.name) for u in found]}


@router.post("/api/admin/users")
async def create_user(body: NewUser, user: Admin, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    codes = _check_communes(svc, body.communes)
    u = await call(svc.accounts.add_user, body.username, body.password, role=body.role, communes=codes,
                   display_name=body.display_name, province_level=body.province_level)
    await call(svc.audit.audit, actor(user), "user.create", f"user:{u.id}",
               {"username": u.username, "role": u.role, "communes": list(u.communes),
                "province_level": u.province_level})
    return {"user": _user(u, svc.communes.name)}


@router.post("/api/admin/users/{user_id}/disabled")
async def disable_user(user_id: int, body: DisabledBody, user: Admin, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    target = await _target(svc, user_id)
    if target.id == user.id and body.disabled:
        raise HTTPException(409, "Bạn không thể tự khoá tài khoản của mình.")
    await call(svc.accounts.set_disabled, user_id, body.disabled)
    await call(svc.audit.audit, actor(user), "user.disable" if body.disabled else "user.enable", f"user:{user_id}",
               {"username": target.username, "before": target.disabled, "after": body.disabled})
    return {"user": _user(await _target(svc, user_id), svc.communes.name)}


@router.post("/api/admin/users/{user_id}/password")
async def reset_password(user_id: int, body: PasswordBody, user: Admin, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    target = await _target(svc, user_id)
    await call(svc.accounts.set_password, user_id, body.password)
    await call(svc.audit.audit, actor(user), "user.password_reset", f"user:{user_id}", {"username": target.username})
    return {"ok": True}


@router.post("/api/admin/users/{user_id}/communes")
async def assign_communes(user_id: int, body: CommunesBody, user: Admin, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    target = await _target(svc, user_id)
    codes = _check_communes(svc, body.communes)
    await call(svc.accounts.set_communes, user_id, codes)
    after = await _target(svc, user_id)
    await call(svc.audit.audit, actor(user), "user.communes", f"user:{user_id}",
               {"username": target.username, "before": list(target.communes), "after": list(after.communes)})
    return {"user": _user(after, svc.communes.name)}


@router.get("/api/admin/communes")
async def communes(user: Admin, svc: ServicesDep, q: Annotated[str, Query(max_length=80)] = "") -> dict[str, object]:
    found = svc.communes.search(q, limit=10) if q.strip() else []
    return {"communes": [{"code": c.code, "name": c.name} for c in found]}


# ---- citizen-facing bot settings -------------------------------------------------------------------------
class SettingsBody(BaseModel):
    changes: dict[str, Any] = Field(max_length=len(KEYS))


async def _settings_view(svc: Any) -> dict[str, object]:
    overrides = await call(svc.bot_settings.overrides)
    defaults = svc.bot_settings_service.defaults()
    return {"values": {**defaults, **{k: v for k, v in overrides.items() if k in KEYS}}, "defaults": defaults,
            "overrides": sorted(k for k in overrides if k in KEYS), "timezone": svc.settings.handoff.timezone}


@router.get("/api/admin/settings")
async def get_settings(user: Admin, svc: ServicesDep) -> dict[str, object]:
    return await _settings_view(svc)


@router.post("/api/admin/settings")
async def save_settings(body: SettingsBody, user: Admin, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    current = (await _settings_view(svc))["values"]
    assert isinstance(current, dict)
    clean, errors = validate(body.changes, current)
    if errors:
        raise HTTPException(422, {"message": "Có mục chưa hợp lệ, chưa lưu gì.", "errors": errors})
    if clean:
        await call(svc.bot_settings.save, clean, actor(user))
        await call(svc.bot_settings_service.apply, await call(svc.bot_settings.overrides))
    return await _settings_view(svc)


# ---- the audit log ---------------------------------------------------------------------------------------
@router.get("/api/admin/audit")
async def audit_log(user: Admin, svc: ServicesDep, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                    prefix: Annotated[str, Query(max_length=40, pattern=r"^[a-z_.]*$")] = "") -> dict[str, object]:
    entries = await call(svc.audit.recent, limit=limit, prefix=prefix or None)
    people = {f"user:{u.id}": u.username for u in await call(svc.accounts.list_users)}
    return {"entries": [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "who": people.get(e.actor, e.actor),
                         "action": e.action, "target": e.target, "details": e.details} for e in entries]}
