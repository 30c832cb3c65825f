"""Hand-off extras over HTTP (issue 22): volunteer presence, team hours, quick-reply snippets, "send a
guide", ticket attachments (upload, download), typing indicator, read state, satisfaction report and
review items. Same session cookie, roles and CSRF header as the ticket API (bot/web/routes/tickets.py)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.core.errors import DomainError
from bot.core.helpdesk.snippets import guide_text
from bot.web import chat_session
from bot.web.auth import CsrfDep, _session, current_user, require
from bot.web.deps import ServicesDep, call

router = APIRouter()
Volunteer = Annotated[Any, Depends(require("volunteer", "admin"))]
Watcher = Annotated[Any, Depends(require("admin", "viewer"))]
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _hd(svc: Any) -> Any:
    if svc.helpdesk is None:
        raise HTTPException(503, "the help desk is not configured")
    return svc.helpdesk


class PresenceBody(BaseModel):
    status: str = Field(pattern="^(available|busy|away)$")


class ScheduleBody(BaseModel):
    hours: str = Field(max_length=11)
    days: list[int] = Field(max_length=7)
    days_off: list[str] = Field(default_factory=list, max_length=366)


class SnippetBody(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=3000)
    scope: str = Field(default="personal", pattern="^(team|personal)$")
    team: str = Field(default="", max_length=20)


class NoteBody(BaseModel):
    note: str = Field(default="", max_length=2000)


# ---- presence and team hours ----------------------------------------------------------------------
@router.get("/api/helpdesk/me")
async def me(user: Volunteer, svc: ServicesDep) -> dict[str, object]:
    hd = _hd(svc)
    return {"presence": await call(hd.store.presence, user.id), "team_lead": await call(hd.store.is_lead, user.id)}


@router.post("/api/volunteer/presence")
async def set_presence(body: PresenceBody, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    """available | busy | away: away volunteers are offered no new ticket."""
    return {"presence": await call(_hd(svc).store.set_presence, user.id, body.status)}


@router.get("/api/helpdesk/schedules")
async def schedules(user: Volunteer, svc: ServicesDep) -> dict[str, object]:
    return {"schedules": await call(_hd(svc).store.schedules)}


@router.post("/api/helpdesk/schedules/{team}")
async def set_schedule(team: Annotated[str, Path(pattern=r"^(province|\d{1,6})$")], body: ScheduleBody,
                       user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    return {"schedule": await call(_hd(svc).store.set_schedule, user, team, hours=body.hours, days=body.days,
                                    days_off=body.days_off)}


# ---- quick replies and guides -----------------------------------------------------------------------
@router.get("/api/snippets")
async def snippets(user: Volunteer, svc: ServicesDep, q: Annotated[str, Query(max_length=100)] = "") -> dict[str, object]:
    found = await call(_hd(svc).snippets.find, user, q)
    return {"snippets": [x.as_dict() for x in found]}


@router.post("/api/snippets", status_code=201)
async def add_snippet(body: SnippetBody, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    s = await call(_hd(svc).snippets.create, user, title=body.title, body=body.body, scope=body.scope, team=body.team)
    return {"snippet": s.as_dict()}


@router.post("/api/snippets/{snippet_id}")
async def edit_snippet(snippet_id: int, body: SnippetBody, user: Volunteer, svc: ServicesDep,
                       _: CsrfDep) -> dict[str, object]:
    s = await call(_hd(svc).snippets.update, user, snippet_id, title=body.title, body=body.body)
    return {"snippet": s.as_dict()}


@router.delete("/api/snippets/{snippet_id}")
async def delete_snippet(snippet_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, bool]:
    await call(_hd(svc).snippets.delete, user, snippet_id)
    return {"ok": True}


@router.get("/api/guides")
async def guides(user: Volunteer, svc: ServicesDep, q: Annotated[str, Query(max_length=100)] = "") -> dict[str, object]:
    return {"guides": await call(_hd(svc).snippets.guides, q)}


@router.get("/api/guides/{doc_id}/reply")
async def guide_reply(doc_id: Annotated[str, Path(pattern=r"^[a-z0-9-]{1,120}$")], user: Volunteer,
                      svc: ServicesDep, lang: Annotated[str, Query(pattern="^(vi|en)$")] = "vi") -> dict[str, object]:
    """The guide's steps and link, ready to edit in the reply box (never sent by this call)."""
    a = await asyncio.to_thread(svc.answers.guide, doc_id, lang)
    if a is None or not a.sources:
        raise HTTPException(404, "no such guide")
    src = a.sources[0]
    body = a.text.split("\n", 1)[1] if a.text.startswith(src.title) and "\n" in a.text else a.text
    return {"doc_id": src.doc_id, "title": src.title, "url": src.url, "text": guide_text(src.title, body, src.url)}


# ---- attachments -------------------------------------------------------------------------------------
@router.post("/api/tickets/{ticket_id}/files", status_code=201)
async def upload(ticket_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep,
                 file: Annotated[UploadFile, File()], caption: Annotated[str, Form(max_length=900)] = "") -> dict[str, object]:
    hd = _hd(svc)
    data = await file.read(hd.files.max_bytes + 1)
    stored = await call(hd.files.add_from_volunteer, user, ticket_id, data, name=file.filename or "", caption=caption)
    wake = getattr(svc, "outbox_wake", None)
    if wake is not None:
        wake.set()
    return {"file": stored.as_dict()}


