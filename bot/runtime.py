"""The message runtime: inbox processing and outbox delivery, shared by `binhdan serve`, the web chat
and the console. Async at the edges; database work and answering run in worker threads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.channels.base import Sender, SendError
from bot.core.conversation.engine import ConversationService
from bot.core.learning.model import Learner
from bot.core.learning.policy import reminder_due
from bot.core.learning.service import LearningService
from bot.core.messages import ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import redact, redact_continuation
from bot.core.texts import t
from bot.infra.metrics import MESSAGE_SECONDS, MESSAGES, SENDS
from bot.storage.messaging import InboxItem, MessageStore, OutboxItem

log = logging.getLogger(__name__)


_REDACT_WHEN_DONE = "redact_when_done"  # inbox meta: the text is a volunteer's, redacted once processed
_OWN_ACTION = re.compile(r"fb:(?:up|down):[0-9]{1,18}")  # our feedback buttons carry a question id


def redacted(msg: InboundMessage, *, max_text_chars: int = 4000) -> InboundMessage:
    """The message as it may be stored: personal data replaced by placeholders (text, and button payloads
    that are not our own), then cut to `max_text_chars`."""
    text = redact(msg.text)[:max_text_chars] if msg.text else msg.text
    action = msg.action if not msg.action or _OWN_ACTION.fullmatch(msg.action) else redact(msg.action)
    return replace(msg, text=text, action=action) if (text, action) != (msg.text, msg.action) else msg


class PrivacyRecorder(Protocol):
    """What the runtime records for the privacy features (bot.storage.personal_data.SqlPersonalData)."""

    def record_consent(self, channel: str, user_ref: str, choice: str, notice_version: str) -> None: ...

    def link_question(self, inbox_id: int, question_id: int) -> None: ...

    def forget_text(self, inbox_id: int) -> None: ...


class Limits(Protocol):
    def hit(self, key: str, per_minute: int) -> object: ...


class SideChat(Protocol):
    """Another audience on a citizen channel, e.g. volunteers linked on Telegram (bot.core.handoff.volunteer_chat)."""

    def handles(self, msg: InboundMessage) -> bool: ...

    def handle(self, msg: InboundMessage) -> list[Reply]: ...


class VoiceHooks(Protocol):
    """Voice notes in and answers read aloud (bot.voice.service, issue 23)."""

    def submit(self, msg: InboundMessage) -> str: ...

    def speak(self, reply: Reply) -> Reply: ...


class MessageProcessor:
    """Takes stored inbound messages through the conversation engine into the outbox."""

    def __init__(self, store: MessageStore, conversation: ConversationService,
                 *, side_chats: Sequence[SideChat] = (), inbox_lease_s: float = 120.0,
                 privacy: PrivacyRecorder | None = None, limiter: Limits | None = None,
                 user_per_minute: int = 0, max_text_chars: int = 4000,
                 images: Callable[[InboundMessage], tuple[str, str]] | None = None,
                 voice: VoiceHooks | None = None) -> None:
        self.store = store
        self.images = images  # a picture's text and status (ok | unreadable | too_large …): screenshots, issue 20
        self.voice = voice
        self.conversation = conversation
        self.side_chats = tuple(side_chats)
        self.inbox_lease_s = inbox_lease_s
        self.privacy = privacy
        self.limiter = limiter
        self.user_per_minute = user_per_minute
        self.max_text_chars = max_text_chars

    def allowed(self, channel: str, user_ref: str) -> tuple[bool, float]:
        """Count one message of this citizen against the per-user limit: (allowed, retry after seconds)."""
        if self.limiter is None or self.user_per_minute <= 0:
            return True, 0.0
        d = self.limiter.hit(f"user:{channel}:{user_ref}", self.user_per_minute)
        return bool(getattr(d, "allowed", True)), float(getattr(d, "retry_after_s", 0.0))

    def accept(self, msg: InboundMessage, *, check_rate: bool = True) -> int | None:
        """Store a verified message (redacted). None when it is a redelivery, or when the citizen is over
        the per-user rate limit: then it is dropped (never stored) and one polite "please slow down" reply
        per minute is queued instead, so a webhook still answers 200 and the platform does not retry."""
        if check_rate and not self.allowed(msg.channel, msg.user_ref)[0]:
            self._slow_down(msg)
            return None
        return self.store.store_inbound(self._redacted(msg))

    def _redacted(self, msg: InboundMessage) -> InboundMessage:
        """The one redaction of an inbound message, where it enters. A message that starts with digits
        may finish a number the person's previous message began ("sdt em 0912 345" / "678"): the previous
        message's stored (already redacted) text is read and both are corrected; no raw digits are kept."""
        if msg.text and any(c.handles(msg) for c in self.side_chats):
            # a volunteer's own words to a citizen: kept as typed only until processed (see `process`),
            # so the citizen receives what the volunteer wrote; redacted at rest once done
            return replace(msg, text=msg.text[:self.max_text_chars], meta={**msg.meta, _REDACT_WHEN_DONE: "1"})
        out = redacted(msg, max_text_chars=self.max_text_chars)
        if not out.text or not out.text.lstrip()[:1].isdigit():
            return out
        prev = self.store.previous_text(out.channel, out.user_ref, within_s=600.0)
        if prev is None:
            return out
        prev_id, prev_text = prev
        new_prev, new_text = redact_continuation(prev_text, out.text)
        if new_prev != prev_text:
            self.store.replace_text(prev_id, new_prev)
        return replace(out, text=new_text) if new_text != out.text else out

    def _slow_down(self, msg: InboundMessage) -> None:
        MESSAGES.labels(channel=msg.channel, outcome="rate_limited").inc()
        if self.limiter is None or not getattr(self.limiter.hit(f"slow:{msg.channel}:{msg.user_ref}", 1),
                                               "allowed", True):
            return
        lang = self.store.load_state(msg.channel, msg.user_ref).lang
        self.store.enqueue(msg.channel, msg.user_ref, Reply(t(lang, "slow_down"), kind="info", lang=lang))
        log.info("%s user over the rate limit: messages dropped for a minute", msg.channel)

    def process(self, item: InboxItem, *, deliver_now: bool = False) -> list[Reply]:
        started = time.perf_counter()
        channel = item.message.channel
        try:
            state = self.store.load_state(item.message.channel, item.message.user_ref)
            before = (state.consent, state.consent_at, state.last_question_id)
            side = next((c for c in self.side_chats if c.handles(item.message)), None)
            message = item.message
            if side is None:
                message = self._hand_voice(self._read_image(message))
            replies = side.handle(item.message) if side is not None else self.conversation.handle(message, state)
            if self.voice is not None and any(r.kind == "voice" for r in replies):
                replies = [self.voice.speak(r) if r.kind == "voice" else r for r in replies]
            if state.consent == "declined":  # the promise of the notice: the questions' text is not kept
                state.previous_questions, state.turns = [], []
            if self.store.complete(item, state, replies, deliver_now=deliver_now) is None:
                # another worker finished it meanwhile (our lease had expired): its replies stand
                MESSAGES.labels(channel=channel, outcome="superseded").inc()
                return self.store.replies_for(item.id)
            self._record_privacy(item, state, before)
        except Exception as exc:
            log.exception("processing inbox message %s failed", item.id)
            MESSAGES.labels(channel=channel, outcome="error").inc()
            self.store.fail_inbound(item, redact(f"{exc.__class__.__name__}: {exc}"))
            self._redact_at_rest(item)
            raise
        self._redact_at_rest(item)
        MESSAGES.labels(channel=channel, outcome="done").inc()
        MESSAGE_SECONDS.labels(channel=channel).observe(time.perf_counter() - started)
        return replies

    def _redact_at_rest(self, item: InboxItem) -> None:
        if item.message.meta.get(_REDACT_WHEN_DONE) and item.message.text:
            self.store.replace_text(item.id, redact(item.message.text))

    def _read_image(self, msg: InboundMessage) -> InboundMessage:
        """A picture becomes its text (OCR), redacted like any text, with `meta["ocr"]` saying how it went and
        the caption moved to `meta["caption"]`. The picture itself is never stored (read in memory only)."""
        if msg.kind != "image" or "ocr" in msg.meta:
            return msg
        text, status = "", "unavailable"
        if self.images is not None:
            try:
                text, status = self.images(msg)
            except Exception as exc:  # a broken download or OCR must not lose the message
                log.warning("reading a %s picture failed: %s", msg.channel, exc.__class__.__name__)
                text, status = "", "failed"
        return replace(msg, text=redact(text)[:self.max_text_chars] if text else "",
                       meta={**msg.meta, "ocr": status, "caption": msg.text[:300]})

    def _hand_voice(self, msg: InboundMessage) -> InboundMessage:
        """A voice note as it arrived goes to the recogniser's queue (never transcribed here: text traffic
        must not wait for it); the engine is told how that went (`meta["heard"]`)."""
        if msg.kind != "voice" or "heard" in msg.meta:
            return msg
        status = "unavailable"
        if self.voice is not None:
            try:
                status = self.voice.submit(msg)
            except Exception as exc:
                log.warning("queueing a %s voice note failed: %s", msg.channel, exc.__class__.__name__)
        return replace(msg, meta={**msg.meta, "heard": status})

    def _record_privacy(self, item: InboxItem, state: ConversationState, before: tuple[str, str, int]) -> None:
        """The consent choice (with the notice version and time), the question-to-message link for /xoa,
        and the text of a citizen who declined consent, blanked once answered."""
        if self.privacy is None:
            return
        m = item.message
        consent, question_id = state.consent, state.last_question_id
        if consent in ("given", "declined") and (consent, state.consent_at) != before[:2]:
            self.privacy.record_consent(m.channel, m.user_ref, consent, state.consent_version)
        if question_id and question_id != before[2]:
            self.privacy.link_question(item.id, int(question_id))
        if consent == "declined" and m.text:
            self.privacy.forget_text(item.id)

    def process_pending(self, limit: int = 10) -> int:
        items = self.store.claim_inbox(limit=limit, lease_s=self.inbox_lease_s)
        for item in items:
            try:
                self.process(item)
            except Exception:
                continue
        return len(items)

    def answer_now(self, msg: InboundMessage) -> list[Reply] | None:
        """The web chat: store the message already claimed by this request and answer it in the response.
        Claiming at insert keeps the inbox worker from taking it meanwhile (it would answer through the
        outbox and the request would come back empty) and saves a transaction. A repeated message id gets
        what was answered; None when that message cannot be found."""
        item = self.store.store_claimed(self._redacted(msg), lease_s=self.inbox_lease_s)
        if item is not None:
            return self.process(item, deliver_now=True)
        inbox_id = self.store.find_inbound(msg.channel, msg.platform_msg_id, user_ref=msg.user_ref)
        return None if inbox_id is None else self.process_now(inbox_id)

    def process_now(self, inbox_id: int) -> list[Reply]:
        """Process one message at once (the web chat answers in its HTTP response)."""
        items = self.store.claim_inbox(limit=1, only_id=inbox_id, lease_s=self.inbox_lease_s)
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


