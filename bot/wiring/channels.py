"""Channel wiring: the Telegram and Zalo senders behind the per-process throttle, the channels the bot may
write first on, and the bounded file fetch of ticket attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.throttle import ThrottledSender
from bot.config import Settings
from bot.core.messages import Reply
from bot.core.texts import t

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramSender
    from bot.channels.zalo import ZaloSender
    from bot.voice.service import VoiceRuntime


def throttled(settings: Settings, sender: TelegramSender | ZaloSender) -> ThrottledSender:
    """The channel's sender behind the per-process throttle (bot/channels/throttle.py)."""
    o = settings.outreach
    rate = o.telegram_per_s if sender.channel == "telegram" else o.zalo_per_s
    return ThrottledSender(sender, rate=rate, per_chat_s=o.per_chat_s)


def push_windows(settings: Settings) -> dict[str, float | None]:
    """Channels on which the bot may write first (reminders), with how long after the citizen's last message
    (None = any time): Telegram when configured, Zalo inside its 7-day window; never the web chat."""
    out: dict[str, float | None] = {}
    if settings.telegram.token:
        out["telegram"] = None
    if settings.zalo.enabled:
        from bot.channels.zalo import ZaloSender

        out["zalo"] = float(ZaloSender.window_s)
    return out


def build_telegram(settings: Settings, *, images: Callable[[str], bytes | None],
                   files: Callable[[str], tuple[bytes, str] | None] | None,
                   voice: VoiceRuntime | None) -> TelegramSender | None:
    """The Telegram sender when a bot token is configured: certificates as pictures (`images`), ticket
    attachments (`files`), answers read aloud (voice)."""
    if not settings.telegram.token:
        return None
    from bot.channels.telegram import TelegramSender

    return TelegramSender(settings.telegram.token.get_secret_value(), api_base_url=settings.telegram.api_base_url, images=images,
                          files=files, voices=voice.out.clip if voice is not None and voice.out is not None else None)


def build_zalo(settings: Settings, sessions: sessionmaker[Session], *, voice: VoiceRuntime | None) -> ZaloSender | None:
    z = settings.zalo
    if not z.enabled:
        return None
    from bot.channels.zalo import ZaloSender
    from bot.storage.tokens import Token, TokenStore

    return ZaloSender(app_id=z.app_id, app_secret=z.app_secret.get_secret_value(),
                      access_token=z.access_token.get_secret_value(),
                      refresh_token=z.refresh_token.get_secret_value(), api_base_url=z.api_base_url,
                      oauth_base_url=z.oauth_base_url,
                      store=TokenStore(sessions), token_factory=Token, refresh_margin_s=z.refresh_margin_s,
                      clip_link=(lambda r: voice_clip_link(settings, r)) if voice is not None else None)


def voice_clip_link(settings: Settings, reply: Reply) -> str:
    """Zalo: the text that carries a clip's link ("" without a public URL: the text is sent instead)."""
    base = settings.server.public_url.rstrip("/")
    if not base or not reply.audio:
        return ""
    return t(reply.lang, "vc_clip_link", minutes=max(1, int(settings.voice.clip_ttl_s // 60)), url=base + reply.audio)


def channel_fetch(settings: Settings) -> Callable[[str, str, int], bytes]:
    """(channel, ref, max_bytes) -> bytes: a Telegram file id (`tg:<id>`, getFile + download) or a Zalo
    image URL, with the scam checker's bounded downloader (bot/channels/files.py)."""

    def fetch(channel: str, ref: str, max_bytes: int) -> bytes:
        from bot.channels.files import DownloadError, download

        if channel == "telegram" and ref.startswith("tg:") and settings.telegram.token:
            from bot.channels.telegram import download_file

            return download_file(settings.telegram.token.get_secret_value(), ref[3:],
                                     api_base_url=settings.telegram.api_base_url,
                                 max_bytes=max_bytes)
        if channel == "zalo" and ref.startswith(("https://", "http://")):
            return download(ref, max_bytes=max_bytes)
        raise DownloadError("failed", "no way to fetch this file")

    return fetch
