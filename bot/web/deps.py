"""Request helpers shared by the routes."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from bot.bootstrap import Services


async def services(request: Request) -> Services:  # async: FastAPI would run a plain def in a thread
    svc = getattr(request.app.state, "services", None)
    if svc is None:
        raise HTTPException(503, "starting up")
    return svc  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(services)]


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes even without a Content-Length header."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, {"message": "Nội dung gửi lên quá lớn.", "error": "request body too large"})
    return body


def wake(request: Request) -> None:
    inbox: Any = getattr(request.app.state, "inbox", None)
    if inbox is not None:
        inbox.wake.set()


def actor(user: Any) -> str:
    """How the audit log names an account."""
    return f"user:{user.id}"


async def call(fn: Any, *args: Any, **kw: Any) -> Any:
    """Run blocking work off the event loop. A refused request (DomainError) propagates to the app's one
    handler (bot/web/errors.py), which answers it with its HTTP status."""
    return await asyncio.to_thread(fn, *args, **kw)
