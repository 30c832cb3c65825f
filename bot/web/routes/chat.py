"""The web chat: GET / (the page), POST /api/chat, GET /api/chat/updates (long-poll), GET /api/chat/export,
GET /api/chat/history (the conversation after a reload), POST/DELETE /api/chat/session, GET /manifest.webmanifest,
and POST /api/chat/stream (server-sent events, when a language model writes the answers: GET /api/chat/features).
Sessions are issued by the server: see bot/web/chat_session.py."""

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
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, model_validator

from bot.core.answering.generation import stream_to
from bot.core.chathistory import ticket_notice
from bot.core.messages import InboundMessage
from bot.core.texts import t
from bot.web import chat_session
from bot.web.chat_session import ChatSession
from bot.web.deps import ServicesDep
from bot.web.security import client_ip

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"
MESSAGE_ID = r"^[A-Za-z0-9_-]{1,64}$"


class ChatIn(BaseModel):
    session_id: str | None = Field(default=None, max_length=128, description=(
        "Deprecated: send the session in the X-Chat-Session header (or let the browser send its cookie). "
        "Accepted only when it is a session this server issued; leave it out on the first message to get one."))
    text: str | None = Field(default=None, max_length=4000)
    action: str | None = Field(default=None, max_length=200)
    message_id: str | None = Field(default=None, pattern=MESSAGE_ID)

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
    audio: str | None = None  # an answer read aloud: /voice/clips/<token>.ogg (issue 23); left out when None
    kind: str = "info"  # answer | not_covered | menu | notice | info | warning (the page lays them out by kind)


class ChatOut(BaseModel):
    replies: list[ReplyOut]
    session_id: str | None = Field(default=None, description=(
        "Only in the answer that started a new session: the session token, also set as the HttpOnly cookie "
        "binhdan_chat. API clients send it back as the X-Chat-Session header."))


class SessionOut(BaseModel):
    session_id: str


def _out(replies: list, session: ChatSession | None = None) -> ChatOut:  # type: ignore[type-arg]
    return ChatOut(replies=[ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, action=b.action) for b in r.buttons],
                                     sources=[SourceOut(doc_id=s.doc_id, title=s.title, url=s.url) for s in r.sources],
                                     image=getattr(r, "image", "") or None, audio=getattr(r, "audio", "") or None,
                                     kind=getattr(r, "kind", "info"))
                            for r in replies],
                   session_id=session.token if session is not None and session.new else None)


# ---- abuse limits (issue 8): per client IP and per chat session ------------------------------------------
TOO_MANY: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many requests: JSON {error, message, retry_after_s} and Retry-After"}}
NO_SESSION: dict[int | str, dict[str, Any]] = {
    401: {"description": "No session, or one this server did not issue (or that expired): JSON {error, message}"}}


def _too_many(retry_after_s: float) -> JSONResponse:
    secs = max(1, math.ceil(retry_after_s))
    return JSONResponse({"error": "too many requests", "retry_after_s": secs,
                         "message": t("vi", "slow_down_web", s=secs) + " / " + t("en", "slow_down_web", s=secs)},
                        status_code=429, headers={"Retry-After": str(secs)})


async def _limited(request: Request, svc: ServicesDep) -> JSONResponse | None:
    """A 429 response when this client IP is over its limit; else None (per session: `_limited_user`)."""
    limiter = getattr(svc, "limiter", None)
    if limiter is None:
        return None

    def check() -> float | None:
        d = limiter.hit(f"ip:{client_ip(request)}", svc.settings.server.rate_limit_ip_per_minute)
        return None if d.allowed else float(getattr(d, "retry_after_s", 1.0))

    retry = await asyncio.to_thread(check) if limiter.shared else check()  # Redis: network I/O off the loop
    return None if retry is None else _too_many(retry)


async def _session_for(body: ChatIn | None, request: Request, svc: ServicesDep, *,
                       create: bool) -> ChatSession | JSONResponse:
    """Per-IP limit first (so unknown-session probes are counted too), then the session."""
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    return await chat_session.resolve(request, svc, body.session_id if body is not None else None, create=create)


def _inbound(body: ChatIn, session: ChatSession) -> InboundMessage:
    # the message id is scoped to its session: another session's id can neither collide with nor reach it
    mid = f"{session.user_ref}:{body.message_id}" if body.message_id else uuid.uuid4().hex
    return InboundMessage(
        channel="web", user_ref=session.user_ref, platform_msg_id=mid, received_at=datetime.now(UTC),
        kind="action" if body.action is not None else "text", text=body.text or "", action=body.action or "")


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/manifest.webmanifest", include_in_schema=False)
async def manifest() -> FileResponse:
    """The web app manifest, so the chat can be added to a phone's home screen (name, icon, colours)."""
    return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.post("/api/chat", response_model=ChatOut, response_model_exclude_none=True,
             responses={**TOO_MANY, **NO_SESSION})
