"""Volunteer tickets over HTTP: the JSON API (session cookie + CSRF header), FAQ proposal review, ticket
metrics, and the `/volunteer` console page (a template + static JS served by us, no external resources)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from bot.core.handoff import metrics_csv
from bot.web.auth import CsrfDep, require, user_dict
from bot.web.deps import ServicesDep, call
from bot.web.routes.pages import serve_page

router = APIRouter()

Volunteer = Annotated[Any, Depends(require("volunteer", "admin"))]
Reviewer = Annotated[Any, Depends(require("admin", "editor"))]
Watcher = Annotated[Any, Depends(require("admin", "viewer"))]


class MessageBody(BaseModel):
    text: str = Field(min_length=1, max_length=3000)


class FaqBody(BaseModel):
    question: str = Field(min_length=3, max_length=500)
    answer: str = Field(min_length=3, max_length=4000)


class CloseBody(BaseModel):
    note: str = Field(default="", max_length=2000)
    faq: FaqBody | None = None


class StatusBody(BaseModel):
    available: bool


class ReviewBody(BaseModel):
    question: str | None = Field(default=None, max_length=500)
    answer: str | None = Field(default=None, max_length=4000)
    reason: str = Field(default="", max_length=1000)


@router.get("/volunteer", include_in_schema=False)
async def console(request: Request, svc: ServicesDep) -> Response:
    """The volunteer console; anonymous: to /login, another role: 403 (issue 7)."""
    return await serve_page(request, svc, "volunteer.html", ("volunteer", "admin"))


@router.get("/api/tickets")
async def list_tickets(user: Volunteer, svc: ServicesDep,
                       status: Annotated[str | None, Query(pattern=r"^[a-z,]{1,60}$")] = None) -> dict[str, object]:
    views = await call(svc.desk.list_for, user, status=status)
    return {"tickets": [v.as_dict() for v in views]}


@router.get("/api/tickets/metrics")
async def ticket_metrics(user: Watcher, svc: ServicesDep, since: datetime | None = None,
                         until: datetime | None = None, format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
                         by: Annotated[str, Query(pattern="^(communes|volunteers)$")] = "communes") -> Response:
    scope = tuple(user.communes) if user.communes and not user.sees_all_communes else None  # optional scoping
    data = await call(svc.desk.metrics, since=since, until=until, communes=scope)
    if format == "csv":
        return Response(metrics_csv(data[by]), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="tickets-{by}.csv"'})
    return JSONResponse(data)


@router.get("/api/tickets/{ticket_id}")
async def get_ticket(ticket_id: int, user: Volunteer, svc: ServicesDep) -> dict[str, object]:
    view = await call(svc.desk.get_for, user, ticket_id)
    return {"ticket": view.as_dict(full=True)}


@router.post("/api/tickets/{ticket_id}/claim")
async def claim(ticket_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    view = await call(svc.desk.claim, user, ticket_id)
    _wake_outbox(svc)
    return {"ticket": view.as_dict()}


@router.post("/api/tickets/{ticket_id}/messages")
async def reply(ticket_id: int, body: MessageBody, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, bool]:
    await call(svc.desk.reply, user, ticket_id, body.text)
    _wake_outbox(svc)
    return {"ok": True}


@router.post("/api/tickets/{ticket_id}/close")
async def close(ticket_id: int, body: CloseBody, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    faq = (body.faq.question, body.faq.answer) if body.faq else None
    view = await call(svc.desk.close, user, ticket_id, note=body.note, faq=faq)
    _wake_outbox(svc)
    return {"ticket": view.as_dict()}


class ReleaseBody(BaseModel):
    note: str = Field(default="", max_length=500)


@router.post("/api/tickets/{ticket_id}/release")
async def release(ticket_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep,
                  body: ReleaseBody | None = None) -> dict[str, object]:
    """Give a claimed ticket back: open again, in the province pool, the citizen told (409 if not yours)."""
    view = await call(svc.desk.release, user, ticket_id, note=body.note if body else "")
    _wake_outbox(svc)
    return {"ticket": view.as_dict()}


@router.post("/api/volunteer/status")
async def set_status(body: StatusBody, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    await call(svc.accounts.set_available, user.id, body.available)
    return {"user": user_dict(await call(svc.accounts.get, user.id))}


@router.post("/api/volunteer/telegram-link")
async def telegram_link(user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    minutes = svc.settings.auth.link_code_minutes
    code = await call(svc.accounts.new_link_code, user.id, minutes=minutes)
    return {"code": code, "expires_in_min": minutes, "instruction": f"Gửi cho trợ lý trên Telegram: /link {code}"}


@router.get("/api/faq-proposals")
async def proposals(user: Reviewer, svc: ServicesDep,
                    status: Annotated[str, Query(pattern="^(pending|approved|rejected|all)$")] = "pending"
                    ) -> dict[str, object]:
    items = await call(svc.desk.proposals, status=None if status == "all" else status)
    groups: dict[int, list[dict[str, object]]] = {}
    for p in items:
        groups.setdefault(p.group_id, []).append(p.as_dict())
    return {"groups": [{"group_id": g, "count": len(v), "proposals": v} for g, v in groups.items()]}


@router.post("/api/faq-proposals/{proposal_id}/approve")
async def approve(proposal_id: int, body: ReviewBody, user: Reviewer, svc: ServicesDep,
                  _: CsrfDep) -> dict[str, object]:
    before = await call(svc.desk.proposal, proposal_id)
    p = await call(svc.faq.publish, proposal_id, user, question=body.question, answer=body.answer)
    if svc.audit is not None:  # issue 7: every admin action is audited, with the text before and after
        await asyncio.to_thread(svc.audit.audit, f"user:{user.id}", "faq.approve", f"proposal:{p.id}",
                                {"doc_id": p.doc_id, "ticket": p.ticket_id},
                                content={"before": {"question": before.question, "answer": before.answer},
                                         "after": {"question": p.question, "answer": p.answer}})
    return {"proposal": p.as_dict()}


@router.post("/api/faq-proposals/{proposal_id}/reject")
async def reject(proposal_id: int, body: ReviewBody, user: Reviewer, svc: ServicesDep,
                 _: CsrfDep) -> dict[str, object]:
    p = await call(svc.desk.review, proposal_id, user, approve=False, reason=body.reason)
    if svc.audit is not None:  # issue 7
        await asyncio.to_thread(svc.audit.audit, f"user:{user.id}", "faq.reject", f"proposal:{p.id}",
                                {"reason": p.review_reason, "ticket": p.ticket_id})
    return {"proposal": p.as_dict()}


def _wake_outbox(svc: Any) -> None:
    outbox = getattr(svc, "outbox_wake", None)
    if outbox is not None:
        outbox.set()
