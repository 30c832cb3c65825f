"""Zalo Official Account (Open API v3) with a plain httpx client.

Inbound: `X-ZEvent-Signature: mac=<sha256_hex(app_id + raw body + body.timestamp + OA secret key)>`
(plain SHA-256, not HMAC), compared in constant time on the raw bytes. Outbound: `POST
{api_base_url}/v3.0/oa/message/cs` with the `access_token` header; errors arrive as HTTP 200 with a
non-zero `error`. Access tokens are refreshed before expiry through OAuth v4; the refresh token works
once and rotates, so the new pair is persisted before use and refreshes are serialised — across worker
processes too: the token row is held in the database while a refresh runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import httpx

from bot.channels.base import SendError, source_line, split_text
from bot.channels.export_file import FILE_STEM, export_csv, split_export
from bot.core.messages import InboundMessage, Reply
from bot.core.texts import t

log = logging.getLogger(__name__)

MAX_TEXT = 2000
MAX_BUTTONS = 5
TOKEN_NAME = "zalo_oa"
RETRYABLE = {-32, -100}
TOKEN_ERRORS = {-216, -220}
WINDOW_ERRORS = {-213, -217, -227, -230, -232, -234, -244}
USER_TEXT_EVENTS = {"user_send_text", "user_send_link"}
UNSUPPORTED_EVENTS = {"user_send_image", "user_send_gif", "user_send_sticker", "user_send_file",
                      "user_send_location", "user_send_audio", "user_send_video", "user_send_business_card"}


_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*"?(\d{1,20})"?')


def signature_ok(raw: bytes, header: str | None, *, app_id: str, oa_secret_key: str) -> bool:
    """True when `header` is the mac of the raw body. The timestamp term is found in the raw bytes without
    parsing them (a hostile body must not reach the JSON parser before it is authenticated); the caller
    judges freshness on the parsed top-level `timestamp` (`fresh`)."""
    if not header or not app_id or not oa_secret_key:
        return False
    provided = header.strip()
    if provided.lower().startswith("mac="):
        provided = provided[4:]
    provided_b = provided.lower().encode()
    candidates = list(dict.fromkeys(m.group(1) for m in _TIMESTAMP.finditer(raw)))[:4]  # a handful at most
    ok = False
    for ts in candidates:
        expected = hashlib.sha256(app_id.encode() + raw + ts + oa_secret_key.encode()).hexdigest()
        ok = hmac.compare_digest(expected.encode(), provided_b) or ok
    return ok


def event_time(data: dict[str, Any]) -> datetime | None:
    """When Zalo sent the event (`timestamp`: epoch milliseconds as a string), or None when absent."""
    ts = str(data.get("timestamp") or "")
    if not ts.isdigit() or len(ts) > 16:
        return None
    value = int(ts)
    return datetime.fromtimestamp(value / 1000 if len(ts) >= 12 else value, UTC)


def fresh(data: dict[str, Any], *, max_age_s: float, now: datetime | None = None) -> bool:
    """True when the event's timestamp is within `max_age_s` of now (either way): an older signed event is a
    replay. `max_age_s` 0 switches the check off."""
    if max_age_s <= 0:
        return True
    when = event_time(data)
    if when is None:
        return False
    return abs(((now or datetime.now(UTC)) - when).total_seconds()) <= max_age_s


def parse_event(data: dict[str, Any]) -> InboundMessage | None:
    """A webhook event as a neutral message; None for echoes (oa_send_*), receipts and unknown events."""
    event = str(data.get("event_name") or "")
    ts = str(data.get("timestamp") or "")
    when = datetime.fromtimestamp(int(ts) / 1000, UTC) if ts.isdigit() else datetime.now(UTC)
    if event == "follow":
        uid = str((data.get("follower") or {}).get("id") or "")
        return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=f"follow:{uid}:{ts}",
                              received_at=when, kind="follow") if uid else None
    if not event.startswith("user_send_"):
        return None  # oa_send_* echoes of our own messages, receipts, unfollow, …
    uid = str((data.get("sender") or {}).get("id") or "")
    message = data.get("message") or {}
    msg_id = str(message.get("msg_id") or "")
    if not uid or not msg_id:
        return None
    meta = {"reply_to": msg_id}
    if event == "user_send_audio":  # a voice message: the runtime queues it for the recogniser (issue 23)
        urls = [str((att.get("payload") or {}).get("url") or "") for att in (message.get("attachments") or [])
                if isinstance(att, dict)]
        if urls and urls[0].startswith(("https://", "http://")):
            return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=msg_id, received_at=when,
                                  kind="voice", meta={**meta, "audio": urls[0][:2000]})
    if event in USER_TEXT_EVENTS:
        text = str(message.get("text") or "")
        if text.startswith("#a:"):  # a tap on one of our oa.query.hide buttons
            return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=msg_id, received_at=when,
                                  kind="action", action=text[3:][:200], meta=meta)
        if event == "user_send_link":  # a shared link: the scam checker looks at it at once (issue 20)
            meta["forwarded"] = "link"
            links = [str((att.get("payload") or {}).get(k) or "") for att in (message.get("attachments") or [])
                     if isinstance(att, dict) for k in ("url", "title", "description")]
            text = " ".join(x for x in [text, *links] if x and x not in text)[:4000]
        kind = "command" if text.startswith("/") else "text"
        return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=msg_id, received_at=when, kind=kind,
                              text=text, meta=meta)
    if event == "user_send_image":  # a screenshot: the runtime downloads and reads it (issue 20)
        urls = [str((att.get("payload") or {}).get("url") or "") for att in (message.get("attachments") or [])
                if isinstance(att, dict)]
        if urls and urls[0].startswith(("https://", "http://")):
            return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=msg_id, received_at=when,
                                  kind="image", text=str(message.get("text") or "")[:1000],
                                  meta={**meta, "image": urls[0][:2000]})
    return InboundMessage(channel="zalo", user_ref=uid, platform_msg_id=msg_id, received_at=when,
                          kind="unsupported", meta=meta)


class TokenPersistence(Protocol):
    def get(self, name: str) -> Any: ...

    def save(self, name: str, token: Any) -> None: ...

    def exclusive(self, name: str) -> AbstractContextManager[Any]:
        """Hold the token across processes; the held object has `.token` and `.save(token)`."""
        ...


class ZaloSender:
    channel = "zalo"
    window_s = 7 * 24 * 3600  # consultation messages only within 7 days of the user's last interaction

    def __init__(self, *, app_id: str, app_secret: str, access_token: str, refresh_token: str,
                 api_base_url: str = "https://openapi.zalo.me",
                 oauth_base_url: str = "https://oauth.zaloapp.com", store: TokenPersistence,
                 token_factory: Any, refresh_margin_s: float = 3600.0, timeout_s: float = 15.0,
                 clip_link: Callable[[Reply], str] | None = None) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        # The OA API sends pictures and documents, not audio: an answer read aloud goes as a link to its
        # short-lived clip (issue 23); "" when there is no public URL, and then the text is sent.
        self.clip_link = clip_link
        self.api = api_base_url.rstrip("/")
        self.oauth = oauth_base_url.rstrip("/")
        self.store = store
        self.token_factory = token_factory  # (access, refresh, expires_at) -> Token
        self.margin = timedelta(seconds=refresh_margin_s)
        self._lock = asyncio.Lock()
        self._client = httpx.AsyncClient(timeout=timeout_s)
        self._timeout_s = timeout_s
        if store.get(TOKEN_NAME) is None and access_token:
            # Configured tokens seed the store once; from then on the rotated pair in the store wins.
            store.save(TOKEN_NAME, token_factory(access_token, refresh_token,
                                                 datetime.now(UTC) + timedelta(hours=24)))

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await self._client.aclose()

    async def _refresh(self, stale_access: str) -> str:
        # One refresh at a time in this process (asyncio lock) and across processes (the token row is
        # held in the database while the refresh runs: the refresh token works only once).
        async with self._lock:
            return await asyncio.to_thread(self._refresh_held, stale_access)

    def _refresh_held(self, stale_access: str) -> str:
        with self.store.exclusive(TOKEN_NAME) as held:
            current = held.token
            if current is not None and current.access_token != stale_access:
                return str(current.access_token)  # another worker refreshed meanwhile
            if current is None or not current.refresh_token:
                raise SendError("zalo: no refresh token; an OA admin must authorise the app again")
            try:
                r = httpx.post(
                    f"{self.oauth}/v4/oa/access_token", headers={"secret_key": self.app_secret},
                    data={"refresh_token": current.refresh_token, "app_id": self.app_id,
                          "grant_type": "refresh_token"}, timeout=self._timeout_s)
                body = r.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SendError(f"zalo token refresh failed: {exc}", retry_after=30.0) from exc
            if not body.get("access_token") or not body.get("refresh_token"):
                raise SendError(f"zalo token refresh refused: {body.get('error')} {body.get('error_description', '')}")
            expires = datetime.now(UTC) + timedelta(seconds=int(str(body.get("expires_in") or "90000")))
            token = self.token_factory(body["access_token"], body["refresh_token"], expires)
            held.save(token)  # committed when the block ends, before the new access token is ever used
        log.info("zalo access token refreshed; valid until %s", expires.isoformat())
        return str(body["access_token"])

    async def _access_token(self) -> str:
        tok = self.store.get(TOKEN_NAME)
        if tok is None:
            raise SendError("zalo: no access token configured")
        if tok.expires_at - datetime.now(UTC) < self.margin:
            return await self._refresh(tok.access_token)
        return str(tok.access_token)

    def _body(self, user_ref: str, text: str, reply: Reply | None, reply_to: str) -> dict[str, Any]:
        recipient = {"message_id": reply_to} if reply_to else {"user_id": user_ref}
        message: dict[str, Any] = {"text": text}
        if reply is not None and reply.buttons:
            buttons = [{"title": b.title[:100], "type": "oa.query.hide", "payload": f"#a:{b.action}"[:1000]}
                       for b in reply.buttons[:MAX_BUTTONS]]
            message["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
        return {"recipient": recipient, "message": message}

    async def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        token = await self._access_token()
        for attempt in range(2):
            try:
                r = await self._client.post(f"{self.api}/v3.0/oa/message/cs", json=body,
                                            headers={"access_token": token})
                data: dict[str, Any] = r.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SendError(f"zalo network error: {exc}", retry_after=10.0) from exc
            code = int(data.get("error", 0) or 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and attempt == 0:
                token = await self._refresh(token)
                continue
            if code in RETRYABLE:
                raise SendError(f"zalo error {code}: {data.get('message')}", retry_after=30.0)
            if code in WINDOW_ERRORS:
                raise SendError(f"zalo: outside the interaction window ({code}: {data.get('message')})")
            raise SendError(f"zalo error {code}: {data.get('message')}")
        raise SendError("zalo: access token rejected after refresh")

    async def _upload_file(self, data: bytes, name: str, mime: str) -> str:
        """POST /v2.0/oa/upload/file (PDF/DOC/DOCX/CSV ≤ 5 MB) -> the attachment token; "" if refused."""
        token = await self._access_token()
        try:
            r = await self._client.post(f"{self.api}/v2.0/oa/upload/file", headers={"access_token": token},
                                        files={"file": (name, data, mime)})
            body: dict[str, Any] = r.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SendError(f"zalo network error: {exc}", retry_after=10.0) from exc
        if int(body.get("error", 0) or 0) != 0:
            log.warning("zalo file upload refused: %s %s", body.get("error"), str(body.get("message"))[:100])
            return ""
        return str((body.get("data") or {}).get("token") or "")

    async def _send_export(self, user_ref: str, reply: Reply, reply_to: str) -> str | None:
        """/dulieu: the export as a CSV file (Zalo takes no JSON); None = send it as text instead."""
        _, body = split_export(reply.text)
        data = export_csv(body)
        if data is None:
            return None
        token = await self._upload_file(data, f"{FILE_STEM}.csv", "text/csv")
        if not token:
            return None
        await self._post(self._body(user_ref, t(reply.lang, "pd_file"), None, reply_to))
        sent = await self._post({"recipient": {"user_id": user_ref},
                                 "message": {"attachment": {"type": "file", "payload": {"token": token}}}})
        return str((sent.get("data") or {}).get("message_id") or "")

    async def send(self, user_ref: str, reply: Reply, meta: dict[str, object]) -> str:
        if reply.kind == "export":
            sent = await self._send_export(user_ref, reply, str(meta.get("reply_to") or ""))
            if sent is not None:
                return sent
        if reply.audio:
            link = self.clip_link(reply) if self.clip_link is not None else ""
            reply = replace(reply, text=link or reply.text, audio="")
        src = source_line(reply)
        text = reply.text + (f"\n\n{src}" if src else "")
        if len(reply.buttons) > MAX_BUTTONS:  # Zalo shows 5 buttons: number the rest in the text
            extra = reply.buttons[MAX_BUTTONS:]
            text += "\n" + "\n".join(f"{MAX_BUTTONS + i}. {b.title}" for i, b in enumerate(extra, 1))
        parts = split_text(text.replace("**", ""), MAX_TEXT)
        reply_to = str(meta.get("reply_to") or "")
        last = ""
        for i, part in enumerate(parts):
            data = await self._post(self._body(user_ref, part, reply if i == len(parts) - 1 else None,
                                               reply_to if i == 0 else ""))
            last = str((data.get("data") or {}).get("message_id") or "")
        return last
