"""Shared by the OCR tests: skip (or fail, with BINHDAN_REQUIRE_OCR=1) when tesseract with Vietnamese is missing."""

from __future__ import annotations

import os

import pytest

from bot.infra.ocr import tesseract_available


def require_ocr() -> None:
    if not tesseract_available("vie"):
        if os.environ.get("BINHDAN_REQUIRE_OCR") == "1":
            pytest.fail("tesseract-ocr / tesseract-ocr-vie are not installed (BINHDAN_REQUIRE_OCR=1)")
        pytest.skip("tesseract-ocr with Vietnamese data is not installed")

