"""A `binhdan serve` process for the web-chat browser tests and the screenshot command: a fresh SQLite
database and an index built with the fake embedder (lexical retrieval decides), over the test mini
knowledge base or the bundled `knowledge/`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.fakes import free_port
from tests.serve_process import ServeProcess

ROOT = Path(__file__).resolve().parents[2]
MINI_KB = ROOT / "tests" / "data" / "mini_kb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def chat_env(tmp: Path, kb: Path = MINI_KB, **extra: str) -> dict[str, str]:
    """Environment for a server on `kb` (indexed now, fake embedder) with its own database under `tmp`."""
    from bot.bootstrap import ingest
    from bot.retrieval.embedders import FakeEmbedder
    from tests.conftest import make_settings

    db = f"sqlite:///{tmp / 'web.db'}"
    env = {"BINHDAN_DATABASE__URL": db, "BINHDAN_INDEX__DIR": str(tmp / "index"), "BINHDAN_EMBEDDER__KIND": "fake",
           "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5",
           "BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "0", "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "0",
           **extra}
    settings = make_settings(tmp, db_url=db)
    ingest(settings, embedder=FakeEmbedder(), paths=[kb])
    return env


@contextmanager
def chat_server(tmp: Path, kb: Path = MINI_KB, **extra: str) -> Iterator[ServeProcess]:
    srv = ServeProcess(chat_env(tmp, kb, **extra), free_port(), tmp / "serve.log").start()
    try:
        yield srv
    finally:
        srv.stop()
