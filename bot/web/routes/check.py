"""POST /api/check and /api/check/image: the scam checker for the web chat and for partners (issue 20).

The pasted text is analysed in memory and never stored; the answer is the same JSON object as
`binhdan check-message --json`. Rate-limited per client address like the chat. Only the anonymous
statistics are kept (week, channel "api", verdict, a matched look-alike/reported host).

`/api/check/image`: the body is the picture itself (PNG, JPEG, WebP; at most `scamcheck.max_image_mb`),
read with OCR in a worker thread (one at a time per process) and never stored. With `chat=true` (the web
chat) it goes through the chat like a message of the caller's session — the same session rules (cookie or
X-Chat-Session, issued by the server) and limits as `/api/chat` — and answers `{"replies": [...]}`; without,
it answers the check's JSON plus the text that was read."""

from __future__ import annotations

import asyncio
import contextlib
import math
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.core.messages import InboundMessage
from bot.core.scamcheck.chat import tx
from bot.core.texts import t
from bot.web import chat_session
from bot.web.chat_session import ChatSession
from bot.web.deps import ServicesDep, read_body
from bot.web.routes.chat import ChatOut, _limited, _limited_user, _out
from bot.web.security import client_ip

router = APIRouter()


class CheckIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000, description="The suspicious message, link or phone number")
    lang: str = Field(default="vi", pattern="^(vi|en)$")


class ReasonOut(BaseModel):
    code: str
    text: str


class CheckOut(BaseModel):
    verdict: str = Field(description="danger | suspicious | no_signs | official")
    reasons: list[ReasonOut]
    urls: list[str]
    phones: list[str]
    advice: str
    urgent: bool
    guide_id: str


@router.post("/api/check", response_model=CheckOut, responses={429: {"description": "Too many requests"}})
async def check(body: CheckIn, request: Request, svc: ServicesDep) -> CheckOut | JSONResponse:
    limiter = getattr(svc, "limiter", None)
    if limiter is not None:
        d = limiter.hit(f"ip:{client_ip(request)}", svc.settings.server.rate_limit_ip_per_minute)
        if not d.allowed:
            secs = max(1, math.ceil(float(getattr(d, "retry_after_s", 1.0))))
            return JSONResponse({"error": "too many requests", "retry_after_s": secs,
                                 "message": t("vi", "slow_down_web", s=secs)}, status_code=429,
                                headers={"Retry-After": str(secs)})
    result = await asyncio.to_thread(svc.scam_checker.check, body.text, lang=body.lang)
    _record(svc, result)
    return CheckOut.model_validate(result.as_dict())


def _record(svc: Any, result: Any) -> None:
    log = getattr(svc, "scam_check_log", None)
    if log is not None:
        with contextlib.suppress(Exception):  # statistics never fail a check
            log.record("api", result.verdict, result.lookalike_hosts)


class ImageCheckOut(CheckOut):
    text: str = Field(description="The text read from the picture (phone and account numbers masked)")


UNREADABLE: dict[int | str, dict[str, Any]] = {422: {"description": "No text could be read in the picture"},
              413: {"description": "The picture is too large"}, 429: {"description": "Too many requests"},
              503: {"description": "Screenshots cannot be read on this server"}}


@router.post("/api/check/image", response_model=ImageCheckOut | ChatOut, response_model_exclude_none=True,
             responses=UNREADABLE)
async def check_image(request: Request, svc: ServicesDep,
                      chat: bool = False, lang: Annotated[str, Query(pattern="^(vi|en)$")] = "vi") -> Any:
    limited = await _limited(request, svc)
    if limited is not None:
        return limited
    session = None
    if chat:  # the web chat: only a session this server issued
        session = await chat_session.resolve(request, svc, None, create=False)
        if isinstance(session, JSONResponse):
            return session
        limited = await _limited_user(request, svc, session)
        if limited is not None:
            return limited
    c = svc.settings.scamcheck
    data = await read_body(request, int(c.max_image_mb * 1024 * 1024))
    ocr = getattr(svc, "ocr", None)
    if ocr is None:
        raise HTTPException(503, tx(lang, "unreadable"))
    if not data:
        raise HTTPException(422, "empty body: send the picture itself")
    result = await asyncio.to_thread(ocr.read, data)
    del data  # the picture is not kept
    if result.status == "too_large":
        raise HTTPException(413, f"Ảnh quá lớn (tối đa {c.max_image_mb:g} MB, {c.max_megapixels:g} triệu điểm ảnh).")
    if isinstance(session, ChatSession):  # the web chat: a message of the conversation
        msg = InboundMessage(channel="web", user_ref=session.user_ref, platform_msg_id=uuid.uuid4().hex,
                             received_at=datetime.now(UTC), kind="image", text=result.text,
                             meta={"ocr": result.status, "caption": "kiểm tra"})
        replies = await asyncio.to_thread(svc.processor.answer_now, msg)
        return _out(replies or [])
    if not result.ok:
        return JSONResponse({"error": result.status, "message": tx(lang, "unreadable")}, status_code=422)
    from bot.core.privacy.redaction import redact

    checked = await asyncio.to_thread(svc.scam_checker.check, result.text, lang=lang)
    _record(svc, checked)
    return ImageCheckOut.model_validate({**checked.as_dict(), "text": redact(result.text)})
