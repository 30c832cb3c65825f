"""The message processor: a stored inbound message through the conversation engine into the outbox.
Redaction happens here, once, where a message enters (`MessageProcessor.accept` / `answer_now`); every
later step (conversation, answering, the question log, the language model) sees the redacted message."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from bot.core.conversation.engine import ConversationService
from bot.core.messages import ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import redact, redact_continuation
from bot.core.texts import t
from bot.infra.metrics import MESSAGE_SECONDS, MESSAGES
from bot.storage.messaging import InboxItem, MessageStore

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
            state = item.state if item.state is not None else \
                self.store.load_state(item.message.channel, item.message.user_ref)
            before = (state.consent, state.consent_at, state.last_question_id)
            side = next((c for c in self.side_chats if c.handles(item.message)), None)
            message = item.message
            if side is None:  # a volunteer's text kept as typed that no side chat takes now is redacted first
                if message.meta.get(_REDACT_WHEN_DONE):
                    message = redacted(message, max_text_chars=self.max_text_chars)
                message = self._hand_voice(self._read_image(message))
            replies = side.handle(item.message) if side is not None else self.conversation.handle(message, state)
            if self.voice is not None and any(r.kind == "voice" for r in replies):
                replies = [self.voice.speak(r) if r.kind == "voice" else r for r in replies]
            if state.consent == "declined":  # the promise of the notice: the questions' text is not kept
                state.previous_questions, state.turns = [], []
            # the question-to-message link for /xoa is written with the completion (privacy on)
            linked = self.privacy is not None and bool(state.last_question_id) and state.last_question_id != before[2]
            if self.store.complete(item, state, replies, deliver_now=deliver_now,
                                   question_id=int(state.last_question_id) if linked else None) is None:
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
        """The consent choice (with the notice version and time) and the text of a citizen who declined
        consent, blanked once answered (the question-to-message link is written by `complete`)."""
        if self.privacy is None:
            return
        m = item.message
        consent = state.consent
        if consent in ("given", "declined") and (consent, state.consent_at) != before[:2]:
            self.privacy.record_consent(m.channel, m.user_ref, consent, state.consent_version)
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
