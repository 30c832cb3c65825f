"""The knowledge base in the admin console (issue 7; docs/ADMIN.md), for admins and editors: list and
search, a guide with its chunks as indexed, uploads with a preview, drafts, publish (a background job whose
progress the page polls; answering goes on and switches to the new index when it is ready), the stale
report and the query playground. Files are handled by `svc.kb` (bot/core/admin) through Services."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from bot.core.privacy.redaction import redact
from bot.web.auth import CsrfDep
from bot.web.deps import ServicesDep, actor, call, read_body
from bot.web.routes.admin import Editor

router = APIRouter()
NAME = Annotated[str, Query(min_length=1, max_length=200)]
PHASES = {"queued": "Đang chờ", "change": "Ghi tệp", "read": "Đọc tài liệu", "embed": "Tính véc-tơ",
          "switch": "Chuyển sang chỉ mục mới", "done": "Xong"}


# Uploads are parsed in limited child processes (ingest/sandbox.py); waiting for them happens on these two
# threads, never on the default pool that the chat's `to_thread` calls need (issue 25: six hostile previews
# used to take every default thread and the chat stalled).
_UPLOADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kb-upload")


async def kb_call(fn: Any, *args: Any, uploads: bool = False, **kw: Any) -> Any:
    """Like `call`; `uploads` waits on the two upload threads. A refused change (bot.core.admin.KbError) is
    answered by the app's error handler with its list of problems and the preview (KbError.detail)."""
    if uploads:
        return await asyncio.get_running_loop().run_in_executor(_UPLOADS, partial(fn, *args, **kw))
    return await asyncio.to_thread(fn, *args, **kw)


def _json(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json(x) for x in v]
    return v


def _job(job: Any) -> dict[str, object]:
    d: dict[str, object] = job.as_dict()
    d["phase_label"] = PHASES.get(job.phase, job.phase)
    return d


# ---- list, one guide, the stale report -------------------------------------------------------------------
@router.get("/api/admin/kb/guides")
async def guides(user: Editor, svc: ServicesDep, q: Annotated[str, Query(max_length=200)] = "",
                 topic: Annotated[str, Query(max_length=40)] = "", lang: Annotated[str, Query(max_length=8)] = "",
                 kind: Annotated[str, Query(max_length=20)] = "", stale: bool = False) -> dict[str, object]:
    data: dict[str, object] = await kb_call(svc.kb.listing, q=q, topic=topic, lang=lang, kind=kind, stale=stale)
    info = svc.index_info or {}
    data["index"] = {"build_id": info.get("build_id", ""), "created_at": info.get("created_at", ""),
                     "chunks": info.get("chunks", info.get("count", ""))}
    return data


@router.get("/api/admin/kb/guides/{doc_id}")
async def guide(doc_id: str, user: Editor, svc: ServicesDep) -> dict[str, object]:
    found = await call(svc.admin.document, doc_id)
    text = await kb_call(svc.kb.guide_text, doc_id)
    if found is None and text is None:
        raise HTTPException(404, "Không có bài này.")
    out: dict[str, object] = {"id": doc_id, "published": found is not None, "editable": text is not None}
    if found is not None:
        info, chunks = found
        out.update(title=info.title, kind=info.kind, topic=info.topic, lang=info.lang, url=info.url,
                   meta=_json(info.meta), updated_at=info.updated_at.isoformat(),
                   chunks=[{"id": c.id, "ordinal": c.ordinal, "heading": c.heading, "text": c.text} for c in chunks])
    if text is not None:
        front, body, origin = text
        out.update(front=_json(front), body=body, origin=origin)
        out.setdefault("title", str(front.get("title", doc_id)))
    out["has_draft"] = await asyncio.to_thread(svc.kb.has_draft, doc_id)
    return out


@router.get("/api/admin/kb/stale")
async def stale(user: Editor, svc: ServicesDep) -> dict[str, object]:
    rows = await kb_call(svc.kb.stale)
    return {"stale_after_days": svc.settings.knowledge.stale_after_days, "rows": rows}


