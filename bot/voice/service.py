"""The voice runtime (issue 23), wired by bootstrap and used by bot.runtime.MessageProcessor:

- `VoiceIntake.submit(msg)`: a voice note as it arrived. Cheap checks of what the platform declared (size,
  duration), then a job in the bounded pool; returns at once with queued | busy | unavailable | too_large |
  too_long, which the engine turns into a message. The job downloads the audio (within `max_bytes`),
  checks the container's duration, decodes, transcribes under a time limit, and hands the transcript back
  as a new inbound message (`<id>:heard`, `meta["heard"]` = ok | low | empty | too_long …) through
  `deliver` (the processor's `accept`: redacted like typed text, durable, answered in order).
  The audio is held in memory only and dropped after transcription (`retention_s` 0, the default).
- `VoiceOut.speak(reply)`: a `kind="voice"` reply synthesised to OGG/Opus and stored as a short-lived clip;
  the reply gets its `/voice/clips/<token>.ogg` path, which every channel's sender knows how to deliver.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.messages import InboundMessage, Reply
from bot.core.texts import t
from bot.core.voice.flow import Quality, judge
from bot.voice.audio import AudioError, decode
from bot.voice.clips import ClipStore
from bot.voice.pool import BoundedPool

log = logging.getLogger(__name__)
Fetcher = Callable[[str, int], bytes]  # (reference after the "scheme:", max_bytes) -> bytes; raises


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2_000_000
    max_seconds: float = 60.0
    timeout_s: float = 60.0


class VoiceIntake:
    def __init__(self, *, recognizer: object, pool: BoundedPool, fetchers: dict[str, Fetcher],
                 deliver: Callable[[InboundMessage], object], limits: Limits = Limits(),
                 quality: Quality | None = None, kept: ClipStore | None = None) -> None:
        self.recognizer = recognizer
        self.pool = pool
        self.fetchers = dict(fetchers)
        self.deliver = deliver
        self.limits = limits
        self.quality = quality or Quality()
        self.kept = kept  # voice notes kept for `retention_s` (None: never kept)
        self._held: dict[str, bytes] = {}  # the web chat's uploads, until their job takes them
        self._lock = threading.Lock()
        self.stats: dict[str, int] = {}

    # ---- the web chat hands bytes, not a link ---------------------------------------------------------
    def hold(self, key: str, data: bytes) -> str:
        """Keep an upload in memory for its job; returns the `meta["audio"]` reference ("mem:<key>")."""
        with self._lock:
            self._held[key] = data
        return f"mem:{key}"

    def _take_held(self, key: str, max_bytes: int) -> bytes:
        with self._lock:
            data = self._held.pop(key, None)
        if data is None:
            raise LookupError("upload no longer held")
        return data

    # ---- intake ------------------------------------------------------------------------------------------
    def submit(self, msg: InboundMessage) -> str:
        audio = msg.meta.get("audio", "")
        scheme = audio.partition(":")[0]
        if scheme not in self.fetchers and scheme != "mem":
            return "unavailable"
        size, duration = msg.meta.get("size", ""), msg.meta.get("duration", "")
        if size.isdigit() and int(size) > self.limits.max_bytes:
            self._drop(audio)
            return "too_large"
        if duration.isdigit() and int(duration) > self.limits.max_seconds:
            self._drop(audio)
            return "too_long"
        if not self.pool.submit(lambda: self._job(msg)):
            self._drop(audio)
            self._count("busy")
            return "busy"
        return "queued"

    def _drop(self, audio: str) -> None:
        if audio.startswith("mem:"):
            with self._lock:
                self._held.pop(audio[4:], None)

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] = self.stats.get(key, 0) + 1

    def _fetch(self, audio: str) -> bytes:
        scheme, _, ref = audio.partition(":")
        if scheme == "mem":
            return self._take_held(ref, self.limits.max_bytes)
        return self.fetchers[scheme](ref, self.limits.max_bytes)

    def _job(self, msg: InboundMessage) -> None:
        started = time.monotonic()
        heard, text, extra = "failed", "", {}
        try:
            data = self._fetch(msg.meta.get("audio", ""))
            decoded = decode(data, max_bytes=self.limits.max_bytes, max_seconds=self.limits.max_seconds)
            if self.kept is not None:
                extra["kept"] = self.kept.put(data)
            del data  # the audio goes no further than this job
            result = self.recognizer.transcribe(  # type: ignore[attr-defined]
                decoded.samples, deadline=started + self.limits.timeout_s)
            text = result.text
            heard = "timeout" if result.timed_out else judge(
                text, avg_logprob=result.avg_logprob, no_speech_prob=result.no_speech_prob, quality=self.quality)
            extra |= {"logprob": f"{result.avg_logprob:.2f}", "no_speech": f"{result.no_speech_prob:.2f}",
                      "seconds": f"{decoded.seconds:.1f}"}
        except AudioError as exc:
            heard = exc.reason
        except Exception as exc:  # a failed download or a broken file: the citizen is told, nothing breaks
            heard = str(getattr(exc, "reason", "")) or "failed"
            heard = heard if heard in ("too_large",) else "unreadable"
            log.warning("voice note from %s could not be read: %s", msg.channel, exc.__class__.__name__)
        self._count(heard)
        out = InboundMessage(channel=msg.channel, user_ref=msg.user_ref, platform_msg_id=f"{msg.platform_msg_id}:heard",
                             received_at=msg.received_at, kind="voice", text=text, display_name=msg.display_name,
                             meta={"heard": heard, **extra, **{k: v for k, v in msg.meta.items()
                                                             if k in ("callback_query_id",)}})
        try:
            self.deliver(out)
        except Exception:
            log.exception("storing a transcript failed")


class VoiceOut:
    """Answers read aloud: espeak-ng → OGG/Opus → a clip in `clips`."""

    def __init__(self, clips: ClipStore, *, voice: str = "vi", words_per_minute: int = 145,
                 prefix: str = "/voice/clips/") -> None:
        self.clips = clips
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.prefix = prefix

    def speak(self, reply: Reply) -> Reply:
        from bot.voice.tts import SpeechError, synthesize

        if reply.kind != "voice" or reply.audio:
            return reply
        try:
            clip = synthesize(reply.text, voice=self.voice, words_per_minute=self.words_per_minute)
        except (SpeechError, OSError) as exc:
            log.warning("speech synthesis failed: %s", exc)
            return replace(reply, kind="info", text=t(reply.lang, "vc_speech_failed"))
        return replace(reply, audio=f"{self.prefix}{self.clips.put(clip.ogg)}.ogg")

    def clip(self, audio: str) -> bytes | None:
        """The bytes of a reply's `audio` path, while it lives."""
        if not audio.startswith(self.prefix) or not audio.endswith(".ogg"):
            return None
        return self.clips.get(audio[len(self.prefix):-4])


class VoiceRuntime:
    """What bootstrap hands the processor and the web layer: the engine's flow, intake and speech (either
    may be None when its part is not installed)."""

    def __init__(self, *, chat: object, intake: VoiceIntake | None, out: VoiceOut | None) -> None:
        self.chat = chat
        self.intake = intake
        self.out = out

    @property
    def deliver(self) -> Callable[[InboundMessage], object] | None:
        return self.intake.deliver if self.intake is not None else None

    @deliver.setter
    def deliver(self, fn: Callable[[InboundMessage], object]) -> None:
        if self.intake is not None:
            self.intake.deliver = fn

    def submit(self, msg: InboundMessage) -> str:
        return self.intake.submit(msg) if self.intake is not None else "unavailable"

    def speak(self, reply: Reply) -> Reply:
        if self.out is None:
            return replace(reply, kind="info", text=t(reply.lang, "vc_speech_failed"))
        return self.out.speak(reply)

    def purge(self) -> int:
        n = self.out.clips.purge() if self.out is not None else 0
        if self.intake is not None and self.intake.kept is not None:
            n += self.intake.kept.purge()
        return n