async def chat(body: ChatIn, request: Request, svc: ServicesDep) -> ChatOut | JSONResponse:
    """One message of the citizen. Without any session (no header, body field or cookie) the server starts
    one: the answer carries `session_id` and sets the `binhdan_chat` cookie."""
    session = await _session_for(body, request, svc, create=True)
    if isinstance(session, JSONResponse):
        return session
    limited = await _limited_user(request, svc, session)
    if limited is not None:
        return limited
    replies = await asyncio.to_thread(svc.processor.answer_now, _inbound(body, session))  # repeated id: what was answered
    if replies is None:
        raise HTTPException(409, "duplicate message")
    resp = JSONResponse(_out(replies, session).model_dump(exclude_none=True))
    chat_session.set_cookie(resp, request, svc, session)
    return resp


async def _limited_user(request: Request, svc: ServicesDep, session: ChatSession) -> JSONResponse | None:
    limiter = getattr(svc, "limiter", None)
    if limiter is None:
        return None
    ok, retry = (await asyncio.to_thread(svc.processor.allowed, "web", session.user_ref) if limiter.shared
                 else svc.processor.allowed("web", session.user_ref))
    return None if ok else _too_many(float(retry))


@router.post("/api/chat/session", status_code=201, response_model=SessionOut, responses=TOO_MANY)
async def new_session(request: Request, svc: ServicesDep) -> JSONResponse:
    """Start a new session without sending a message (API clients): `{"session_id"}` and the cookie.
    Any session the request already names is left as it is (it stays valid)."""
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    session = await chat_session.issue(request, svc)
    if isinstance(session, JSONResponse):
        return session
    resp = JSONResponse({"session_id": session.token}, status_code=201)
    chat_session.set_cookie(resp, request, svc, session)
    return resp


@router.delete("/api/chat/session", responses={**TOO_MANY, **NO_SESSION})
async def erase_session(request: Request, svc: ServicesDep) -> JSONResponse:
    """Erase everything kept about this session (like /xoa, without the confirmation button) and end the
    session: its token stops working and the cookie is cleared."""
    session = await _session_for(None, request, svc, create=False)
    if isinstance(session, JSONResponse):
        return session
    counts = await asyncio.to_thread(svc.personal_data.erase, "web", session.user_ref)
    await asyncio.to_thread(svc.chat_sessions.revoke, session.token)
    resp = JSONResponse({"erased": counts})
    resp.delete_cookie(chat_session.COOKIE, path=chat_session.COOKIE_PATH)
    return resp


@router.get("/api/chat/updates", response_model=ChatOut, response_model_exclude_none=True,
            responses={**TOO_MANY, **NO_SESSION})
async def updates(request: Request, svc: ServicesDep,
                  wait: Annotated[float, Query(ge=0, le=30)] = 25.0) -> ChatOut | JSONResponse:
    """Replies to this session that arrived later (e.g. from a volunteer). Long-polls up to `wait` seconds."""
    session = await _session_for(None, request, svc, create=False)
    if isinstance(session, JSONResponse):
        return session
    deadline = time.monotonic() + wait
    while True:
        if await request.is_disconnected():  # a page that went away (reload) must not take the replies with it
            return _out([])
        replies = await asyncio.to_thread(svc.store.take_web_updates, session.user_ref)
        if replies or time.monotonic() >= deadline:
            return _out(replies)
        await asyncio.sleep(0.5)


class HistoryLine(BaseModel):
    who: str = Field(description='"me" (the citizen, as stored: redacted) or "bot"')
    text: str
    kind: str = "info"
    message_id: str | None = Field(default=None, description="the page's message_id of a citizen's message")
    buttons: list[ButtonOut] = Field(default_factory=list, description="only on the replies of the last turn")
    sources: list[SourceOut] = Field(default_factory=list)
    image: str | None = None


class TicketOut(BaseModel):
    id: int
    status: str = Field(description="open (waiting for a volunteer) or claimed (a volunteer has it)")
    text: str = Field(description="the sentence the page shows about it")


class HistoryOut(BaseModel):
    messages: list[HistoryLine]
    ticket: TicketOut | None = None


