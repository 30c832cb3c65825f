"""Voice in the web chat (issue 23): POST /api/chat/voice (a recording from the page's MediaRecorder, as the
raw request body, within `voice.max_bytes`; the session as for POST /api/chat), and GET
/voice/clips/<token>.ogg (an answer read aloud, while its clip lives). The recording is handed to the voice
intake in memory only; the transcript's "Bác hỏi: «…» — đúng không?" arrives through /api/chat/updates."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response

from bot.core.messages import InboundMessage
from bot.core.texts import t
from bot.web import chat_session
from bot.web.deps import ServicesDep
from bot.web.routes.chat import NO_SESSION, TOO_MANY, _limited, _limited_user, _out

router = APIRouter()
AUDIO_TYPES = ("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav", "audio/x-wav", "audio/aac",
               "video/webm", "application/octet-stream")


def _error(status: int, error: str, key: str, **kw: object) -> JSONResponse:
    return JSONResponse({"error": error, "message": t("vi", key, **kw) + " / " + t("en", key, **kw)}, status_code=status)


@router.post("/api/chat/voice", responses={**TOO_MANY, **NO_SESSION, 413: {"description": "Recording too large"},
                                           415: {"description": "Not an audio recording"},
                                           404: {"description": "Voice is not switched on for this server"}})
async def voice_message(request: Request, svc: ServicesDep) -> Response:
    """A recorded question. Answers like POST /api/chat ("Tôi đang nghe…"); the confirmation follows."""
    voice = getattr(svc, "voice", None)
    if voice is None or voice.intake is None:
        return _error(404, "voice unavailable", "vc_unavailable")  # a feature switched off, not a server fault
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in AUDIO_TYPES:
        return _error(415, "not audio", "vc_unreadable")
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    session = await chat_session.resolve(request, svc, None, create=True)
    if isinstance(session, JSONResponse):
        return session
    limited = await _limited_user(request, svc, session)
    if limited is not None:
        return limited
    max_bytes = svc.settings.voice.max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return _error(413, "too large", "vc_too_large", seconds=int(svc.settings.voice.max_seconds))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            return _error(413, "too large", "vc_too_large", seconds=int(svc.settings.voice.max_seconds))
    if not body:
        return _error(415, "empty", "vc_unreadable")
    mid = f"{session.user_ref}:voice:{uuid.uuid4().hex}"
    ref = voice.intake.hold(mid, bytes(body))
    msg = InboundMessage(channel="web", user_ref=session.user_ref, platform_msg_id=mid, received_at=datetime.now(UTC),
                         kind="voice", meta={"audio": ref, "size": str(len(body))})
    replies = await asyncio.to_thread(svc.processor.answer_now, msg)
    resp = JSONResponse(_out(replies or [], session).model_dump(exclude_none=True))
    chat_session.set_cookie(resp, request, svc, session)
    return resp


@router.get("/voice/clips/{token}.ogg", responses={404: {"description": "Unknown or expired clip"}})
async def clip(token: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_-]{20,64}$")], svc: ServicesDep) -> Response:
    voice = getattr(svc, "voice", None)
    path = voice.out.clips.path(token) if voice is not None and voice.out is not None else None
    if path is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return FileResponse(path, media_type="audio/ogg", headers={"Cache-Control": "no-store"})
