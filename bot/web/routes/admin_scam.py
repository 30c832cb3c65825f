"""Reported scam domains and phone numbers in the admin console (issue 20; docs/SCAMCHECK.md), for admins and
editors: list, add, delete, CSV import (all or nothing, errors per line) and a formula-safe CSV export; and
the volunteer's "confirm as a scam" on a ticket opened from a checked message. Every change is audited and
reloads this process's checker at once (other processes within `scamcheck.reload_s`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.core.scamcheck.reports import CONFIRMED_SOURCE, ReportError, ReportItem, make_item, parse_csv, to_csv
from bot.web.auth import CsrfDep, require
from bot.web.deps import ServicesDep, actor, call, read_body
from bot.web.routes.admin import Editor

router = APIRouter()
Volunteer = Annotated[Any, Depends(require("admin", "volunteer"))]


def _today(svc: Any) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(svc.settings.handoff.timezone)).date()


async def _changed(svc: Any) -> None:
    reported = getattr(svc, "scam_reported", None)
    if reported is not None:
        await call(reported.refresh, force=True)


class ReportBody(BaseModel):
    kind: str = Field(min_length=1, max_length=30)
    value: str = Field(min_length=1, max_length=2000)
    source: str = Field(default="", max_length=500)
    reported_on: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=1000)


@router.get("/api/admin/scam/reports")
async def reports(user: Editor, svc: ServicesDep, kind: Annotated[str, Query(pattern="^(|domain|phone)$")] = "",
                  q: Annotated[str, Query(max_length=200)] = "") -> dict[str, object]:
    found = await call(svc.scam_reports.entries, kind=kind, q=q, limit=2000)
    return {"reports": [r.as_dict() for r in found]}


@router.post("/api/admin/scam/reports")
async def add_report(body: ReportBody, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    try:
        item = make_item(body.kind, body.value, source=body.source, reported_on=body.reported_on, note=body.note,
                         today=_today(svc))
    except ReportError as exc:
        raise HTTPException(422, {"message": str(exc), "errors": [str(exc)]}) from None
    added, _skipped = await call(svc.scam_reports.add, [item], added_by=actor(user))
    if not added:
        raise HTTPException(409, f"“{item.value}” đã có trong danh sách.")
    await call(svc.audit.audit, actor(user), "scam.report_add", f"scam_report:{added[0].id}", {"kind": item.kind})
    await _changed(svc)
    return {"report": added[0].as_dict()}


@router.delete("/api/admin/scam/reports/{report_id}")
async def delete_report(report_id: int, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    gone = await call(svc.scam_reports.delete, report_id)
    if gone is None:
        raise HTTPException(404, "Không có mục này.")
    await call(svc.audit.audit, actor(user), "scam.report_delete", f"scam_report:{report_id}", {"kind": gone.item.kind})
    await _changed(svc)
    return {"deleted": gone.as_dict()}


@router.post("/api/admin/scam/reports/import")
async def import_reports(request: Request, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    """The body is the CSV file (UTF-8). 422 with one error per bad line, and nothing written, when any line
    is wrong; otherwise {added, skipped (already listed)}."""
    c = svc.settings.scamcheck
    data = await read_body(request, int(c.max_import_mb * 1024 * 1024))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(422, {"message": "Tệp không phải văn bản UTF-8 (hãy lưu CSV dạng UTF-8).",
                                  "errors": ["Tệp không phải văn bản UTF-8."]}) from None
    items, errors = parse_csv(text, today=_today(svc), max_rows=c.max_import_rows)
    if errors:
        raise HTTPException(422, {"message": f"Tệp có {len(errors)} lỗi, chưa nhập dòng nào.", "errors": errors})
    added, skipped = await call(svc.scam_reports.add, items, added_by=actor(user))
    await call(svc.audit.audit, actor(user), "scam.report_import", "scam_reports", {"added": len(added),
                                                                                   "skipped": skipped})
    await _changed(svc)
    return {"added": len(added), "skipped": skipped}


@router.get("/api/admin/scam/reports.csv")
async def export_reports(user: Editor, svc: ServicesDep) -> Response:
    found = await call(svc.scam_reports.entries, limit=100_000)
    body = to_csv([r.item for r in found], [r.added_by for r in found])
    return Response("\ufeff" + body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="scam-reports-{_today(svc).isoformat()}.csv"'})


# ---- the learning loop: a volunteer confirms the message of a ticket as a scam ---------------------------
def ticket_hosts(checker: Any, ticket: dict[str, Any]) -> list[str]:
    """The unofficial hosts of a ticket opened from a checked message: named in its context ("scam check:
    a.com b.net") and found in what the citizen wrote in it."""
    summary = ticket.get("summary") or {}
    context = str(summary.get("context") or "")
    hosts = context.split(":", 1)[1].split() if context.startswith("scam check:") else []
    texts = [str(m.get("text") or "") for m in ticket.get("messages") or [] if m.get("sender") == "citizen"]
    texts += [str(t.get("q") or "") for t in summary.get("turns") or []]
    for text in texts:
        hosts += list(checker.check(text).suspect_hosts)
    return list(dict.fromkeys(h for h in hosts if h))


@router.post("/api/tickets/{ticket_id}/scam-confirm")
async def confirm_scam(ticket_id: int, user: Volunteer, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    view = await call(svc.desk.get_for, user, ticket_id)
    hosts = ticket_hosts(svc.scam_checker, view.as_dict(full=True))
    if not hosts:
        raise HTTPException(422, "Phiếu này không có đường link lạ nào để báo cáo.")
    items = [ReportItem("domain", h, CONFIRMED_SOURCE, _today(svc), f"phiếu #{ticket_id}") for h in hosts]
    added, skipped = await call(svc.scam_reports.add, items, added_by=actor(user))
    await call(svc.audit.audit, actor(user), "scam.confirm", f"ticket:{ticket_id}", {"added": len(added),
                                                                                    "skipped": skipped})
    await _changed(svc)
    return {"added": [r.item.value for r in added], "skipped": skipped}
