"""The message runtime: inbox processing and outbox delivery, shared by `binhdan serve`, the web chat
and the console. Async at the edges; database work and answering run in worker threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.channels.base import Sender, SendError
from bot.core.conversation import ConversationService
from bot.core.messages import InboundMessage, Reply
from bot.core.privacy import redact
from bot.storage.messaging import InboxItem, MessageStore

log = logging.getLogger(__name__)


def redacted(msg: InboundMessage) -> InboundMessage:
    """The message as it may be stored: personal data replaced by placeholders."""
    return replace(msg, text=redact(msg.text)) if msg.text else msg


class MessageProcessor:
    """Takes stored inbound messages through the conversation engine into the outbox."""

    def __init__(self, store: MessageStore, conversation: ConversationService) -> None:
        self.store = store
        self.conversation = conversation

    def accept(self, msg: InboundMessage) -> int | None:
        """Store a verified message (redacted). None when it is a redelivery."""
        return self.store.store_inbound(redacted(msg))

    def process(self, item: InboxItem, *, deliver_now: bool = False) -> list[Reply]:
        try:
            state = self.store.load_state(item.message.channel, item.message.user_ref)
            replies = self.conversation.handle(item.message, state)
            self.store.complete(item, state, replies, deliver_now=deliver_now)
            return replies
        except Exception as exc:
            log.exception("processing inbox message %s failed", item.id)
            self.store.fail_inbound(item, f"{exc.__class__.__name__}: {exc}")
            raise

    def process_pending(self, limit: int = 10) -> int:
        items = self.store.claim_inbox(limit=limit)
        for item in items:
            try:
                self.process(item)
            except Exception:
                continue
        return len(items)

    def process_now(self, inbox_id: int) -> list[Reply]:
        """Process one message at once (the web chat answers in its HTTP response)."""
        items = self.store.claim_inbox(limit=1, only_id=inbox_id)
        if not items:  # already processed (a retried request): hand back what was answered
            return self.store.replies_for(inbox_id)
        return self.process(items[0], deliver_now=True)


class _Loop:
    """A worker loop: `run_once` until stopped, sleeping `idle_s` (or until woken) when idle."""

    name = "worker"

    def __init__(self, *, idle_s: float) -> None:
        self.idle_s = idle_s
        self.wake = asyncio.Event()
        self._stopping = False

    async def run_once(self) -> int:
        raise NotImplementedError

    async def run(self) -> None:
        while not self._stopping:
            try:
                n = await self.run_once()
            except Exception:
                log.exception("%s iteration failed", self.name)
                n = 0
            if n == 0:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=self.idle_s)

    def stop(self) -> None:
        self._stopping = True
        self.wake.set()


class InboxWorker(_Loop):
    name = "inbox worker"

    def __init__(self, processor: MessageProcessor, *, idle_s: float = 1.0,
                 on_processed: asyncio.Event | None = None) -> None:
        super().__init__(idle_s=idle_s)
        self.processor = processor
        self.on_processed = on_processed

    async def run_once(self) -> int:
        n = await asyncio.to_thread(self.processor.process_pending, 10)
        if n and self.on_processed is not None:
            self.on_processed.set()
        return n


class OutboxWorker(_Loop):
    """Sends queued replies with retries: exponential backoff with jitter, honouring `retry_after`."""

    name = "outbox worker"

    def __init__(self, store: MessageStore, senders: Sequence[Sender], *, idle_s: float = 0.5,
                 max_attempts: int = 8) -> None:
        super().__init__(idle_s=idle_s)
        self.store = store
        self.senders = {s.channel: s for s in senders}
        self.max_attempts = max_attempts

    async def run_once(self) -> int:
        if not self.senders:
            return 0
        items = await asyncio.to_thread(self.store.claim_outbox, channels=tuple(self.senders))
        blocked: set[tuple[str, str]] = set()
        for item in items:
            sender = self.senders[item.channel]
            if (item.channel, item.user_ref) in blocked:  # keep this person's replies in order
                await asyncio.to_thread(self.store.release, item.id)
                continue
            window = getattr(sender, "window_s", None)
            if window:  # e.g. Zalo: no free-form message after 7 days without contact; do not try blindly
                last = await asyncio.to_thread(self.store.last_inbound_at, item.channel, item.user_ref)
                if last is None or (datetime.now(UTC) - last).total_seconds() > window:
                    await asyncio.to_thread(self.store.mark_retry, item.id,
                                            "outside the platform's interaction window: not sent", 0, give_up=True)
                    log.warning("reply %s to %s not sent: outside the interaction window", item.id, item.channel)
                    continue
            try:
                msg_id = await sender.send(item.user_ref, item.reply, item.meta)
            except SendError as exc:
                give_up = exc.retry_after is None or item.attempts >= self.max_attempts
                delay = exc.retry_after if exc.retry_after is not None else 0.0
                delay = max(delay, min(300.0, 2.0 ** item.attempts) * (0.5 + random.random() / 2))
                blocked.add((item.channel, item.user_ref))
                log.warning("send %s to %s failed (attempt %s): %s", item.id, item.channel, item.attempts, exc)
                await asyncio.to_thread(self.store.mark_retry, item.id, str(exc), delay, give_up=give_up)
                continue
            except Exception as exc:
                blocked.add((item.channel, item.user_ref))
                log.exception("send %s crashed", item.id)
                await asyncio.to_thread(self.store.mark_retry, item.id, repr(exc), 30.0,
                                        give_up=item.attempts >= self.max_attempts)
                continue
            await asyncio.to_thread(self.store.mark_sent, item.id, msg_id)
        return len(items)
