"""The worker loops of a serving process: the inbox worker (stored messages through the processor) and
the outbox worker (queued replies to the channels, with retries). Async at the edges; database work runs in
worker threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.channels.base import Sender, SendError
from bot.infra.metrics import SENDS
from bot.runtime.processor import MessageProcessor
from bot.storage.messaging import MessageStore, OutboxItem

log = logging.getLogger(__name__)


class Wakeup:
    """Wakes this process's outbox worker from code that just queued a reply (routes, the desk's claim hook):
    `set()` is a no-op until a worker attached its event (`bot.runtime.background.Background`)."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def attach(self, event: asyncio.Event) -> None:
        self._event = event

    def set(self) -> None:
        if self._event is not None:
            self._event.set()


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
    """Sends queued replies with retries: exponential backoff with jitter, honouring `retry_after`.

    Duplicate sends after a crash (issue 25, finding 9): a claimed row is `sending`; just before its
    request goes out it becomes `inflight` (one short commit), and `mark_sent` records the platform's
    message id as soon as the response is back. While the worker lives a heartbeat extends the leases it
    holds, so the lease can be short (`server.outbox_lease_s`). After a crash, `sending` rows are resent
    with no risk; an `inflight` row is the one request whose fate is unknown (Telegram and Zalo have no
    idempotency key for sends). The sender's `resend_in_flight` decides: True (default, at-least-once: at
    most one duplicate per crashed worker) or False (at-most-once: that one reply is marked failed)."""

    name = "outbox worker"

    def __init__(self, store: MessageStore, senders: Sequence[Sender], *, idle_s: float = 0.5,
                 max_attempts: int = 8, lease_s: float = 15.0) -> None:
        super().__init__(idle_s=idle_s)
        self.store = store
        self.senders = {s.channel: s for s in senders}
        self.max_attempts = max_attempts
        self.lease_s = lease_s

    async def _heartbeat(self, held: set[int]) -> None:
        while True:
            await asyncio.sleep(self.lease_s / 3)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.store.heartbeat, sorted(held), lease_s=self.lease_s)

    async def run_once(self) -> int:
        if not self.senders:
            return 0
        items = await asyncio.to_thread(self.store.claim_outbox, channels=tuple(self.senders), lease_s=self.lease_s)
        if not items:
            return 0
        held = {item.id for item in items}
        blocked: set[tuple[str, str]] = set()
        beat = asyncio.create_task(self._heartbeat(held))
        try:
            for item in items:
                await self._deliver(item, blocked)
                held.discard(item.id)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        return len(items)

    async def _deliver(self, item: OutboxItem, blocked: set[tuple[str, str]]) -> None:
        sender = self.senders[item.channel]
        if (item.channel, item.user_ref) in blocked:  # keep this person's replies in order
            await asyncio.to_thread(self.store.release, item.id)
            return
        if item.was_in_flight:
            SENDS.labels(channel=item.channel, outcome="in_flight_at_crash").inc()
            if not getattr(sender, "resend_in_flight", True):
                await asyncio.to_thread(self.store.mark_retry, item.id, "in flight when its worker died: "
                                        "not resent (at-most-once channel)", 0, give_up=True)
                log.warning("reply %s to %s was in flight at a crash: not resent", item.id, item.channel)
                return
            log.warning("reply %s to %s was in flight at a crash: resent (may arrive twice)", item.id, item.channel)
        window = getattr(sender, "window_s", None)
        if window:  # e.g. Zalo: no free-form message after 7 days without contact; do not try blindly
            last = await asyncio.to_thread(self.store.last_inbound_at, item.channel, item.user_ref)
            if last is None or (datetime.now(UTC) - last).total_seconds() > window:
                await asyncio.to_thread(self.store.mark_retry, item.id,
                                        "outside the platform's interaction window: not sent", 0, give_up=True)
                log.warning("reply %s to %s not sent: outside the interaction window", item.id, item.channel)
                return
        if not await asyncio.to_thread(self.store.mark_in_flight, item.id, lease_s=self.lease_s):
            log.warning("reply %s: claim lost before sending (another worker has it)", item.id)
            return
        try:
            msg_id = await sender.send(item.user_ref, item.reply, item.meta)
        except SendError as exc:
            give_up = exc.retry_after is None or item.attempts >= self.max_attempts
            delay = exc.retry_after if exc.retry_after is not None else 0.0
            delay = max(delay, min(300.0, 2.0 ** item.attempts) * (0.5 + random.random() / 2))
            blocked.add((item.channel, item.user_ref))
            log.warning("send %s to %s failed (attempt %s): %s", item.id, item.channel, item.attempts, exc)
            SENDS.labels(channel=item.channel, outcome="failed" if give_up else "retry").inc()
            await asyncio.to_thread(self.store.mark_retry, item.id, str(exc), delay, give_up=give_up)
            return
        except Exception as exc:
            blocked.add((item.channel, item.user_ref))
            log.exception("send %s crashed", item.id)
            await asyncio.to_thread(self.store.mark_retry, item.id, repr(exc), 30.0,
                                    give_up=item.attempts >= self.max_attempts)
            return
        await asyncio.to_thread(self.store.mark_sent, item.id, msg_id)
        SENDS.labels(channel=item.channel, outcome="sent").inc()
