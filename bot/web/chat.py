"""The web chat: GET / (the page), POST /api/chat, GET /api/chat/{session_id}/updates (long-poll)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, model_validator

from bot.core.messages import InboundMessage
from bot.web.deps import ServicesDep

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


class ChatOut(BaseModel):
    replies: list[ReplyOut]


def _out(replies: list) -> ChatOut:  # type: ignore[type-arg]
    return ChatOut(replies=[ReplyOut(text=r.text, buttons=[ButtonOut(title=b.title, action=b.action) for b in r.buttons],
                                     sources=[SourceOut(doc_id=s.doc_id, title=s.title, url=s.url) for s in r.sources])
                            for r in replies])


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.post("/api/chat", response_model=ChatOut)
async def chat(body: ChatIn, svc: ServicesDep) -> ChatOut:
    msg = InboundMessage(
        channel="web", user_ref=body.session_id, platform_msg_id=body.message_id or uuid.uuid4().hex,
        received_at=datetime.now(UTC), kind="action" if body.action is not None else "text",
        text=body.text or "", action=body.action or "",
    )
    inbox_id = await asyncio.to_thread(svc.processor.accept, msg)
    if inbox_id is None:  # the same message_id again: answer with what was answered
        inbox_id = await asyncio.to_thread(svc.store.find_inbound, "web", msg.platform_msg_id)
        if inbox_id is None:
            raise HTTPException(409, "duplicate message")
    replies = await asyncio.to_thread(svc.processor.process_now, inbox_id)
    return _out(replies)


@router.get("/api/chat/{session_id}/updates", response_model=ChatOut)
async def updates(session_id: Annotated[str, PathParam(pattern=SESSION)], svc: ServicesDep,
                  wait: Annotated[float, Query(ge=0, le=30)] = 25.0) -> ChatOut:
    """Replies that arrived later (e.g. from a volunteer). Long-polls up to `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        replies = await asyncio.to_thread(svc.store.take_web_updates, session_id)
        if replies or time.monotonic() >= deadline:
            return _out(replies)
        await asyncio.sleep(0.5)
