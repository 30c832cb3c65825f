"""Speech out: espeak-ng's Vietnamese voices → WAV → OGG/Opus (PyAV's libopus), what Telegram's sendVoice
plays as a voice note and every current browser plays in an <audio> element.

The text must already be normalised for speech (bot.core.voice.speech.speakable)."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
OPUS_RATE = 48_000


class SpeechError(Exception):
    pass


@dataclass(frozen=True)
class Clip:
    ogg: bytes
    seconds: float


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def espeak_wav(text: str, *, voice: str = "vi", words_per_minute: int = 145, timeout_s: float = 30.0) -> bytes:
    """WAV bytes spoken by espeak-ng. Raises SpeechError when espeak-ng is missing or fails."""
    exe = espeak_path()
    if exe is None:
        raise SpeechError("espeak-ng is not installed (apt-get install espeak-ng)")
    try:
        done = subprocess.run([exe, "-v", voice, "-s", str(words_per_minute), "--stdout", "--stdin"],
                              input=text.encode(), capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise SpeechError("espeak-ng took too long") from None
    if done.returncode != 0 or len(done.stdout) < 100:
        raise SpeechError(f"espeak-ng failed ({done.returncode})")
    return done.stdout


def wav_samples(wav: bytes, *, rate: int) -> Any:
    """WAV bytes → mono float32 samples at `rate` (PyAV resampler)."""
    import av
    import numpy as np

    with av.open(io.BytesIO(wav), mode="r") as c:
        stream = c.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        parts = [o.to_ndarray().reshape(-1) for f in c.decode(stream) for o in resampler.resample(f)]
        parts += [o.to_ndarray().reshape(-1) for o in resampler.resample(None)]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def encode_ogg_opus(samples: Any, *, rate: int = OPUS_RATE, bitrate: int = 32_000) -> bytes:
    """Mono float32 samples at `rate` → an OGG/Opus file."""
    import av
    import numpy as np

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=rate, layout="mono")
        stream.bit_rate = bitrate
        frame_size = 960  # 20 ms at 48 kHz
        pcm = np.asarray(samples, dtype=np.float32)
        pts = 0
        for start in range(0, len(pcm), frame_size):
            chunk = pcm[start:start + frame_size]
            if len(chunk) < frame_size:
                chunk = np.pad(chunk, (0, frame_size - len(chunk)))
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate, frame.pts = rate, pts
            pts += frame_size
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def synthesize(text: str, *, voice: str = "vi", words_per_minute: int = 145) -> Clip:
    """`text` spoken as an OGG/Opus clip. Raises SpeechError."""
    if not text.strip():
        raise SpeechError("nothing to say")
    samples = wav_samples(espeak_wav(text, voice=voice, words_per_minute=words_per_minute), rate=OPUS_RATE)
    return Clip(ogg=encode_ogg_opus(samples), seconds=len(samples) / OPUS_RATE)