# ---- uploads ---------------------------------------------------------------------------------------------
def _upload_limit(svc: Any) -> int:
    return int(svc.settings.admin.max_upload_mb * 1024 * 1024)


@router.post("/api/admin/kb/preview")
async def preview(request: Request, user: Editor, svc: ServicesDep, _: CsrfDep, filename: NAME,
                  topic: Annotated[str, Query(max_length=40)] = "", lang: Annotated[str, Query(max_length=8)] = "",
                  doc_id: Annotated[str, Query(max_length=200)] = "") -> dict[str, object]:
    data = await read_body(request, _upload_limit(svc))
    p = await kb_call(svc.kb.preview, filename, data, topic=topic, lang=lang, doc_id=doc_id, uploads=True)
    return {"preview": p.as_dict()}


@router.post("/api/admin/kb/upload")
async def upload(request: Request, user: Editor, svc: ServicesDep, _: CsrfDep, filename: NAME,
                 topic: Annotated[str, Query(max_length=40)] = "", lang: Annotated[str, Query(max_length=8)] = "",
                 doc_id: Annotated[str, Query(max_length=200)] = "", publish: bool = False) -> dict[str, object]:
    """Save the upload as a draft (nothing is written when it has errors: 422 with the preview); with
    `publish`, publish it at once (a job)."""
    data = await read_body(request, _upload_limit(svc))
    name, p = await kb_call(svc.kb.save_upload, filename, data, topic=topic, lang=lang, doc_id=doc_id, uploads=True)
    who = actor(user)
    await call(svc.audit.audit, who, "kb.upload", f"draft:{name}",
               {"filename": p.filename, "kind": p.kind, "rows": len(p.rows), "warnings": len(p.warnings)},
               content={"after": p.text or f"{sum(1 for r in p.rows if not r['error'])} rows"})
    out: dict[str, object] = {"draft": name, "preview": p.as_dict()}
    if publish:
        out["job"] = await _publish(svc, name, who)
    return out


# ---- drafts, publish ------------------------------------------------------------------------------------
class DraftBody(BaseModel):
    front: dict[str, Any]
    body: str = Field(min_length=1, max_length=60_000)
    editing: str | None = Field(default=None, max_length=200)
    question_ids: list[int] = Field(default_factory=list, max_length=5000)  # from the unanswered inbox


@router.get("/api/admin/kb/drafts")
async def drafts(user: Editor, svc: ServicesDep) -> dict[str, object]:
    return {"drafts": await kb_call(svc.kb.drafts)}


