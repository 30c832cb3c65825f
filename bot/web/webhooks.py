"""POST /webhooks/telegram and /webhooks/zalo: verify before parsing, store in the inbox, answer 200."""

from __future__ import annotations

import asyncio
import json
import logging

from fastapi import APIRouter, Request, Response

from bot.channels import telegram, zalo
from bot.web.deps import ServicesDep, read_body, wake

log = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks")


@router.post("/telegram")
async def telegram_webhook(request: Request, svc: ServicesDep) -> Response:
    s = svc.settings
    if not s.telegram.token or not telegram.verify_secret(
            request.headers.get("x-telegram-bot-api-secret-token"), s.telegram.webhook_secret):
        return Response(status_code=403)
    raw = await read_body(request, s.server.max_body_bytes)
    try:
        data = json.loads(raw)
    except ValueError:
        return Response(status_code=400)
    if not isinstance(data, dict):
        return Response(status_code=400)
    msg = telegram.parse_update(data)
    if msg is not None and await asyncio.to_thread(svc.processor.accept, msg) is not None:
        wake(request)
    return Response(status_code=200)


@router.post("/zalo")
async def zalo_webhook(request: Request, svc: ServicesDep) -> Response:
    z = svc.settings.zalo
    raw = await read_body(request, svc.settings.server.max_body_bytes)
    if not z.enabled or not zalo.signature_ok(raw, request.headers.get("x-zevent-signature"),
                                              app_id=z.app_id, oa_secret_key=z.oa_secret_key):
        return Response(status_code=403)
    try:
        data = json.loads(raw)
    except ValueError:
        return Response(status_code=400)
    if not isinstance(data, dict) or str(data.get("app_id", z.app_id)) != z.app_id:
        return Response(status_code=400)
    msg = zalo.parse_event(data)
    if msg is not None and await asyncio.to_thread(svc.processor.accept, msg) is not None:
        wake(request)
    return Response(status_code=200)
