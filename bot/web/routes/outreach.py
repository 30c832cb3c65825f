"""Console pages and API for announcements and community classes (issue 21; docs/OUTREACH.md).

Roles: admins and editors (commune officers) write announcements — an account with communes assigned and
no province level may only address those communes; admins, editors and volunteers publish classes of their
communes, import a CSV, see registrations and mark attendance from the phone. Every state-changing request
carries the CSRF token; every change is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.core.outreach import model as m
from bot.web.auth import CsrfDep, require
from bot.web.deps import ServicesDep, actor, call
from bot.web.routes.pages import serve_page

router = APIRouter()
WRITERS, CLASSES = ("admin", "editor"), ("admin", "editor", "volunteer")
Writer = Annotated[Any, Depends(require(*WRITERS))]
Organiser = Annotated[Any, Depends(require(*CLASSES))]


def _page(path: str, file: str, roles: tuple[str, ...]) -> None:
    async def page(request: Request, svc: ServicesDep) -> Response:
        return await serve_page(request, svc, file, roles)

    router.add_api_route(path, page, methods=["GET"], include_in_schema=False, name=f"page:{path}")


_page("/admin/announce", "admin/announce.html", WRITERS)
_page("/admin/classes", "admin/classes.html", CLASSES)


def _svc(svc: Any) -> Any:
    if svc.outreach is None:
        raise HTTPException(404, "Chức năng thông báo đang tắt (outreach.enabled).")
    return svc.outreach


def _scope(user: Any) -> tuple[str, ...] | None:
    """The communes an account may address; None = the whole province (admins, province level, and — as for
    the dashboards — accounts with no commune assigned)."""
    return None if user.sees_all_communes or not user.communes else tuple(user.communes)


def _tz(svc: Any) -> ZoneInfo:
    return ZoneInfo(svc.settings.outreach.timezone)


class ButtonIn(BaseModel):
    kind: str = Field(max_length=10)
    target: str = Field(max_length=500)
    title: str = Field(max_length=60)


class AudienceIn(BaseModel):
    topic: str = Field(max_length=20)
    communes: list[str] = Field(default_factory=list, max_length=200)
    groups: list[str] = Field(default_factory=list, max_length=10)
    langs: list[str] = Field(default_factory=list, max_length=2)
    channels: list[str] = Field(default_factory=list, max_length=2)

    def core(self) -> m.Audience:
        return m.Audience(self.topic, tuple(self.communes), tuple(self.groups), tuple(self.langs), tuple(self.channels))


class DraftIn(BaseModel):
    title: str = Field(max_length=200)
    text: str = Field(max_length=2000)
    audience: AudienceIn
    buttons: list[ButtonIn] = Field(default_factory=list, max_length=5)
    send_at: str = Field(default="", max_length=40)  # local "YYYY-MM-DD HH:MM"; empty = now


def _draft(body: DraftIn, svc: Any, user: Any) -> m.Draft:
    from bot.bootstrap import official_domains

    try:
        send_at = m.parse_local(body.send_at, _tz(svc)) if body.send_at.strip() else None
    except ValueError:
        raise HTTPException(422, "Giờ gửi không đọc được (YYYY-MM-DD HH:MM).") from None
    draft = m.Draft(body.title, body.text, body.audience.core(),
                    tuple(m.AnnouncementButton(b.kind, b.target, b.title) for b in body.buttons), send_at)
    errors = m.validate(draft, official_domains=official_domains(svc.settings), allowed_communes=_scope(user),
                        communes_known=[c.code for c in svc.communes.all()])
    if errors:
        raise HTTPException(422, " ".join(errors))
    return draft


def _iso(d: Any) -> Any:
    return d.isoformat() if isinstance(d, datetime) else d


def _campaign(c: dict[str, object]) -> dict[str, object]:
    return {k: _iso(v) for k, v in c.items()}


@router.get("/api/outreach/campaigns")
async def campaigns(user: Writer, svc: ServicesDep) -> dict[str, object]:
    rows = await call(_svc(svc).campaigns)
    scope = _scope(user)
    if scope is not None:  # a commune officer sees announcements to their communes
        rows = [c for c in rows if set(c["audience"].get("communes") or ["*"]) <= set(scope)]
    return {"campaigns": [_campaign(c) for c in rows]}


@router.post("/api/outreach/audience")
async def audience(body: AudienceIn, user: Writer, svc: ServicesDep, _: CsrfDep) -> dict[str, int]:
    scope = _scope(user)
    if scope is not None and (not body.communes or set(body.communes) - set(scope)):
        raise HTTPException(403, "Bạn chỉ được chọn xã/phường mình phụ trách.")
    counts: dict[str, int] = await call(_svc(svc).audience_count, body.core())
    return counts


@router.post("/api/outreach/campaigns")
async def create(body: DraftIn, user: Writer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    draft = _draft(body, svc, user)
    cid = await call(_svc(svc).create, draft, actor=actor(user))
    await call(svc.audit.audit, actor(user), "announce.create", f"campaign:{cid}",
               {"title": draft.title, "audience": draft.audience.as_dict()})
    return {"campaign": _campaign(await call(_svc(svc).campaign, cid))}


@router.post("/api/outreach/campaigns/{campaign_id}/{verb}")
async def change(campaign_id: int, verb: str, user: Writer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    if verb not in ("pause", "resume", "cancel"):
        raise HTTPException(404, "Không có thao tác này.")
    try:
        await call(_svc(svc).set_status, campaign_id, "cancelled" if verb == "cancel" else
                   "paused" if verb == "pause" else "resume")
    except LookupError:
        raise HTTPException(404, "Không có thông báo này.") from None
    except ValueError:
        raise HTTPException(409, "Không thể làm việc này với thông báo ở trạng thái hiện tại.") from None
    await call(svc.audit.audit, actor(user), f"announce.{verb}", f"campaign:{campaign_id}")
    return {"campaign": _campaign(await call(_svc(svc).campaign, campaign_id))}


@router.get("/api/outreach/campaigns/{campaign_id}/recipients.csv")
async def recipients_csv(campaign_id: int, user: Writer, svc: ServicesDep) -> Response:
    body = await call(_svc(svc).recipients_csv, campaign_id)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="thong-bao-{campaign_id}.csv"'})


# ---- classes -------------------------------------------------------------------------------------------------
class ClassIn(BaseModel):
    title: str = Field(max_length=200)
    commune: str = Field(max_length=10)
    place: str = Field(max_length=300)
    starts_at: str = Field(max_length=40)
    ends_at: str = Field(max_length=40)
    seats: int = Field(ge=1, le=1000)
    topic: str = Field(default="", max_length=40)
    module: str = Field(default="", max_length=80)
    contact: str = Field(default="", max_length=200)
    lang: str = Field(default="vi", max_length=2)
    serves: list[str] = Field(default_factory=list, max_length=20)


def _class_dict(c: m.ClassInfo, tz: ZoneInfo) -> dict[str, object]:
    d = dict(c.__dict__)
    d["serves"] = list(c.serves)
    d["starts_at"], d["ends_at"] = c.starts_at.isoformat(), c.ends_at.isoformat()
    d["starts_local"] = c.starts_at.astimezone(tz).strftime("%H:%M %d/%m/%Y")
    return d


def _own_class(svc: Any, user: Any, class_id: int) -> m.ClassInfo:
    c = _svc(svc).class_info(class_id)
    scope = _scope(user)
    if c is None or (scope is not None and c.commune not in scope):
        raise HTTPException(404, "Không có lớp này.")
    return c  # type: ignore[no-any-return]


@router.get("/api/outreach/classes")
async def classes(user: Organiser, svc: ServicesDep) -> dict[str, object]:
    rows = await call(_svc(svc).list_classes, communes=_scope(user))
    return {"classes": [_class_dict(c, _tz(svc)) for c in rows]}


@router.post("/api/outreach/classes")
async def add_class(body: ClassIn, user: Organiser, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    tz = _tz(svc)
    try:
        d = m.ClassDraft(title=body.title.strip(), commune=body.commune, place=body.place.strip(),
                         starts_at=m.parse_local(body.starts_at, tz), ends_at=m.parse_local(body.ends_at, tz),
                         seats=body.seats, topic=body.topic, module=body.module, contact=body.contact, lang=body.lang,
                         serves=tuple(body.serves))
    except ValueError:
        raise HTTPException(422, "Giờ không đọc được (YYYY-MM-DD HH:MM).") from None
    errors = m.check_class(d, communes_known=[c.code for c in svc.communes.all()])
    scope = _scope(user)
    if scope is not None and d.commune not in scope:
        errors.append("bạn không phụ trách xã/phường này")
    if errors:
        raise HTTPException(422, "Lớp chưa hợp lệ: " + "; ".join(errors) + ".")
    [cid] = await call(_svc(svc).add_classes, [d], actor=actor(user))
    await call(svc.audit.audit, actor(user), "class.create", f"class:{cid}", {"title": d.title, "commune": d.commune})
    return {"class": _class_dict(await call(_svc(svc).class_info, cid), tz)}


@router.post("/api/outreach/classes/import")
async def import_classes(request: Request, user: Organiser, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HTTPException(422, "Tệp CSV phải là UTF-8.") from None
    drafts, errors = m.parse_classes_csv(text, _tz(svc), communes_known=[c.code for c in svc.communes.all()])
    scope = _scope(user)
    if scope is not None:
        errors += [f"lớp \"{d.title}\": bạn không phụ trách xã/phường {d.commune}" for d in drafts if d.commune not in scope]
    if errors:
        raise HTTPException(422, {"message": f"{len(errors)} lỗi: chưa nhập lớp nào.", "errors": errors})
    ids = await call(_svc(svc).add_classes, drafts, actor=actor(user))
    await call(svc.audit.audit, actor(user), "class.import", "", {"classes": len(ids)})
    return {"imported": len(ids)}


@router.get("/api/outreach/classes/{class_id}/registrations")
async def registrations(class_id: int, user: Organiser, svc: ServicesDep) -> dict[str, object]:
    c = await call(_own_class, svc, user, class_id)
    rows = await call(_svc(svc).registrations, class_id)
    return {"class": _class_dict(c, _tz(svc)), "registrations": [{k: _iso(v) for k, v in r.items()} for r in rows]}


class AttendanceIn(BaseModel):
    registration_id: int
    attended: bool


@router.post("/api/outreach/classes/{class_id}/attendance")
async def attendance(class_id: int, body: AttendanceIn, user: Organiser, svc: ServicesDep, _: CsrfDep) -> dict[str, bool]:
    await call(_own_class, svc, user, class_id)
    if not await call(_svc(svc).mark_attendance, class_id, body.registration_id, body.attended):
        raise HTTPException(404, "Không có đăng ký này.")
    await call(svc.audit.audit, actor(user), "class.attendance", f"class:{class_id}",
               {"registration": body.registration_id, "attended": body.attended})
    return {"ok": True}


@router.post("/api/outreach/classes/{class_id}/cancel")
async def cancel_class(class_id: int, user: Organiser, svc: ServicesDep, _: CsrfDep) -> dict[str, int]:
    await call(_own_class, svc, user, class_id)
    told = await call(_svc(svc).cancel_class, class_id)
    await call(svc.audit.audit, actor(user), "class.cancel", f"class:{class_id}", {"told": told})
    return {"told": told}


@router.get("/api/outreach/classes/{class_id}/report")
async def report(class_id: int, user: Organiser, svc: ServicesDep) -> dict[str, object]:
    c = await call(_own_class, svc, user, class_id)
    rep = await call(_svc(svc).report, class_id)
    return {**rep, "class": _class_dict(c, _tz(svc))}


@router.get("/api/outreach/classes/{class_id}/report.csv")
async def report_csv(class_id: int, user: Organiser, svc: ServicesDep) -> Response:
    await call(_own_class, svc, user, class_id)
    body = await call(_svc(svc).report_csv, class_id)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="lop-{class_id}.csv"'})
