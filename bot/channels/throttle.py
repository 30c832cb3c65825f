"""A per-process send throttle around any `Sender`: announcements (outbox rows with a `campaign` in their
meta) at most `rate` per second and one per `per_chat_s` to the same chat; replies to citizens who just
wrote are not held back (they are few, and the announcement rate leaves them room under the platform's
limit); and — after a rate-limit answer (Telegram 429 `retry_after`, Zalo -32) —
a pause of every send on the channel for that long, as python-telegram-bot's AIORateLimiter does. The
database pacing of announcements (bot/storage/outreach.py) spreads the work across processes; this caps
what one process sends whatever the queue holds."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bot.channels.base import SendError
from bot.core.messages import Reply


class ThrottledSender:
    def __init__(self, inner: Any, *, rate: float, per_chat_s: float = 1.0) -> None:
        self.inner = inner
        self.channel = inner.channel
        self.window_s = getattr(inner, "window_s", None)
        self.interval = 1.0 / rate
        self.per_chat_s = per_chat_s
        self._next = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def __getattr__(self, name: str) -> Any:  # set_webhook, poll … of the wrapped sender
        return getattr(self.inner, name)

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    async def _slot(self, user_ref: str) -> None:
        async with self._lock:
            now = time.monotonic()
            at = max(now, self._next, self._paused_until, self._chat_next.get(user_ref, 0.0))
            self._next = at + self.interval
            self._chat_next[user_ref] = at + self.per_chat_s
            if len(self._chat_next) > 50_000:
                self._chat_next = {k: v for k, v in self._chat_next.items() if v > now}
        if at > now:
            await asyncio.sleep(at - now)

    async def send(self, user_ref: str, reply: Reply, meta: dict[str, object]) -> str:
        if meta.get("campaign"):  # announcements are paced; a reply to a citizen who just wrote is not held
            await self._slot(user_ref)
        elif self._paused_until > time.monotonic():
            await asyncio.sleep(self._paused_until - time.monotonic())
        try:
            return str(await self.inner.send(user_ref, reply, meta))
        except SendError as exc:
            msg = str(exc).lower()
            if exc.retry_after and ("rate limit" in msg or "error -32" in msg):
                self._paused_until = max(self._paused_until, time.monotonic() + float(exc.retry_after or 1.0))
            raise
