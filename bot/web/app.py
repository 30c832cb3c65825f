"""FastAPI app factory and lifespan: migrations and services before serving, workers while serving,
graceful shutdown that lets in-flight work finish."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.bootstrap import Services, build_services
from bot.config import ConfigError, Settings, security_problems
from bot.runtime.background import Background, serving_settings
from bot.web import auth, errors
from bot.web.asgi import BodyLimit
from bot.web.routes import (
    admin,
    admin_kb,
    admin_scam,
    chat,
    check,
    health,
    helpdesk,
    learning,
    metrics,
    outreach,
    pages,
    tickets,
    voice,
    webhooks,
)
from bot.web.security import OperatorOnly, SecurityHeaders, security_headers

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    if settings.app.mode == "production":  # placeholder or weak secrets: refuse to start (binhdan doctor)
        problems = security_problems(settings)
        if problems:
            raise ConfigError("refusing to start in production mode: " + "; ".join(problems))
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc: Services = services if services is not None else await asyncio.to_thread(
            build_services, serving_settings(settings))
        app.state.services = svc
        run = settings.server.run_workers
        bg = Background(svc, process_queues=run, poll_telegram=run, watch_index=True)
        app.state.inbox, app.state.outbox, app.state.background = bg.inbox, bg.outbox, bg
        await bg.start()
        log.info("binhdan serving (channels: web%s)", "".join(f", {s.channel}" for s in svc.senders))
        try:
            yield
        finally:
            await bg.stop(settings.server.shutdown_grace_s)

    app = FastAPI(title="binhdan", lifespan=lifespan, docs_url=None, redoc_url=None, **metrics.fastapi_options())
    max_body = settings.server.max_body_bytes
    max_upload = int(settings.admin.max_upload_mb * 1024 * 1024)  # admin console uploads (routes/admin_kb.py)

    sc = settings.scamcheck
    max_import, max_image = int(sc.max_import_mb * 1024 * 1024), int(sc.max_image_mb * 1024 * 1024) + 1024

    max_file = int(settings.helpdesk.max_file_mb * 1024 * 1024) + 65536  # ticket attachments (issue 22)

    def body_limit(path: str) -> int:
        if path.startswith("/api/tickets/") and path.endswith("/files"):
            return max_file
        if path.startswith("/api/admin/scam/"):
            return max_import  # a CSV of reported items (routes/admin_scam.py)
        if path == "/api/check/image":
            return max_image  # a screenshot to check (routes/check.py)
        if path == "/api/chat/voice":  # a recorded question (issue 23)
            return max(max_body, settings.voice.max_bytes)
        return max_upload if path.startswith(("/api/admin/kb/", "/api/admin/unanswered")) else max_body

    app.add_middleware(BodyLimit, limit_for=body_limit)  # pure ASGI (bot/web/asgi.py): no task per request

    production = settings.app.mode == "production"
    if production:  # issue 25: /metrics and the API description only for operators
        app.add_middleware(OperatorOnly, token=settings.server.metrics_token.get_secret_value(), is_admin=_is_admin)
    app.add_middleware(SecurityHeaders, production=production)  # issue 8: CSP etc.; outermost, so every response

    errors.install(app)  # a refused request (bot.core.errors.DomainError) → its HTTP status, in one place

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"error": "internal error"}, status_code=500,  # no detail: nothing to leak
                            headers={k.decode(): v.decode() for k, v in security_headers(production=production)})

    app.include_router(health.router)
    metrics.install(app)
    app.include_router(webhooks.router)
    app.include_router(chat.router)
    app.include_router(voice.router)
    app.include_router(check.router)
    app.include_router(auth.router)
    app.include_router(tickets.router)
    app.include_router(helpdesk.router)
    app.include_router(learning.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(admin_kb.router)
    app.include_router(admin_scam.router)
    app.include_router(outreach.router)  # issue 21
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


async def _is_admin(request: Request) -> bool:
    """True when the request carries the log-in cookie of an admin (for OperatorOnly)."""
    svc = getattr(request.app.state, "services", None)
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    if svc is None or not token or svc.accounts is None:
        return False
    found = await asyncio.to_thread(svc.accounts.session, token)
    return found is not None and found[0].role == "admin"


def create_app_from_env() -> FastAPI:
    """The app factory of `binhdan serve --workers N` (uvicorn imports it in each worker process):
    settings from BINHDAN_CONFIG and BINHDAN_<SECTION>__<KEY>, as for every other command."""
    from bot.config import load_settings, secret_values
    from bot.infra.logs import setup_logging

    settings = load_settings()
    setup_logging(settings.app.log_level, settings.app.log_format, secrets=secret_values(settings))
    return create_app(settings)
