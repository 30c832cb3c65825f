"""Voice wiring (issue 23): voice notes in (Whisper, bounded pool) and answers read aloud, or nothing when
`voice.enabled` is false or what it needs is not installed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.voice.flow import VoiceChat

if TYPE_CHECKING:
    from bot.voice.service import VoiceRuntime

log = logging.getLogger(__name__)


def build_voice(settings: Settings) -> VoiceRuntime | None:
    """Voice notes in and answers read aloud (issue 23), or None when `voice.enabled` is false or what it
    needs is not installed (then voice notes get the "text only" reply and no "Nghe" button is shown)."""
    v = settings.voice
    if not v.enabled:
        return None
    from bot.voice.status import probe

    cache = settings.path(v.cache_dir)
    status = probe(model_dir=v.model_dir, cache_dir=cache)
    if not status.can_listen and not status.can_speak:
        for problem in status.problems:
            log.warning("voice: %s", problem)
        return None
    from bot.channels.files import download
    from bot.channels.telegram import fetch_file
    from bot.core.voice.flow import Quality
    from bot.voice.clips import ClipStore
    from bot.voice.isolated import IsolatedRecognizer
    from bot.voice.pool import BoundedPool
    from bot.voice.recognizer import DEFAULT_PROMPT
    from bot.voice.service import Limits, VoiceIntake, VoiceOut, VoiceRuntime
    from bot.voice.weights import model_dir

    intake = None
    if status.can_listen:
        def recognizer_dir() -> str:
            return str(model_dir(configured=v.model_dir, cache_dir=str(cache)))

        tg = settings.telegram
        fetchers = {
            "tg": lambda ref, n: fetch_file(tg.token.get_secret_value(), ref, api_base_url=tg.api_base_url, max_bytes=n),
            "https": lambda ref, n: download(f"https:{ref}", max_bytes=n),
            "http": lambda ref, n: download(f"http:{ref}", max_bytes=n),
        }
        intake = VoiceIntake(
            # in child processes: faster-whisper's decoding holds the GIL, which slowed text answers 3–9× in-process
            recognizer=IsolatedRecognizer(recognizer_dir, threads=v.threads, workers=v.workers, beam_size=v.beam_size,
                                          prompt=v.prompt or DEFAULT_PROMPT, vad=v.vad, nice=v.nice),
            pool=BoundedPool(workers=v.workers, queue_size=v.queue_size, nice=v.nice), fetchers=fetchers,
            deliver=lambda m: None, limits=Limits(max_bytes=v.max_bytes, max_seconds=v.max_seconds,
                                                  timeout_s=v.timeout_s),
            quality=Quality(min_avg_logprob=v.min_avg_logprob, max_no_speech_prob=v.max_no_speech_prob),
            kept=ClipStore(cache / "kept", ttl_s=v.retention_s) if v.retention_s > 0 else None)
    out = VoiceOut(ClipStore(cache / "clips", ttl_s=v.clip_ttl_s), voice=v.tts_voice,
                   words_per_minute=v.tts_words_per_minute) if status.can_speak else None
    chat = VoiceChat(max_seconds=int(v.max_seconds), speech_chars=v.speech_chars, offer_listen=out is not None)
    return VoiceRuntime(chat=chat, intake=intake, out=out)


def kept_voice_notes(voice: VoiceRuntime | None) -> Callable[[str], tuple[bytes, float] | None] | None:
    """What takes a kept voice note onto a ticket (`voice.retention_s` > 0), or None when none are kept."""
    kept = voice.intake.kept if voice is not None and voice.intake is not None else None
    return kept.take if kept is not None else None


def voice_chat(voice: VoiceRuntime | None) -> VoiceChat | None:
    """The engine's voice flow of a voice runtime."""
    return voice.chat if voice is not None and isinstance(voice.chat, VoiceChat) else None
