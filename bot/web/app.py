"""FastAPI app factory and lifespan: migrations and services before serving, workers while serving,
graceful shutdown that lets in-flight work finish."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.bootstrap import Services, build_services
from bot.config import Settings
from bot.runtime import InboxWorker, OutboxWorker
from bot.web import chat, health, webhooks

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


async def _telegram_poller(services: Services, inbox: InboxWorker, stopping: asyncio.Event) -> None:
    from bot.channels.telegram import parse_update

    tg = services.telegram
    offset = 0
    while not stopping.is_set():
        try:
            updates, offset = await tg.poll(offset, timeout=services.settings.telegram.poll_timeout_s)
        except Exception as exc:  # network trouble: wait and poll again
            log.warning("telegram polling failed: %s", exc)
            await asyncio.sleep(2.0)
            continue
        stored = 0
        for u in updates:
            msg = parse_update(u)
            if msg is not None and await asyncio.to_thread(services.processor.accept, msg) is not None:
                stored += 1
        if stored:
            inbox.wake.set()


def create_app(settings: Settings, *, services: Services | None = None) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        svc: Services = services if services is not None else await asyncio.to_thread(build_services, settings)
        app.state.services = svc
        outbox = OutboxWorker(svc.store, svc.senders)
        inbox = InboxWorker(svc.processor, on_processed=outbox.wake)
        app.state.inbox, app.state.outbox = inbox, outbox
        tasks: list[asyncio.Task[Any]] = []
        stopping = asyncio.Event()
        for sender in svc.senders:
            try:
                await sender.start()
            except Exception as exc:  # the web chat still serves; sends are retried later
                log.error("channel %s could not start: %s", sender.channel, exc)
        if svc.telegram is not None:
            tg = settings.telegram
            try:
                if tg.webhook_url:
                    await svc.telegram.set_webhook(tg.webhook_url, tg.webhook_secret)
                elif settings.server.run_workers:
                    await svc.telegram.delete_webhook()
            except Exception as exc:
                log.error("telegram webhook setup failed: %s", exc)
            if not tg.webhook_url and settings.server.run_workers:
                tasks.append(asyncio.create_task(_telegram_poller(svc, inbox, stopping), name="telegram-poller"))
        if settings.server.run_workers:
            tasks.append(asyncio.create_task(inbox.run(), name="inbox"))
            tasks.append(asyncio.create_task(outbox.run(), name="outbox"))
        log.info("binhdan serving (channels: web%s)", "".join(f", {s.channel}" for s in svc.senders))
        try:
            yield
        finally:
            stopping.set()
            inbox.stop()
            outbox.stop()
            _, pending = await asyncio.wait(tasks, timeout=10) if tasks else (set(), set())
            for t in pending:
                t.cancel()
            for sender in svc.senders:
                with contextlib.suppress(Exception):
                    await sender.stop()

    app = FastAPI(title="binhdan", lifespan=lifespan, docs_url=None, redoc_url=None)
    max_body = settings.server.max_body_bytes

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Any) -> Any:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_body:
            return JSONResponse({"error": "request body too large"}, status_code=413)
        return await call_next(request)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return JSONResponse({"error": "internal error"}, status_code=500)

    app.include_router(health.router)
    app.include_router(webhooks.router)
    app.include_router(chat.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
