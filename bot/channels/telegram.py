"""Telegram: webhook secret check, Update parsing, and sending through python-telegram-bot's `Bot`
(base URL configurable, so tests drive it against a local fake Bot API)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.channels.base import SendError, split_text
from bot.channels.export_file import FILE_STEM, split_export
from bot.core.messages import InboundMessage, Reply
from bot.core.texts import t

MAX_TEXT = 4096
MAX_CAPTION = 1000  # a photo caption holds 1,024 characters
MAX_CALLBACK_BYTES = 64


def verify_secret(header: str | None, secret: str) -> bool:
    """Constant-time comparison of `X-Telegram-Bot-Api-Secret-Token` with the configured secret."""
    if not secret:
        return False
    return hmac.compare_digest((header or "").encode(), secret.encode())


def parse_update(data: dict[str, Any]) -> InboundMessage | None:
    """An Update as a neutral message, or None for updates we do not handle (edits, channel posts…)."""
    update_id = data.get("update_id")
    if not isinstance(update_id, int):
        return None
    if "callback_query" in data:
        cq = data["callback_query"] or {}
        chat = ((cq.get("message") or {}).get("chat") or {}).get("id") or (cq.get("from") or {}).get("id")
        if chat is None:
            return None
        return InboundMessage(channel="telegram", user_ref=str(chat), platform_msg_id=str(update_id),
                              received_at=datetime.now(UTC), kind="action", action=str(cq.get("data") or "")[:64],
                              display_name=str((cq.get("from") or {}).get("first_name") or ""),
                              meta={"callback_query_id": str(cq.get("id") or "")})
    msg = data.get("message")
    if not isinstance(msg, dict):
        return None
    chat = (msg.get("chat") or {}).get("id")
    if chat is None or (msg.get("chat") or {}).get("type", "private") != "private":
        return None
    when = datetime.fromtimestamp(int(msg.get("date") or 0), UTC) if msg.get("date") else datetime.now(UTC)
    name = str((msg.get("from") or {}).get("first_name") or "")
    voice = _voice_note(msg)
    if voice:  # a voice note or an audio file: the runtime queues it for the recogniser (issue 23)
        return InboundMessage(channel="telegram", user_ref=str(chat), platform_msg_id=str(update_id),
                              received_at=when, kind="voice", display_name=name, meta=voice)
    text = msg.get("text")
    if isinstance(text, str):
        kind = "command" if text.startswith("/") else "text"
        meta: dict[str, str] = {}
        replied = (msg.get("reply_to_message") or {}).get("text")
        if isinstance(replied, str) and (m := re.search(r"#(\d{1,10})\b", replied)):
            meta["reply_ticket"] = m.group(1)  # a volunteer answering a ticket's message
        if any(k in msg for k in ("forward_origin", "forward_from", "forward_from_chat", "forward_date",
                                  "forward_sender_name")):
            meta["forwarded"] = "1"  # the scam checker looks at forwarded messages at once (issue 20)
        return InboundMessage(channel="telegram", user_ref=str(chat), platform_msg_id=str(update_id),
                              received_at=when, kind=kind, text=text, display_name=name, meta=meta)
    image = _image_file(msg)
    if image:  # a screenshot: the runtime downloads and reads it (issue 20); the caption rides along
        meta = {"image": image, **({"forwarded": "1"} if "forward_origin" in msg or "forward_date" in msg else {})}
        return InboundMessage(channel="telegram", user_ref=str(chat), platform_msg_id=str(update_id),
                              received_at=when, kind="image", text=str(msg.get("caption") or "")[:MAX_CAPTION],
                              display_name=name, meta=meta)
    return InboundMessage(channel="telegram", user_ref=str(chat), platform_msg_id=str(update_id), received_at=when,
                          kind="unsupported", display_name=name)


def _image_file(msg: dict[str, Any]) -> str:
    """`tg:<file_id>` of the largest size of a photo (or of a picture sent as a file), else ""."""
    photos = [p for p in msg.get("photo") or [] if isinstance(p, dict) and p.get("file_id")]
    if photos:
        best = max(photos, key=lambda p: int(p.get("width") or 0) * int(p.get("height") or 0))
        return f"tg:{best['file_id']}"
    doc = msg.get("document") or {}
    if isinstance(doc, dict) and str(doc.get("mime_type") or "").startswith("image/") and doc.get("file_id"):
        return f"tg:{doc['file_id']}"
    return ""


def download_file(token: str, file_id: str, *, api_base_url: str = "https://api.telegram.org",
                  max_bytes: int, timeout_s: float = 20.0) -> bytes:
    """A file a citizen sent: getFile, then GET <base>/file/bot<token>/<file_path> (blocking; bounded).
    Raises bot.channels.files.DownloadError."""
    import httpx

    from bot.channels.files import DownloadError, download

    base = api_base_url.rstrip("/")
    try:
        r = httpx.post(f"{base}/bot{token}/getFile", json={"file_id": file_id}, timeout=timeout_s)
        info = r.json().get("result") or {} if r.status_code == 200 else {}
    except (httpx.HTTPError, ValueError) as exc:
        raise DownloadError("failed", exc.__class__.__name__) from None
    if int(info.get("file_size") or 0) > max_bytes:
        raise DownloadError("too_large")
    path = str(info.get("file_path") or "")
    if not path:
        raise DownloadError("failed", "no file_path")
    return download(f"{base}/file/bot{token}/{path}", max_bytes=max_bytes, timeout_s=timeout_s)


def to_html(text: str) -> str:
    """Plain text to Telegram HTML: escape, then bold the **…** spans our guides use."""
    out = html.escape(text, quote=False)
    parts = out.split("**")
    return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts)) if len(parts) % 2 else out


class TelegramSender:
    channel = "telegram"

    def __init__(self, token: str, *, api_base_url: str = "https://api.telegram.org",
                 images: Callable[[str], bytes | None] | None = None,
                 files: Callable[[str], tuple[bytes, str] | None] | None = None,
                 voices: Callable[[str], bytes | None] | None = None) -> None:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        base = api_base_url.rstrip("/")
        self.bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot",
                       request=HTTPXRequest(connection_pool_size=8, read_timeout=30, connect_timeout=10))
        self.images = images  # a reply's `image` link -> PNG bytes (certificates), sent with sendPhoto
        self.files = files  # "file:<id>" -> (bytes, mime): a volunteer's picture or PDF (issue 22)
        self.voices = voices  # a reply's `audio` path -> OGG/Opus bytes (answers read aloud), sent with sendVoice

    async def start(self) -> None:
        await self.bot.initialize()

    async def stop(self) -> None:
        await self.bot.shutdown()

    def _keyboard(self, reply: Reply) -> Any:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        rows = []
        for b in reply.buttons:
            data = b.action.encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore")
            rows.append([InlineKeyboardButton(b.title[:64], callback_data=data)])
        return InlineKeyboardMarkup(rows) if rows else None

    async def send(self, user_ref: str, reply: Reply, meta: dict[str, object]) -> str:
        from telegram.constants import ParseMode
        from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

        cq = str(meta.get("callback_query_id") or "")
        try:
            if cq:
                with contextlib.suppress(BadRequest):  # too old to answer: harmless
                    await self.bot.answer_callback_query(cq)
            chat_id = int(user_ref) if user_ref.lstrip("-").isdigit() else user_ref
            if reply.image.startswith("file:") and self.files is not None:
                return await self._send_file(chat_id, reply)
            if reply.kind == "export":  # /dulieu: the JSON as a file, not pages of text
                _, body = split_export(reply.text)
                sent = await self.bot.send_document(chat_id=chat_id, document=body.encode("utf-8"),
                                                    filename=f"{FILE_STEM}.json", caption=t(reply.lang, "pd_file"))
                return str(sent.message_id)
            voice = await asyncio.to_thread(self.voices, reply.audio) if reply.audio and self.voices else None
            if voice is not None:  # an answer read aloud: a voice note, its buttons under it
                sent = await self.bot.send_voice(chat_id=chat_id, voice=voice, filename="tra-loi.ogg",
                                                 reply_markup=self._keyboard(reply))
                return str(sent.message_id)
            photo = await asyncio.to_thread(self.images, reply.image) if reply.image and self.images else None
            if photo is not None:  # a certificate: the picture, with the text as its caption when it fits
                fits = len(reply.text) <= MAX_CAPTION
                sent = await self.bot.send_photo(chat_id=chat_id, photo=photo, filename="chung-nhan.png",
                                                 caption=to_html(reply.text) if fits else None,
                                                 parse_mode=ParseMode.HTML if fits else None,
                                                 reply_markup=self._keyboard(reply) if fits else None)
                if fits:
                    return str(sent.message_id)
            parts = [to_html(p) for p in split_text(reply.text, MAX_TEXT - 300)]
            if reply.sources:
                src = reply.sources[0]
                label = t(reply.lang, "source")
                title = html.escape(src.title, quote=False)
                link = f'<a href="{html.escape(src.url)}">{title}</a>' if src.url.startswith("http") else title
                parts[-1] += f"\n\n{label}: {link}"
            last = None
            for i, part in enumerate(parts):
                markup = self._keyboard(reply) if i == len(parts) - 1 else None
                last = await self.bot.send_message(chat_id=int(user_ref) if user_ref.lstrip("-").isdigit() else user_ref,
                                                   text=part, parse_mode=ParseMode.HTML,
                                                   reply_markup=markup, disable_web_page_preview=True)
            return str(last.message_id) if last is not None else ""
        except RetryAfter as exc:
            ra = exc.retry_after
            seconds = ra.total_seconds() if hasattr(ra, "total_seconds") else float(ra)
            raise SendError(f"telegram rate limit: retry after {seconds}s", retry_after=seconds) from exc
        except Forbidden as exc:
            raise SendError(f"telegram: the user blocked the bot ({exc.message})") from exc
        except (TimedOut, NetworkError) as exc:
            raise SendError(f"telegram network error: {exc}", retry_after=5.0) from exc
        except TelegramError as exc:
            raise SendError(f"telegram error: {exc}") from exc

    async def _send_file(self, chat_id: int | str, reply: Reply) -> str:
        """A volunteer's picture (sendPhoto) or PDF (sendDocument), the text as caption."""
        found = await asyncio.to_thread(self.files, reply.image[5:]) if self.files else None
        if found is None:
            raise SendError("the file is gone (erased or expired)")
        data, mime = found
        caption = reply.text[:MAX_CAPTION]
        if mime.startswith("image/"):
            ext = "jpg" if mime == "image/jpeg" else "png"
            sent = await self.bot.send_photo(chat_id=chat_id, photo=data, filename=f"anh.{ext}", caption=caption)
        else:
            sent = await self.bot.send_document(chat_id=chat_id, document=data, filename="huong-dan.pdf",
                                                caption=caption)
        return str(sent.message_id)

    async def typing(self, user_ref: str) -> None:
        """Show "typing…" in the citizen's chat (about 5 s, or until the next message). Best effort."""
        from telegram.error import TelegramError

        chat_id = int(user_ref) if user_ref.lstrip("-").isdigit() else user_ref
        with contextlib.suppress(TelegramError):
            await self.bot.send_chat_action(chat_id=chat_id, action="typing")

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=["message", "callback_query"])

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def poll(self, offset: int, timeout: int = 20) -> tuple[list[dict[str, Any]], int]:
        """One getUpdates long-poll. Returns raw update dicts and the next offset."""
        updates = await self.bot.get_updates(offset=offset, timeout=timeout,
                                             allowed_updates=["message", "callback_query"])
        raw = [u.to_dict() for u in updates]
        nxt = max((u.update_id for u in updates), default=offset - 1) + 1
        return raw, nxt


# ---- voice notes (issue 23) ------------------------------------------------------------------------------
def _voice_note(msg: dict[str, Any]) -> dict[str, str]:
    """meta for a voice note (`voice`), an audio file (`audio`) or an audio document: `audio` = tg:<file_id>,
    and the size and duration Telegram declares (checked before anything is downloaded)."""
    doc = msg.get("document") if str((msg.get("document") or {}).get("mime_type") or "").startswith("audio/") else None
    for item in (msg.get("voice"), msg.get("audio"), doc):
        if isinstance(item, dict) and item.get("file_id"):
            meta = {"audio": f"tg:{item['file_id']}"[:300]}
            for key, name in (("file_size", "size"), ("duration", "duration")):
                if isinstance(item.get(key), int):
                    meta[name] = str(item[key])
            return meta
    return {}


def fetch_file(token: str, file_id: str, *, api_base_url: str = "https://api.telegram.org",
               max_bytes: int, timeout_s: float = 20.0) -> bytes:
    """A voice note a citizen sent (issue 23): the same bounded getFile + download as `download_file`."""
    return download_file(token, file_id, api_base_url=api_base_url, max_bytes=max_bytes, timeout_s=timeout_s)
