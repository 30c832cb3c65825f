"""Screenshots of the web chat on small phones (issue 26), committed in docs/screenshots/.

    PYTHONPATH=. .venv/bin/python -m tests.e2e.screenshots [--out docs/screenshots]

Starts `binhdan serve` on the bundled knowledge base (fake embedder, fresh SQLite database in a temporary
folder), opens the chat in Debian's Chromium at 360×640 and at 240×427 (device scale factor 3) and saves,
for each size: the first screen (greeting and consent question), and the screen after the question
"quen mat khau vneid" (the answer shown from its first line). `-large` files are the same at 1.5× text.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.e2e.chatserver import CHROMIUM, CHROMIUM_ARGS, ROOT, chat_server

SIZES = (("360x640", 360, 640, 2), ("240x427", 240, 427, 3))
LARGE = 24  # px: the browser's default text size at 1.5× (Chrome's default is 16 px)


def large_text(page, px: int = LARGE) -> None:  # type: ignore[no-untyped-def]
    """Set the browser's own default text size, as a phone's text-size setting does (Chrome on Android
    scales the default font size). Playwright cannot set the OS setting; the DevTools protocol's
    Page.setFontSizes sets the same preference, so a page sized in rem grows and one in px would not."""
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": px, "fixed": px}})


def settled(page, bots_before: int, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until a new bot message is shown and nothing is in flight (polled from Python: the page's CSP
    forbids the eval that `wait_for_function` needs)."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate("[document.querySelectorAll('.msg.bot:not(.wait)').length, "
                         "!!document.querySelector('.msg.wait')]") [1] is False and \
                page.locator(".msg.bot:not(.wait)").count() > bots_before:
            page.wait_for_timeout(100)
            return
        page.wait_for_timeout(100)
    raise TimeoutError("no answer")


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    n = page.locator(".msg.bot:not(.wait)").count()
    page.fill("#text", text)
    page.press("#text", "Enter")
    settled(page, n)


def shoot(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for name, w, h, dsf in SIZES:
            for suffix in ("", "-large"):
                ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=dsf,
                                          is_mobile=True, has_touch=True)
                page = ctx.new_page()
                if suffix:
                    large_text(page)
                page.goto(url + "/")
                page.wait_for_selector("text=Xin chào", timeout=20_000)
                page.wait_for_timeout(300)
                first = out / f"chat-{name}{suffix}.png"
                page.screenshot(path=str(first))
                page.locator(".buttons button", has_text="Đồng ý").first.click()
                page.wait_for_selector("text=Cảm ơn bạn", timeout=20_000)
                ask(page, "quen mat khau vneid")
                answer = out / f"chat-{name}{suffix}-answer.png"
                page.screenshot(path=str(answer))
                saved += [first, answer]
                ctx.close()
        browser.close()
    return saved


def shrink(path: Path) -> None:
    """256-colour PNG: a tenth of the size, still sharp for text on flat colours (they live in git)."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, chat_server(Path(tmp), ROOT / "knowledge") as srv:
        for path in shoot(srv.url, args.out):
            shrink(path)
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