@router.get("/api/tickets/{ticket_id}/extras")
async def extras(ticket_id: int, user: Volunteer, svc: ServicesDep) -> dict[str, object]:
    """Files by ticket message and the citizen's read state (what the console adds to a ticket)."""
    await call(svc.desk.get_for, user, ticket_id)  # 403 / 404 as for the ticket itself
    hd = _hd(svc)
    files = await call(hd.files.by_message, ticket_id)
    seen = await call(hd.store.seen_at, ticket_id)
    return {"files": {str(k): v.as_dict() for k, v in files.items()}, "seen_at": seen.isoformat() if seen else None}


@router.get("/api/files/{file_id}")
async def download(file_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{24}$")], request: Request,
                   svc: ServicesDep) -> Response:
    """A ticket's file: for the ticket's volunteers and admins (their session), or for the web chat citizen
    whose ticket it is (`X-Chat-Session` header). Anyone else gets 404 — the same as an unknown id."""
    hd = _hd(svc)
    found = await asyncio.to_thread(hd.files.meta, file_id)
    if found is None:
        raise HTTPException(404, "not found")
    meta, channel, user_ref = found
    allowed = False
    if channel == "web" and user_ref and (request.headers.get(chat_session.HEADER) or
                                          request.cookies.get(chat_session.COOKIE)):
        citizen = await chat_session.resolve(request, svc, create=False)
        allowed = isinstance(citizen, chat_session.ChatSession) and citizen.user_ref == user_ref
    if not allowed:
        try:
            user, _ = await _session(request, svc)
            if user.role in ("volunteer", "admin"):
                await asyncio.to_thread(svc.desk.get_for, user, meta.ticket_id)
                allowed = True
        except (HTTPException, DomainError):
            allowed = False
    if not allowed:
        raise HTTPException(404, "not found")
    got = await asyncio.to_thread(hd.files.read, file_id)
    if got is None:
        raise HTTPException(404, "not found")
    data, mime = got
    disposition = "inline" if mime.startswith(("image/", "audio/")) else 'attachment; filename="tep.pdf"'
    return Response(data, media_type=mime, headers={**NO_STORE, "Content-Disposition": disposition})


# ---- typing and read state ------------------------------------------------------------------------------
@router.post("/api/tickets/{ticket_id}/typing")
async def typing(ticket_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, bool]:
    """The volunteer is writing: "typing…" in the citizen's Telegram chat, at most every few seconds."""
    view = await call(svc.desk.get_for, user, ticket_id)
    hd = _hd(svc)
    if view.status != "claimed" or view.claimed_by != user.id or view.channel != "telegram" or svc.telegram is None:
        return {"sent": False}
    loop = asyncio.get_running_loop()
    if not hd.typing.should_send(f"t{ticket_id}", loop.time()):
        return {"sent": False}
    user_ref = await asyncio.to_thread(hd.store.citizen_of, ticket_id)
    if not user_ref:
        return {"sent": False}
    await svc.telegram.typing(user_ref)
    return {"sent": True}


@router.post("/api/chat/seen", response_model=None)
async def seen(request: Request, svc: ServicesDep) -> Any:
    """The web chat page showed the volunteer's replies (session in `X-Chat-Session` or the cookie): the
    console shows "seen". 401 for an unknown session."""
    citizen = await chat_session.resolve(request, svc, create=False)
    if not isinstance(citizen, chat_session.ChatSession):
        return citizen
    return {"ok": bool(await asyncio.to_thread(_hd(svc).store.seen, "web", citizen.user_ref))}


# ---- satisfaction ------------------------------------------------------------------------------------
@router.get("/api/helpdesk/csat")
async def csat(user: Watcher, svc: ServicesDep, weeks: Annotated[int, Query(ge=1, le=52)] = 8) -> dict[str, object]:
    scope = tuple(user.communes) if user.communes and not user.sees_all_communes else None
    name = svc.communes.name if svc.communes is not None else None
    report: dict[str, object] = await call(_hd(svc).store.report, weeks=weeks, communes=scope, commune_name=name)
    return report


@router.get("/api/helpdesk/reviews")
async def reviews(user: Annotated[Any, Depends(current_user)], svc: ServicesDep,
                  status: Annotated[str, Query(pattern="^(open|done|all)$")] = "open") -> dict[str, object]:
    items = await call(_hd(svc).store.reviews_for, user, status=None if status == "all" else status)
    return {"reviews": [x.as_dict() for x in items]}


@router.post("/api/helpdesk/reviews/{review_id}/resolve")
async def resolve(review_id: int, body: NoteBody, user: Annotated[Any, Depends(current_user)], svc: ServicesDep,
                  _: CsrfDep) -> dict[str, object]:
    return {"review": (await call(_hd(svc).store.resolve_review, user, review_id, body.note)).as_dict()}
