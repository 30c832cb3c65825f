"""The web chat: GET / (the page), POST /api/chat, GET /api/chat/{session_id}/updates (long-poll), and
POST /api/chat/stream (server-sent events, when a language model writes the answers: GET /api/chat/features)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, model_validator

from bot.core.generation import stream_to
from bot.core.messages import InboundMessage
from bot.core.texts import t
from bot.web.deps import ServicesDep
from bot.web.security import client_ip

router = APIRouter()
STATIC = Path(__file__).resolve().parent / "static"
SESSION = r"^[A-Za-z0-9_-]{8,64}$"


class ChatIn(BaseModel):
    session_id: str = Field(pattern=SESSION)
    text: str | None = Field(default=None, max_length=4000)
    action: str | None = Field(default=None, max_length=200)
    message_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,64}$")

    @model_validator(mode="after")
    def _one_of(self) -> ChatIn:
        if (self.text is None) == (self.action is None):
            raise ValueError("send exactly one of 'text' or 'action'")
        return self


class ButtonOut(BaseModel):
    title: str
    action: str


class SourceOut(BaseModel):
    doc_id: str
    title: str
    url: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut]
    sources: list[SourceOut]
    image: str | None = None  # a picture to show under the text (a certificate); left out when None


class ChatOut(BaseModel):
    replies: list[ReplyOut]


def _out(replies: list) -> ChatOut:  # type: ignore[type-arg]
    return ChatOut(replies=[ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, action=b.action) for b in r.buttons],
                                     sources=[SourceOut(doc_id=s.doc_id, title=s.title, url=s.url) for s in r.sources],
                                     image=getattr(r, "image", "") or None)
                            for r in replies])


# ---- abuse limits (issue 8): per client IP and per chat session ------------------------------------------
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests: JSON {error, message, retry_after_s} and Retry-After"}}


def _too_many(retry_after_s: float) -> JSONResponse:
    secs = max(1, math.ceil(retry_after_s))
    return JSONResponse({"error": "too many requests", "retry_after_s": secs,
                         "message": t("vi", "slow_down_web", s=secs) + " / " + t("en", "slow_down_web", s=secs)},
                        status_code=429, headers={"Retry-After": str(secs)})


async def _limited(request: Request, svc: ServicesDep, session_id: str | None = None) -> JSONResponse | None:
    """A 429 response when this client IP, or this chat session, is over its limit; else None."""
    limiter = getattr(svc, "limiter", None)
    if limiter is None:
        return None

    def check() -> float | None:
        d = limiter.hit(f"ip:{client_ip(request)}", svc.settings.server.rate_limit_ip_per_minute)
        if not d.allowed:
            return float(getattr(d, "retry_after_s", 1.0))
        if session_id is not None:
            ok, retry = svc.processor.allowed("web", session_id)
            if not ok:
                return float(retry)
        return None

    retry = await asyncio.to_thread(check) if limiter.shared else check()  # Redis: network I/O off the loop
    return None if retry is None else _too_many(retry)


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.post("/api/chat", response_model=ChatOut, response_model_exclude_none=True, responses=TOO_MANY)
async def chat(body: ChatIn, request: Request, svc: ServicesDep) -> ChatOut | JSONResponse:
    limited = await _limited(request, svc, body.session_id)
    if limited is not None:
        return limited
    msg = InboundMessage(
        channel="web", user_ref=body.session_id, platform_msg_id=body.message_id or uuid.uuid4().hex,
        received_at=datetime.now(UTC), kind="action" if body.action is not None else "text",
        text=body.text or "", action=body.action or "",
    )
    replies = await asyncio.to_thread(svc.processor.answer_now, msg)  # a repeated message_id: what was answered
    if replies is None:
        raise HTTPException(409, "duplicate message")
    return _out(replies)


@router.get("/api/chat/{session_id}/updates", response_model=ChatOut, response_model_exclude_none=True,
            responses=TOO_MANY)
async def updates(session_id: Annotated[str, PathParam(pattern=SESSION)], request: Request, svc: ServicesDep,
                  wait: Annotated[float, Query(ge=0, le=30)] = 25.0) -> ChatOut | JSONResponse:
    """Replies that arrived later (e.g. from a volunteer). Long-polls up to `wait` seconds."""
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    deadline = time.monotonic() + wait
    while True:
        replies = await asyncio.to_thread(svc.store.take_web_updates, session_id)
        if replies or time.monotonic() >= deadline:
            return _out(replies)
        await asyncio.sleep(0.5)


EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Everything kept about this chat session (/dulieu), as a JSON file",
          "content": {"application/json": {}}}, **TOO_MANY}


@router.get("/api/chat/{session_id}/export", responses=EXPORTED)
async def export(session_id: Annotated[str, PathParam(pattern=SESSION)], request: Request,
                 svc: ServicesDep) -> Response:
    """The data-subject export of a web chat session: the same records as /dulieu, as a download."""
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    data = await asyncio.to_thread(svc.personal_data.export, "web", session_id)
    body = {"channel": "web", "exported_at": datetime.now(UTC).isoformat(timespec="seconds"), "data": data}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="binhdan-du-lieu.json"',
                             "Cache-Control": "no-store"})


# ---- streaming (issue 10): the answer as a language model writes it -------------------------------------
log = logging.getLogger(__name__)


@router.get("/api/chat/features")
async def features(svc: ServicesDep) -> dict[str, bool]:
    """What the page may use: `stream` when answers can be streamed through POST /api/chat/stream."""
    return {"stream": bool(getattr(svc.answers, "streams", False))}


@router.post("/api/chat/stream")
async def chat_stream(body: ChatIn, request: Request, svc: ServicesDep) -> Response:
    """POST /api/chat as server-sent events: `delta` events (`{"text"}`, lines that passed the grounding
    checks so far) while the model writes, then one `replies` event whose data is exactly POST /api/chat's
    body — the replies as stored in the outbox, which replace the draft (`error` if processing failed)."""
    limited = await _limited(request, svc, body.session_id)
    if limited is not None:
        return limited
    msg = InboundMessage(
        channel="web", user_ref=body.session_id, platform_msg_id=body.message_id or uuid.uuid4().hex,
        received_at=datetime.now(UTC), kind="action" if body.action is not None else "text",
        text=body.text or "", action=body.action or "",
    )
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()

    def on_delta(text: str) -> None:  # called from the answering thread
        loop.call_soon_threadsafe(queue.put_nowait, ("delta", json.dumps({"text": text}, ensure_ascii=False)))

    async def work(m: InboundMessage) -> None:
        try:
            with stream_to(on_delta):  # asyncio.to_thread copies this context into the worker thread
                # stored already claimed by this request, so the inbox worker cannot answer it meanwhile
                replies = await asyncio.to_thread(svc.processor.answer_now, m)
            if replies is None:
                await queue.put(("error", json.dumps({"error": "duplicate message"})))
                return
            await queue.put(("replies", _out(replies).model_dump_json(exclude_none=True)))
        except Exception:
            log.exception("streamed chat message %s failed", m.platform_msg_id)
            await queue.put(("error", json.dumps({"error": "internal error"})))

    async def events() -> AsyncIterator[str]:
        task = asyncio.create_task(work(msg))  # runs to the end even if the page goes away
        _running.add(task)
        task.add_done_callback(_running.discard)
        while True:
            kind, data = await queue.get()
            yield f"event: {kind}\ndata: {data}\n\n"
            if kind != "delta":
                return

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


_running: set[asyncio.Task[None]] = set()
