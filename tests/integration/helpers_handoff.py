"""Shared by the hand-off and helpdesk tests: the volunteers' password, commune codes, the app, log-in, polling."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot.bootstrap import ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from tests.conftest import ROOT, make_settings
from tests.fakes import ServerThread, wait_for
from tests.webchat import session_for, updates

PW = "mat-khau-rat-dai-2026"
THUONG_LAM, HA_GIANG = "02269", "00691"


def _app(tmp_path: Path, db_url: str, mini_kb: Path, **env: str) -> tuple[Any, ServerThread]:
    s = make_settings(tmp_path, db_url=db_url, BINHDAN_HANDOFF__HOURS="00:00-23:59", **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb, ROOT / "knowledge/guides/safety",
                                              ROOT / "knowledge/guides/payments"])
    return s, ServerThread(create_app(s))


def _login(url: str, username: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=url, timeout=30)
    r = c.post("/api/auth/login", json={"username": username, "password": PW})
    assert r.status_code == 200, r.text
    assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
    return c, r.json()["csrf_token"]


def _updates(url: str, sid: str, want: int = 1) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []

    def poll() -> bool:
        got.extend(updates(url, session_for(url, sid), wait=1).json()["replies"])
        return len(got) >= want

    wait_for(poll, timeout=20)
    return got

