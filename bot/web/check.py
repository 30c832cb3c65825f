"""POST /api/check: the scam checker for the web chat and for partners (issue 20).

The pasted text is analysed in memory and never stored; the answer is the same JSON object as
`binhdan check-message --json`. Rate-limited per client address like the chat."""

from __future__ import annotations

import asyncio
import math

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.bootstrap import scam_checker_of
from bot.core.texts import t
from bot.web.deps import ServicesDep
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
    result = await asyncio.to_thread(scam_checker_of(svc).check, body.text, lang=body.lang)
    return CheckOut.model_validate(result.as_dict())
