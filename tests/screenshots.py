"""Phone-like screenshots of a message for the OCR tests (issue 20): a status bar, a chat header, the message
in a grey bubble on a light background, in Be Vietnam Pro (the `fontpkg-be-vietnam-pro` dependency)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


def font_path(bold: bool = False) -> Path:
    import fontpkg_be_vietnam_pro  # type: ignore[import-untyped,unused-ignore]

    return Path(fontpkg_be_vietnam_pro.ROOT) / "files" / ("BeVietnamPro-Bold.ttf" if bold else "BeVietnamPro-Regular.ttf")


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def render(text: str, *, sender: str = "Tin nhắn", width: int = 720, fmt: str = "PNG") -> bytes:
    """The screenshot as PNG (or JPEG) bytes."""
    body, small, bold = (ImageFont.truetype(str(font_path()), 30), ImageFont.truetype(str(font_path()), 22),
                         ImageFont.truetype(str(font_path(True)), 30))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines = _wrap(probe, text, body, width - 140)
    line_h = 44
    bubble_h = line_h * len(lines) + 36
    height = 60 + 90 + 40 + bubble_h + 120
    img = Image.new("RGB", (width, height), (242, 244, 247))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, width, 60), fill=(250, 250, 250))
    d.text((24, 16), "09:41", font=small, fill=(20, 20, 20))
    d.text((width - 110, 16), "4G  87%", font=small, fill=(20, 20, 20))
    d.rectangle((0, 60, width, 150), fill=(255, 255, 255))
    d.ellipse((24, 78, 78, 132), fill=(0, 104, 255))
    d.text((96, 86), sender, font=bold, fill=(20, 20, 20))
    top = 190
    d.rounded_rectangle((40, top, width - 60, top + bubble_h), radius=28, fill=(226, 229, 234))
    y = top + 18
    for line in lines:
        d.text((70, y), line, font=body, fill=(15, 15, 15))
        y += line_h
    d.text((48, top + bubble_h + 12), "10:15", font=small, fill=(120, 120, 120))
    d.rounded_rectangle((24, height - 80, width - 24, height - 24), radius=26, fill=(255, 255, 255))
    d.text((50, height - 68), "Nhập tin nhắn", font=small, fill=(160, 160, 160))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()
