"""POST /webhooks/telegram and /webhooks/zalo: verify before parsing, store in the inbox, answer 200.

Order (issue 25): the body is read with a size cap (413), the secret header / the mac over the raw bytes is
checked (403) before any JSON parsing, the JSON is parsed with a nesting limit (400), and a Zalo event whose
timestamp is outside `zalo.max_event_age_s` is a replay (403). Nothing is stored for a refused request."""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request, Response

from bot.channels import telegram, zalo
from bot.channels.payloads import PayloadError, load_object
from bot.web.deps import ServicesDep, read_body, wake

log = logging.getLogger(__name__)
router = APIRouter(prefix="/webhooks")


@router.post("/telegram")
async def telegram_webhook(request: Request, svc: ServicesDep) -> Response:
    s = svc.settings
    if not s.telegram.token or not telegram.verify_secret(
            request.headers.get("x-telegram-bot-api-secret-token"), s.telegram.webhook_secret.get_secret_value()):
        return Response(status_code=403)
    raw = await read_body(request, s.server.max_body_bytes)
    try:
        data = load_object(raw)
    except PayloadError as exc:
        log.info("telegram webhook: refused body (%s)", exc)
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
                                              app_id=z.app_id, oa_secret_key=z.oa_secret_key.get_secret_value()):
        return Response(status_code=403)
    try:
        data = load_object(raw)
    except PayloadError as exc:
        log.info("zalo webhook: refused body (%s)", exc)
        return Response(status_code=400)
    if str(data.get("app_id", z.app_id)) != z.app_id:
        return Response(status_code=400)
    if not zalo.fresh(data, max_age_s=z.max_event_age_s):
        log.warning("zalo webhook: signed event outside the %ss window refused (replay?)", z.max_event_age_s)
        return Response(status_code=403)
    msg = zalo.parse_event(data)
    if msg is not None and await asyncio.to_thread(svc.processor.accept, msg) is not None:
        wake(request)
    return Response(status_code=200)
