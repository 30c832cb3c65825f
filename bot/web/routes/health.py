"""Liveness and readiness."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.web.deps import ServicesDep

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(svc: ServicesDep) -> JSONResponse:
    def db_ok() -> bool:
        try:
            with svc.sessions() as s:
                s.execute(text("select 1"))
            return True
        except Exception:
            return False

    ok = await asyncio.to_thread(db_ok)
    body = {"database": "ok" if ok else "unreachable",
            "index": (svc.index_info or {}).get("build_id", ""),
            "channels": ["web", *[s.channel for s in svc.senders]]}
    return JSONResponse({"status": "ready" if ok else "not ready", **body}, status_code=200 if ok else 503)
