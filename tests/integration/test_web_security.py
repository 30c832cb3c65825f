"""Web security: headers with a strict CSP on every response, 429 with Retry-After per session and per IP,
webhooks over the limit acknowledged (200) with one polite reply, production mode refusing weak secrets,
`binhdan doctor` reporting them, and a schemathesis fuzz run of the HTTP API (no 5xx)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.bootstrap import ingest
from bot.config import ConfigError, security_problems
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from tests.conftest import ROOT, make_settings
from tests.fakes import tg_text_update

SECRET = "Zq8-webhook-secret-for-tests-4471"


def client(tmp_path: Path, db_url: str, mini_kb: Path, **env: str) -> TestClient:
    s = make_settings(tmp_path, db_url=db_url, **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    return TestClient(create_app(s))


@pytest.fixture
def app(tmp_path: Path, mini_kb: Path) -> Iterator[TestClient]:
    with client(tmp_path, f"sqlite:///{tmp_path / 's.db'}", mini_kb, BINHDAN_SERVER__RUN_WORKERS="false") as c:
        yield c


def test_every_response_carries_the_security_headers(app: TestClient) -> None:
    for path in ("/", "/static/chat.js", "/static/chat.css", "/healthz", "/nope", "/api/chat/updates?wait=0"):
        r = app.get(path)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer" and r.headers["x-frame-options"] == "DENY"
        assert "camera=()" in r.headers["permissions-policy"]
        assert "microphone=(self)" in r.headers["permissions-policy"]  # the chat's 🎤 button, this origin only
        assert "strict-transport-security" not in r.headers  # development: no HSTS
    assert app.post("/api/chat", content=b"x" * 70_000,
                    headers={"content-type": "application/json"}).headers["x-frame-options"] == "DENY"


def test_the_chat_page_has_no_inline_script_or_style() -> None:
    html = (ROOT / "bot" / "web" / "static" / "index.html").read_text(encoding="utf-8")
    import re

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # every script is a file
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html


def test_web_chat_limits_per_session_and_per_ip(tmp_path: Path, mini_kb: Path) -> None:
    with client(tmp_path, f"sqlite:///{tmp_path / 'l.db'}", mini_kb, BINHDAN_SERVER__RUN_WORKERS="false",
                BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE="3", BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE="6") as c:
        a, b = (c.post("/api/chat/session").json()["session_id"] for _ in range(2))  # 2 requests from the IP
        c.cookies.clear()
        codes = [c.post("/api/chat", json={"text": f"cau {i}"}, headers={"X-Chat-Session": a}).status_code
                 for i in range(3)]
        assert codes == [200, 200, 200]
        r = c.post("/api/chat", json={"text": "lai"}, headers={"X-Chat-Session": a})  # 4th of the session: over 3
        assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
        body = r.json()
        assert body["error"] == "too many requests" and "nhanh quá" in body["message"] and body["retry_after_s"] >= 1
        assert c.post("/api/chat", json={"text": "y"}, headers={"X-Chat-Session": b}).status_code == 429  # IP: 6/min
        assert c.get("/api/chat/updates?wait=0", headers={"X-Chat-Session": b}).status_code == 429


def test_webhook_over_the_limit_is_acknowledged_with_one_polite_reply(tmp_path: Path, mini_kb: Path) -> None:
    env = {"BINHDAN_TELEGRAM__TOKEN": "123456:TEST-token", "BINHDAN_TELEGRAM__API_BASE_URL": "http://127.0.0.1:9",
           "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
           "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_SERVER__RUN_WORKERS": "false",
           "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "4"}
    with client(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", mini_kb, **env) as c:
        h = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        codes = [c.post("/webhooks/telegram", json=tg_text_update(100 + i, 77, f"hoi {i}"), headers=h).status_code
                 for i in range(15)]
        assert codes == [200] * 15  # never a 429 to Telegram: it would retry
        svc = c.app.state.services  # type: ignore[attr-defined]
        from sqlalchemy import text

        with svc.sessions() as s:
            stored = s.execute(text("SELECT count(*) FROM inbox WHERE user_ref = '77'")).scalar()
            polite = s.execute(text("SELECT count(*) FROM outbox WHERE user_ref = '77'")).scalar()
        assert stored == 4 and polite == 1


def test_production_mode_refuses_weak_secrets_and_doctor_reports_them(tmp_path: Path) -> None:
    weak = make_settings(tmp_path, BINHDAN_APP__MODE="production", BINHDAN_TELEGRAM__TOKEN="123:abc",
                         BINHDAN_TELEGRAM__WEBHOOK_URL="http://bot.example/webhooks/telegram",
                         BINHDAN_TELEGRAM__WEBHOOK_SECRET="changeme", BINHDAN_ZALO__APP_ID="1",
                         BINHDAN_ZALO__OA_SECRET_KEY="secret", BINHDAN_PRIVACY__PSEUDONYM_KEY="changeme-changeme")
    problems = security_problems(weak)
    assert any(p.startswith("privacy.pseudonym_key") for p in problems)
    assert any(p.startswith("telegram.webhook_secret") for p in problems)
    assert any(p.startswith("telegram.webhook_url") for p in problems)
    assert any(p.startswith("zalo.oa_secret_key") for p in problems)
    with pytest.raises(ConfigError, match="refusing to start in production mode"):
        create_app(weak)
    strong = make_settings(tmp_path, BINHDAN_APP__MODE="production", BINHDAN_TELEGRAM__TOKEN="123:abc",
                           BINHDAN_TELEGRAM__WEBHOOK_URL="https://bot.example.gov.vn/webhooks/telegram",
                           BINHDAN_TELEGRAM__WEBHOOK_SECRET="k3J9-xQ2p_Lm7vR8-wZ4t")
    assert security_problems(strong) == []
    c = TestClient(create_app(strong))  # accepted (no lifespan here: nothing else is needed); HSTS in production
    assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=")

    env = {**os.environ, "BINHDAN_APP__MODE": "production", "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "changeme",
           "BINHDAN_TELEGRAM__TOKEN": "123:abc", "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://x.gov.vn/webhooks/telegram",
           "BINHDAN_DATABASE__URL": f"sqlite:///{tmp_path / 'd.db'}", "BINHDAN_INDEX__DIR": str(tmp_path / "none")}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "doctor"], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1
    assert "security: ERROR telegram.webhook_secret: shorter than 16 characters" in r.stdout
    assert "changeme" not in r.stdout + r.stderr and "rate limits: 20/min per citizen" in r.stdout
    r = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 2 and "refusing to start in production mode" in r.stderr
    assert "changeme" not in r.stderr and "Traceback" not in r.stderr


def test_fuzz_the_http_api_from_its_openapi_schema(tmp_path: Path, mini_kb: Path) -> None:
    """schemathesis generates requests from the app's own OpenAPI schema: never a 5xx, whatever comes."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    with client(tmp_path, f"sqlite:///{tmp_path / 'f.db'}", mini_kb, BINHDAN_SERVER__RUN_WORKERS="false",
                BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE="0") as c:
        schema = schemathesis.openapi.from_asgi("/openapi.json", c.app)
        ops = [op.ok() for op in schema.get_all_operations()]
        paths = {op.path for op in ops}
        assert {"/api/chat", "/api/chat/updates", "/api/chat/export", "/api/chat/session"} <= paths
        failures: list[str] = []
        for op in ops:
            if op.path.startswith("/webhooks") or op.path.endswith("/stream"):
                strategy_settings = settings(max_examples=15, deadline=None,
                                             suppress_health_check=list(HealthCheck))
            else:
                strategy_settings = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))

            @strategy_settings
            @given(case=op.as_strategy())
            def run(case: schemathesis.Case) -> None:
                if case.path.endswith("/updates") and isinstance(case.query, dict):
                    case.query["wait"] = 0  # long-polling is not what is fuzzed here
                response = case.call()
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")

            run()
        assert failures == []
