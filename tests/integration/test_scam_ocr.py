"""Screenshots of corpus messages (issue 20): rendered with PIL as phone-like chat screenshots in Be Vietnam
Pro, read back with Tesseract (bot/infra/ocr.py), checked: the verdict from the picture equals the verdict
from the text in ≥ 90 %. Prints the agreement and the median OCR time (docs/BENCHMARKS.md). Skipped when
Tesseract or its Vietnamese data is missing, unless BINHDAN_REQUIRE_OCR=1 (CI)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from bot.core.scamcheck import ScamChecker
from bot.infra.ocr import OK, TesseractOcr
from bot.infra.scamlists import load_scam_lists
from tests.integration.helpers_ocr import require_ocr
from tests.screenshots import render

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "scam_corpus.jsonl"
pytestmark = pytest.mark.slow


def sample(n_each: int = 12) -> list[dict[str, str]]:
    """The first `n_each` scams and genuine messages of the corpus that fit a screen (≤ 260 characters)."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    out: list[dict[str, str]] = []
    for label in ("scam", "genuine"):
        out += [r for r in rows if r["label"] == label and len(r["text"]) <= 260][:n_each]
    return out


def test_screenshot_verdicts_agree_with_text_verdicts() -> None:
    require_ocr()
    checker = ScamChecker(load_scam_lists(ROOT / "knowledge" / "official_domains.txt",
                                          ROOT / "knowledge" / "official_hotlines.txt"))
    ocr = TesseractOcr()
    rows = sample()
    assert len(rows) >= 20
    same, times, misses = 0, [], []
    for r in rows:
        png = render(r["text"], sender="Tin nhắn")
        res = ocr.read(png)
        times.append(res.seconds)
        expected = checker.check(r["text"]).verdict
        got = checker.check(res.text).verdict if res.status == OK else "unreadable"
        if got == expected:
            same += 1
        else:
            misses.append((r["id"], expected, got))
    agreement = same / len(rows)
    median = statistics.median(times)
    print(f"\nOCR screenshots: {len(rows)} messages, verdict agreement {agreement:.1%}, "
          f"median OCR {median:.2f} s, max {max(times):.2f} s; misses {misses}")
    assert agreement >= 0.90, misses
    assert median <= 3.0, f"median OCR {median:.2f} s (target ≤ 3 s)"


def test_unreadable_and_oversized_pictures_are_refused_without_decoding() -> None:
    require_ocr()
    from io import BytesIO

    from PIL import Image

    ocr = TesseractOcr(max_pixels=12_000_000)
    blank = BytesIO()
    Image.new("RGB", (600, 400), (240, 240, 240)).save(blank, "PNG")
    assert ocr.read(blank.getvalue()).status == "unreadable"
    huge = BytesIO()
    Image.new("1", (5000, 3000)).save(huge, "PNG")  # 15 MP, a few kB compressed
    assert ocr.read(huge.getvalue()).status == "too_large"
    assert ocr.read(b"not a picture at all").status == "not_image"
    assert TesseractOcr(max_bytes=1000).read(blank.getvalue() + b"\0" * 1000).status == "too_large"
