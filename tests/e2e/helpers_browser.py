"""Shared by the browser tests: where Chromium is, where artifacts go, whether to skip, and the browser fixture."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = not Path(CHROMIUM).exists() and os.environ.get("BINHDAN_REQUIRE_BROWSER") != "1"
ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync")


@contextmanager
def chromium(*extra_args: str) -> Iterator[object]:
    """Debian's chromium through Playwright (never a browser download), with `extra_args` added."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*ARGS, *extra_args])
        try:
            yield b
        finally:
            b.close()


def fake_microphone_args(wav: Path) -> tuple[str, ...]:
    """Chromium flags for a microphone that plays `wav` (PCM WAV) once, then silence, with the permission
    prompt accepted; autoplay allowed so that a test can press play on an <audio> element from a script."""
    return ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop", "--autoplay-policy=no-user-gesture-required")


@pytest.fixture(name="browser", scope="module")
def browser_fixture() -> Iterator[object]:
    with chromium() as b:
        yield b
