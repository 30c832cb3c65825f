"""GET /metrics (Prometheus text format) and the middleware that counts requests by route template.

`install(app)` adds both. The route label is the template (`/api/tickets/{ticket_id}`), never the raw
path, so the number of series stays bounded whatever clients send."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.infra.metrics import HTTP_REQUESTS, HTTP_SECONDS, QUEUES, scrape_registry

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    svc = getattr(request.app.state, "services", None)
    if svc is not None:
        QUEUES.source = svc.store.queue_depth
    body = await asyncio.to_thread(generate_latest, scrape_registry())
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _route(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "/static" if str(scope.get("path", "")).startswith("/static/") else "unmatched"


class MetricsMiddleware:
    """Pure ASGI (no per-request task or body copy): counts and times every HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route, method = _route(scope), str(scope.get("method", ""))
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_SECONDS.labels(method=method, route=route).observe(time.perf_counter() - started)


def fastapi_options() -> dict[str, Any]:
    """FastAPI's own OpenTelemetry instrumentation switched off (newer FastAPI only): the metrics here are
    Prometheus, and its per-request check for a configured provider cost ~6% of the webhook path's CPU."""
    import inspect

    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    return {"telemetry": {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}}


def install(app: FastAPI) -> None:
    app.add_middleware(MetricsMiddleware)
    app.include_router(router)
