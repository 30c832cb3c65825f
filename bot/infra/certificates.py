"""Certificate images (PNG, Pillow) and the font they need.

Vietnamese needs a font with its stacked tone marks. In order of preference:
1. Be Vietnam Pro from the PyPI package `fontpkg-be-vietnam-pro` (a project dependency, so every install
   has it; SIL Open Font License);
2. DejaVu Sans from Debian's `fonts-dejavu-core` (/usr/share/fonts/truetype/dejavu/);
3. Pillow's built-in font, with the tone marks folded away ("Giay chung nhan") so the text stays readable.
"""

from __future__ import annotations

import io
import logging
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.core.learning.model import Certificate
from bot.core.text import fold
from bot.core.texts import t

log = logging.getLogger(__name__)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SIZE = (1600, 1130)
INK = (33, 37, 41)
ACCENT = (165, 29, 42)  # a deep red, as on Vietnamese certificates
GOLD = (191, 144, 0)


@lru_cache(maxsize=1)
def font_files() -> tuple[Path | None, Path | None]:
    """(regular, bold) TrueType files with Vietnamese glyphs, or (None, None)."""
    try:
        import fontpkg_be_vietnam_pro  # type: ignore[import-untyped,unused-ignore]

        root = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
        regular, bold = root / "BeVietnamPro-Regular.ttf", root / "BeVietnamPro-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    except ImportError:
        pass
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists():
        return regular, bold if bold.exists() else regular
    log.warning("no font with Vietnamese glyphs (install fontpkg-be-vietnam-pro or fonts-dejavu-core): "
                "certificates are printed without tone marks")
    return None, None


def _font(size: int, *, bold: bool = False) -> tuple[Any, bool]:
    """A font and whether it can print Vietnamese."""
    from PIL import ImageFont

    regular, heavy = font_files()
    path = heavy if bold else regular
    if path is not None:
        return ImageFont.truetype(str(path), size), True
    return ImageFont.load_default(size), False


def _wrap(draw: Any, text: str, font: Any, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def render_certificate(cert: Certificate, *, verify_url: str, province: str = "Tuyên Quang",
                       lang: str = "vi", tz: tzinfo | None = None) -> bytes:
    """The certificate as a PNG: heading, module, the learner's name only when given, date, code."""
    from PIL import Image, ImageDraw

    w, h = SIZE
    img = Image.new("RGB", SIZE, (255, 253, 246))
    d = ImageDraw.Draw(img)
    d.rectangle((30, 30, w - 30, h - 30), outline=ACCENT, width=10)
    d.rectangle((56, 56, w - 56, h - 56), outline=GOLD, width=3)
    issued = cert.issued_at.astimezone(tz) if tz is not None else cert.issued_at
    spec: list[tuple[str, int, bool, tuple[int, int, int], int]] = [  # text, size, bold, colour, gap after
        (t(lang, "cert_movement", province=province), 36, False, ACCENT, 56),
        (t(lang, "cert_heading"), 96, True, ACCENT, 40),
        (t(lang, "cert_line"), 42, False, INK, 20),
        (cert.title, 60, True, INK, 64),
    ]
    if cert.name:
        spec.append((t(lang, "cert_learner", name=cert.name), 48, True, INK, 56))
    spec += [(t(lang, "cert_date", date=issued.strftime("%d/%m/%Y")), 36, False, INK, 14),
             (t(lang, "cert_code", code=cert.code), 36, True, INK, 14),
             (t(lang, "cert_verify_at", url=verify_url), 26, False, (90, 90, 90), 0)]
    laid: list[tuple[str, Any, tuple[int, int, int], int]] = []  # one entry per printed line
    for text, size, bold, color, gap in spec:
        font, vietnamese = _font(size, bold=bold)
        parts = _wrap(d, text if vietnamese else fold(text), font, 1300)
        for i, part in enumerate(parts):
            laid.append((part, font, color, int(size * 1.25) + (gap if i == len(parts) - 1 else 0)))
    y = (h - sum(x[3] for x in laid)) // 2
    for part, font, color, step in laid:
        d.text(((w - d.textlength(part, font=font)) / 2, y), part, font=font, fill=color)
        y += step
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
