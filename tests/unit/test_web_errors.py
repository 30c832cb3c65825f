"""The one error handler (bot/web/errors.py): every domain error kind has its HTTP status, the body is
FastAPI's `{"detail": …}`, and a refused knowledge-base change keeps its list of problems."""

from __future__ import annotations

import typing

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.core.admin import KbError
from bot.core.errors import KINDS, Conflict, DomainError, Forbidden, Invalid, Kind, NotFound, TooLarge, Unprocessable
from bot.core.handoff import TicketError
from bot.web import errors


def test_every_kind_has_one_status() -> None:
    assert set(KINDS) == set(typing.get_args(Kind)) == set(errors.STATUS)
    assert [c.kind for c in (Invalid, Forbidden, NotFound, Conflict, TooLarge, Unprocessable, TicketError)] == [
        "invalid", "forbidden", "not_found", "conflict", "too_large", "unprocessable", "invalid"]


@pytest.mark.parametrize("exc,status,detail", [
    (TicketError("text must not be empty"), 400, "text must not be empty"),
    (Forbidden("this ticket belongs to another commune"), 403, "this ticket belongs to another commune"),
    (NotFound("no such ticket"), 404, "no such ticket"),
    (Conflict("ticket is closed"), 409, "ticket is closed"),
    (KbError("Bài có lỗi, chưa lưu.", ["thiếu tiêu đề"]), 422,
     {"message": "Bài có lỗi, chưa lưu.", "errors": ["thiếu tiêu đề"], "preview": None}),
    (KbError("Không tìm thấy bài đã đăng này.", kind="not_found"), 404,
     {"message": "Không tìm thấy bài đã đăng này.", "errors": ["Không tìm thấy bài đã đăng này."], "preview": None}),
    (KbError("Bài quá dài.", kind="too_large"), 413, {"message": "Bài quá dài.", "errors": ["Bài quá dài."], "preview": None}),
])
def test_a_domain_error_is_answered_with_its_status(exc: DomainError, status: int, detail: object) -> None:
    app = FastAPI()
    errors.install(app)

    @app.get("/x")
    async def route() -> None:
        raise exc

    r = TestClient(app).get("/x")
    assert (r.status_code, r.json()) == (status, {"detail": detail})