@router.get("/api/chat/history", response_model=HistoryOut, responses={**TOO_MANY, **NO_SESSION})
async def history(request: Request, svc: ServicesDep,
                  limit: Annotated[int, Query(ge=1, le=50)] = 20) -> HistoryOut | JSONResponse:
    """The last `limit` lines of this session's conversation (the citizen's texts as stored, redacted; the
    replies with their sources; buttons on the last turn only) and its open ticket, so a reloaded page can
    show them again. A request without any session gets an empty history; an unknown one gets 401."""
    if not request.headers.get(chat_session.HEADER) and not request.cookies.get(chat_session.COOKIE):
        limited = await _limited(request, svc)
        return limited if limited is not None else HistoryOut(messages=[])
    session = await _session_for(None, request, svc, create=False)
    if isinstance(session, JSONResponse):
        return session
    lines = await asyncio.to_thread(svc.chat_history.recent, session.user_ref, limit=limit)
    active = await asyncio.to_thread(svc.desk.active, "web", session.user_ref) if svc.desk is not None else None
    out = []
    for ln in lines:
        r = ln.reply
        out.append(HistoryLine(
            who=ln.who, text=ln.text, kind=r.kind if r else "info", message_id=ln.message_id or None,
            buttons=[ButtonOut(title=b.title, action=b.action) for b in r.buttons] if r else [],
            sources=[SourceOut(doc_id=x.doc_id, title=x.title, url=x.url) for x in r.sources] if r else [],
            image=(r.image or None) if r else None))
    ticket = None
    if active is not None:
        tid, status = active
        lang = next((ln.reply.lang for ln in reversed(lines) if ln.reply is not None), "vi")
        ticket = TicketOut(id=tid, status=status, text=ticket_notice(tid, status, lang=lang))
    return HistoryOut(messages=out, ticket=ticket)


EXPORTED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Everything kept about this chat session (/dulieu), as a JSON file",
          "content": {"application/json": {}}}, **TOO_MANY, **NO_SESSION}


@router.get("/api/chat/export", responses=EXPORTED)
async def export(request: Request, svc: ServicesDep) -> Response:
    """The data-subject export of this web chat session: the same records as /dulieu, as a download."""
    session = await _session_for(None, request, svc, create=False)
    if isinstance(session, JSONResponse):
        return session
    data = await asyncio.to_thread(svc.personal_data.export, "web", session.user_ref)
    body = {"channel": "web", "exported_at": datetime.now(UTC).isoformat(timespec="seconds"), "data": data}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="binhdan-du-lieu.json"',
                             "Cache-Control": "no-store"})


@router.get("/api/chat/{old}/updates", include_in_schema=False)
@router.get("/api/chat/{old}/export", include_in_schema=False)
async def gone(old: str, request: Request) -> JSONResponse:
    """The old routes carried the session id in the path (and so in access logs): gone, with a pointer."""
    new = "/api/chat/export" if request.url.path.endswith("/export") else "/api/chat/updates"
    return JSONResponse({"error": "gone", "message": f"use GET {new} with the X-Chat-Session header or cookie"},
                        status_code=410)


# ---- streaming (issue 10): the answer as a language model writes it -------------------------------------
log = logging.getLogger(__name__)


@router.get("/api/chat/features")
async def features(svc: ServicesDep) -> dict[str, bool]:
    """What the page may use: `stream` when answers can be streamed through POST /api/chat/stream,
    `voice_in` when questions can be recorded (POST /api/chat/voice)."""
    voice = getattr(svc, "voice", None)
    return {"stream": bool(getattr(svc.answers, "streams", False)),
            "voice_in": bool(voice is not None and voice.intake is not None)}


@router.post("/api/chat/stream")
async def chat_stream(body: ChatIn, request: Request, svc: ServicesDep) -> Response:
    """POST /api/chat as server-sent events: `delta` events (`{"text"}`, lines that passed the grounding
    checks so far) while the model writes, then one `replies` event whose data is exactly POST /api/chat's
    body — the replies as stored in the outbox, which replace the draft (`error` if processing failed)."""
    session = await _session_for(body, request, svc, create=True)
    if isinstance(session, JSONResponse):
        return session
    limited = await _limited_user(request, svc, session)
    if limited is not None:
        return limited
    msg = _inbound(body, session)
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
            await queue.put(("replies", _out(replies, session).model_dump_json(exclude_none=True)))
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

    resp = StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    chat_session.set_cookie(resp, request, svc, session)
    return resp


_running: set[asyncio.Task[None]] = set()
