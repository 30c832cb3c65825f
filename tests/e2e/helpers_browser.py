"""Shared by the browser tests: where Chromium is, where artifacts go, whether to skip, and the browser fixture."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"


@pytest.fixture(name="browser", scope="module")
def browser_fixture() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()