class PeriodicJobs(_Loop):
    """Jobs that run every few seconds or minutes in a worker thread: the ticket sweep (province pool,
    silence, expiry), learning reminders, the retention purge … Register with `add(name, every_s, fn)`.
    Each job is safe to run in several workers at once (they lock or update conditionally)."""

    name = "periodic jobs"

    def __init__(self, *, tick_s: float = 5.0, clock: Callable[[], float] | None = None) -> None:
        super().__init__(idle_s=tick_s)
        self.jobs: list[tuple[str, float, Callable[[], object]]] = []
        self.last_run: dict[str, float] = {}
        self.clock = clock or time.monotonic

    def add(self, name: str, every_s: float, fn: Callable[[], object]) -> None:
        self.jobs.append((name, every_s, fn))

    def run_due(self) -> int:
        ran = 0
        for name, every, fn in self.jobs:
            now = self.clock()
            if now - self.last_run.get(name, -1e18) < every:
                continue
            self.last_run[name] = now
            try:
                result = fn()
                ran += 1
                if result and (not isinstance(result, dict) or any(result.values())):  # only when it did something
                    log.info("job %s: %s", name, result)
            except Exception:
                log.exception("job %s failed", name)
        return ran

    async def run_once(self) -> int:
        await asyncio.to_thread(self.run_due)
        return 0  # always sleep a tick between rounds


