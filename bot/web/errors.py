"""The one place where a refused request becomes an HTTP answer: every `DomainError` the core or a
repository raises (bot/core/errors.py) is answered `{"detail": …}` with the status of its kind — the same
body FastAPI gives an HTTPException, so routes need no try/except of their own."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.core.errors import DomainError, Kind

STATUS: dict[Kind, int] = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409, "too_large": 413,
                           "unprocessable": 422}


async def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse({"detail": exc.detail()}, status_code=STATUS[exc.kind])


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, domain_error)
