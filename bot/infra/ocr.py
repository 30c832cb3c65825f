"""Reading the text of a screenshot (issue 20) with Tesseract and its Vietnamese data, through pytesseract.
`vie+eng`: the English model reads the unaccented Vietnamese of many SMS ("Cap nhat dia chi") and links
better than `vie` alone, which turns a plain "a" into "ơ".

Bounded: at most `max_bytes` of image, `max_pixels` pixels (checked from the header, before the picture is
decoded), `timeout_s` of Tesseract (its process is killed after that), and one OCR at a time per process
(a semaphore; a second caller waits up to `timeout_s`, then gets "busy"). Blocking: call it from a worker
thread (the runtime's inbox worker, `asyncio.to_thread` in a route). The bytes are only held in memory for
the call and never written anywhere by this module.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import threading
import time
from dataclasses import dataclass

log = logging.getLogger(__name__)
OK, UNREADABLE, TOO_LARGE, NOT_IMAGE, TIMEOUT, BUSY, UNAVAILABLE = (
    "ok", "unreadable", "too_large", "not_image", "timeout", "busy", "unavailable")
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class OcrResult:
    status: str  # ok | unreadable | too_large | not_image | timeout | busy | unavailable
    text: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == OK


def tesseract_available(lang: str = "vie") -> bool:
    """True when the tesseract program and its `lang` data are installed."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract  # type: ignore[import-untyped,unused-ignore]

        return lang in pytesseract.get_languages(config="")
    except Exception:  # any failure means "not usable here"
        return False


class TesseractOcr:
    def __init__(self, *, lang: str = "vie+eng", max_bytes: int = 5 * 1024 * 1024, max_pixels: int = 12_000_000,
                 timeout_s: float = 10.0, concurrency: int = 1) -> None:
        self.lang = lang
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.timeout_s = timeout_s
        self._slots = threading.BoundedSemaphore(max(1, concurrency))

    def read(self, data: bytes) -> OcrResult:
        """The picture's text; never raises for a bad picture (see OcrResult.status)."""
        started = time.perf_counter()
        if len(data) > self.max_bytes:
            return OcrResult(TOO_LARGE)
        from PIL import Image, UnidentifiedImageError

        try:
            img = Image.open(io.BytesIO(data))  # reads the header only
            w, h = img.size
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            return OcrResult(NOT_IMAGE)
        if w * h > self.max_pixels or w <= 0 or h <= 0:
            return OcrResult(TOO_LARGE)
        if not self._slots.acquire(timeout=self.timeout_s):
            return OcrResult(BUSY)
        try:
            return self._read(img, started)
        finally:
            self._slots.release()

    def _read(self, img: object, started: float) -> OcrResult:
        import pytesseract  # type: ignore[import-untyped,unused-ignore]
        from PIL import Image, ImageOps

        assert isinstance(img, Image.Image)
        try:
            gray = ImageOps.grayscale(ImageOps.exif_transpose(img) or img)
        except (OSError, ValueError, Image.DecompressionBombError):
            return OcrResult(NOT_IMAGE)
        if gray.width < 600:  # a screenshot scaled down by the messenger: Tesseract likes letters of ~30 px
            f = min(3.0, 900 / max(1, gray.width))
            gray = gray.resize((int(gray.width * f), int(gray.height * f)), Image.Resampling.LANCZOS)
        try:
            text = pytesseract.image_to_string(gray, lang=self.lang, config="--psm 4", timeout=self.timeout_s)
        except pytesseract.TesseractNotFoundError:
            log.error("tesseract is not installed: screenshots cannot be read")
            return OcrResult(UNAVAILABLE)
        except RuntimeError as exc:  # pytesseract's "Tesseract process timeout"
            log.warning("OCR stopped after %.0f s: %s", self.timeout_s, exc)
            return OcrResult(TIMEOUT, seconds=time.perf_counter() - started)
        except pytesseract.TesseractError as exc:
            log.warning("OCR failed: %s", exc)
            return OcrResult(UNREADABLE, seconds=time.perf_counter() - started)
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
        seconds = time.perf_counter() - started
        if len(_WORD.findall(text)) < 2:
            return OcrResult(UNREADABLE, seconds=seconds)
        return OcrResult(OK, text[:4000], seconds)
