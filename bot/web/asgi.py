"""Small pure-ASGI middlewares. Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) runs every
request through an extra task and memory streams: on the webhook path that was about a sixth of the
server's CPU (py-spy, bench/webhook_ack.py). These do their check on the ASGI scope and get out of the way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse

TOO_LARGE_VI = "Nội dung gửi lên quá lớn."


class BodyLimit:
    """Answers 413 when a request's Content-Length is over the limit for its path, before anything reads
    the body (a body without Content-Length is still capped by `deps.read_body`)."""

    def __init__(self, app: Any, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers", ()):
                if name == b"content-length":
                    if value.isdigit() and int(value) > self.limit_for(str(scope.get("path", ""))):
                        too_large = {"error": "request body too large", "message": TOO_LARGE_VI}
                        await JSONResponse(too_large, status_code=413)(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