class LearningReminders:
    """Learning reminders (issue 6), a periodic job and `binhdan learners remind`: one gentle message to a
    learner who stopped mid-module, on a channel that lets the bot write first (`push_windows`: channel ->
    how long after the learner's last message, None = any time; e.g. Zalo 7 days; the web chat cannot be
    reached), never during quiet hours. The claim in the store makes it at most one per pause, even with
    several workers."""

    def __init__(self, store: LearningStoreLike, messages: MessageStore, service: LearningService, *,
                 push_windows: dict[str, float | None], clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.messages, self.service = store, messages, service
        self.push_windows = push_windows
        self.clock = clock or (lambda: datetime.now(UTC))

    def _target(self, learner_id: int, now: datetime) -> tuple[str, str] | None:
        best: tuple[datetime, str, str] | None = None
        for channel, user_ref in self.store.links(learner_id):
            if channel not in self.push_windows:
                continue
            last = self.store.last_seen(channel, user_ref)
            window = self.push_windows[channel]
            if window and (last is None or (now - last).total_seconds() > window):
                continue
            seen = last or datetime.min.replace(tzinfo=UTC)
            if best is None or seen > best[0]:
                best = (seen, channel, user_ref)
        return (best[1], best[2]) if best else None

    def run_once(self) -> int:
        now = self.clock()
        policy = self.service.policy
        if policy.quiet(now):
            return 0
        sent = 0
        for learner in self.store.reminder_candidates(now - timedelta(days=policy.remind_after_days)):
            target = self._target(learner.id, now) if reminder_due(learner, now, policy) else None
            if target is None or not self.store.mark_reminded(learner.id, now):
                continue
            self.messages.enqueue(target[0], target[1], self.service.reminder(learner))
            sent += 1
        return sent


class LearningStoreLike(Protocol):
    """The parts of bot.storage.learning.SqlLearningStore the reminders use."""

    def reminder_candidates(self, idle_since: datetime, *, limit: int = 500) -> list[Learner]: ...

    def links(self, learner_id: int) -> list[tuple[str, str]]: ...

    def last_seen(self, channel: str, user_ref: str) -> datetime | None: ...

    def mark_reminded(self, learner_id: int, at: datetime) -> bool: ...


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
