"""Audio in: check a voice note's container before decoding it, then decode to 16 kHz mono float32.

Limits are enforced twice: the container's declared duration is read first (an OGG/Opus or M4A header
tells it; WebM from a browser's MediaRecorder often does not), then decoding stops as soon as the decoded
samples pass the limit, so a file that lies about its length still costs at most `max_seconds` of audio."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

RATE = 16_000


class AudioError(Exception):
    """`reason`: too_large | too_long | unreadable."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    samples: Any  # numpy float32 array, mono, 16 kHz
    seconds: float
    declared_seconds: float | None  # what the container said, if anything


def declared_duration(data: bytes) -> float | None:
    """The duration the container declares (seconds), None when it does not say. Raises AudioError
    ("unreadable") when PyAV cannot open it or it has no audio stream."""
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as c:
            streams = [s for s in c.streams if s.type == "audio"]
            if not streams:
                raise AudioError("unreadable", "no audio stream")
            s = streams[0]
            if s.duration is not None and s.time_base is not None:
                return float(s.duration * s.time_base)
            if c.duration is not None:
                return float(c.duration) / 1_000_000
            return None
    except AudioError:
        raise
    except Exception as exc:  # av.error.InvalidDataError and friends
        raise AudioError("unreadable", exc.__class__.__name__) from None


def decode(data: bytes, *, max_bytes: int, max_seconds: float) -> Decoded:
    """The audio of `data` as 16 kHz mono float32 samples. Raises AudioError."""
    import av
    import numpy as np

    if len(data) > max_bytes:
        raise AudioError("too_large")
    declared = declared_duration(data)
    if declared is not None and declared > max_seconds + 0.5:
        raise AudioError("too_long", f"{declared:.1f} s declared")
    limit = int((max_seconds + 0.5) * RATE)
    chunks: list[Any] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as c:
            stream = next(s for s in c.streams if s.type == "audio")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for frame in c.decode(stream):
                for out in resampler.resample(frame):  # type: ignore[arg-type, unused-ignore]  # typed only when PyAV is installed
                    arr = out.to_ndarray().reshape(-1)
                    chunks.append(arr)
                    total += arr.shape[0]
                if total > limit:
                    raise AudioError("too_long", "decoded past the limit")
            for out in resampler.resample(None):
                arr = out.to_ndarray().reshape(-1)
                chunks.append(arr)
                total += arr.shape[0]
    except AudioError:
        raise
    except Exception as exc:
        raise AudioError("unreadable", exc.__class__.__name__) from None
    if total > limit:
        raise AudioError("too_long")
    if total == 0:
        raise AudioError("unreadable", "no samples")
    samples = np.concatenate(chunks).astype(np.float32)
    return Decoded(samples=samples, seconds=total / RATE, declared_seconds=declared)
