"""Speech to text: faster-whisper (CTranslate2, int8 on CPU) with the multilingual Whisper base model,
Vietnamese forced, a domain prompt so that "VNeID", "căn cước" … are spelled as the guides spell them.

`transcribe` is blocking and CPU-bound; bot.voice.pool runs it in bounded low-priority threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DEFAULT_PROMPT = ("Hỏi đáp về VNeID, căn cước công dân, mật khẩu, mã OTP, dịch vụ công, chuyển tiền, "
                  "lừa đảo, ngân hàng, bảo hiểm xã hội, giấy khai sinh.")


@dataclass(frozen=True)
class Transcript:
    text: str
    avg_logprob: float  # length-weighted mean over segments
    no_speech_prob: float  # max over segments
    audio_seconds: float
    seconds: float  # wall time of the recognition
    timed_out: bool = False


_LOADED: dict[tuple[str, int, int], Any] = {}  # one model per (directory, threads, workers) in a process
_LOADING = threading.Lock()


def load_model(path: str, *, threads: int, workers: int) -> Any:
    """The faster-whisper model of `path`, loaded once per process for these thread settings: a second
    recogniser in the same process (another app instance, a test server) shares it (~150 MB, seconds to load)."""
    key = (path, threads, workers)
    with _LOADING:
        if key not in _LOADED:
            from faster_whisper import WhisperModel

            _LOADED[key] = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads,
                                        num_workers=workers)
        return _LOADED[key]


class WhisperRecognizer:
    """Loads the model on first use (in the calling thread, so the pool's low priority applies to the
    library's threads too) and shares it between the pool's threads (CTranslate2 models are thread-safe)
    and with any other recogniser of the same model and thread settings in the process."""

    def __init__(self, model_dir: str | Callable[[], str], *, threads: int = 1, workers: int = 1, beam_size: int = 5,
                 prompt: str = DEFAULT_PROMPT, language: str = "vi", vad: bool = False) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self.workers = workers
        self.beam_size = beam_size
        self.prompt = prompt
        self.language = language
        self.vad = vad  # faster-whisper's Silero voice-activity filter: silence cut before decoding
        self._model: Any = None
        self._lock = threading.Lock()

    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                path = self.model_dir() if callable(self.model_dir) else self.model_dir  # joined on first use
                self._model = load_model(str(path), threads=self.threads, workers=self.workers)
            return self._model

    def transcribe(self, samples: Any, *, deadline: float | None = None) -> Transcript:
        """Text of 16 kHz mono float32 `samples`. Stops between segments once `deadline`
        (time.monotonic()) has passed (`timed_out`)."""
        started = time.monotonic()
        segments, info = self.model().transcribe(
            samples, language=self.language, beam_size=self.beam_size, initial_prompt=self.prompt or None,
            condition_on_previous_text=False, vad_filter=self.vad, without_timestamps=True)
        texts: list[str] = []
        weighted, length, no_speech, timed_out = 0.0, 0.0, 0.0, False
        for seg in segments:
            piece = seg.text.strip()
            if piece:
                texts.append(piece)
                span = max(0.1, float(seg.end) - float(seg.start))
                weighted += float(seg.avg_logprob) * span
                length += span
            no_speech = max(no_speech, float(seg.no_speech_prob))
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                break
        return Transcript(text=" ".join(texts).strip(), avg_logprob=weighted / length if length else -10.0,
                          no_speech_prob=no_speech if texts else 1.0, audio_seconds=float(info.duration),
                          seconds=time.monotonic() - started, timed_out=timed_out)