@router.post("/api/admin/kb/drafts")
async def save_draft(body: DraftBody, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    doc_id, before, after, warnings = await kb_call(svc.kb.save_draft, body.front, body.body, editing=body.editing)
    who = actor(user)
    await call(svc.audit.audit, who, "kb.draft_save", f"doc:{doc_id}", {"editing": bool(body.editing)},
               content={"before": before, "after": after})
    if body.question_ids:
        await call(svc.admin.triage, body.question_ids, "guide", actor=who, doc_id=doc_id)
    return {"draft": doc_id, "warnings": warnings}


@router.delete("/api/admin/kb/drafts/{name}")
async def delete_draft(name: str, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    before = await kb_call(svc.kb.delete_draft, name)
    await call(svc.audit.audit, actor(user), "kb.draft_delete", f"doc:{name}", {}, content={"before": before})
    return {"deleted": name}


async def _publish(svc: Any, name: str, who: str) -> dict[str, object]:
    def done(change: Any, detail: dict[str, Any]) -> None:
        summary = detail.get("summary") or {}
        svc.audit.audit(who, "kb.publish", change.target, {"build": summary.get("build", "")},
                        content={"before": change.before, "after": change.after})

    def failed(message: str) -> None:
        svc.audit.audit(who, "kb.publish_failed", f"doc:{name}", {"error": message[:300]})

    job = await asyncio.to_thread(svc.reindexer.start, "publish", actor=who, target=name,
                                  change=lambda: svc.kb.publish(name), on_done=done, on_failed=failed)
    return _job(job)


@router.post("/api/admin/kb/drafts/{name}/publish")
async def publish(name: str, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    if not await asyncio.to_thread(svc.kb.has_draft, name):
        raise HTTPException(404, "Không tìm thấy bản nháp này.")
    return {"job": await _publish(svc, name, actor(user))}


@router.post("/api/admin/kb/guides/{doc_id}/unpublish")
async def unpublish(doc_id: str, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    await kb_call(svc.kb.check_unpublish, doc_id)
    who = actor(user)

    def done(change: Any, detail: dict[str, object]) -> None:
        svc.audit.audit(who, "kb.unpublish", change.target, {}, content={"before": change.before, "after": ""})

    job = await asyncio.to_thread(svc.reindexer.start, "unpublish", actor=who, target=doc_id,
                                  change=lambda: svc.kb.unpublish(doc_id), on_done=done)
    return {"job": _job(job)}


@router.post("/api/admin/kb/reindex")
async def reindex(user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    who = actor(user)

    def done(change: Any, detail: dict[str, Any]) -> None:
        svc.audit.audit(who, "kb.reindex", "index", {k: v for k, v in (detail.get("summary") or {}).items()
                                                      if k in ("build", "documents", "chunks", "added", "changed",
                                                               "removed", "seconds")})

    job = await asyncio.to_thread(svc.reindexer.start, "reindex", actor=who, target="index", on_done=done)
    return {"job": _job(job)}


@router.get("/api/admin/kb/jobs")
async def jobs(user: Editor, svc: ServicesDep) -> dict[str, object]:
    return {"jobs": [_job(j) for j in await call(svc.admin.jobs, limit=10)]}


@router.get("/api/admin/kb/jobs/{job_id}")
async def job(job_id: int, user: Editor, svc: ServicesDep) -> dict[str, object]:
    found = await call(svc.admin.job, job_id)
    if found is None:
        raise HTTPException(404, "Không có việc này.")
    return {"job": _job(found), "index": {"build_id": (svc.index_info or {}).get("build_id", "")}}


# ---- the query playground ---------------------------------------------------------------------------------
class PlaygroundBody(BaseModel):
    question: str = Field(min_length=1, max_length=1000)


@router.post("/api/admin/kb/playground")
async def playground(body: PlaygroundBody, user: Editor, svc: ServicesDep, _: CsrfDep) -> dict[str, object]:
    """The passages retrieved for a question (fused, dense and lexical scores), the confidence and the
    answer the citizen would get. Nothing is logged (keep=False)."""
    question = redact(body.question)  # an entry like a citizen's message: the answer service trusts its input
    answer = await asyncio.to_thread(svc.answers.answer, question, channel="admin", keep=False)
    try:
        r = await asyncio.to_thread(svc.answers.retrieve, question, limit=10)
    except Exception:  # an invalid question: the answer above already says why
        r = None
    out: dict[str, object] = {
        "answer": {"text": answer.text, "confidence": answer.confidence, "covered": answer.covered,
                   "threshold": svc.settings.answer.threshold, "lang": answer.lang, "mode": answer.mode,
                   "sources": [{"doc_id": s.doc_id, "title": s.title, "score": s.score} for s in answer.sources],
                   "related": [{"doc_id": s.doc_id, "title": s.title} for s in answer.related]},
        "passages": [], "build_id": (svc.index_info or {}).get("build_id", "")}
    if r is not None:
        out["query"] = {"normalized": r.query.normalized, "restored": r.query.restored, "kind": r.query.kind,
                        "lang": r.query.lang, "coverage": round(r.coverage, 4), "margin": round(r.margin, 4)}
        out["passages"] = [{"rank": i, "doc_id": p.doc_id, "chunk_id": p.chunk_id, "title": p.title, "kind": p.kind,
                            "topic": p.topic, "lang": p.lang, "score": round(p.score, 4), "dense": round(p.dense, 4),
                            "lexical": round(p.lexical, 4), "text": p.text[:800]}
                           for i, p in enumerate(r.passages, 1)]
    return out
