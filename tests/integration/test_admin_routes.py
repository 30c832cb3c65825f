"""Every route of the app, enumerated from `app.routes`: each admin / volunteer page and every /api/ route
(except the public chat, webhooks, health, metrics, certificate checks and log-in) refuses an anonymous
caller (401, or a redirect to the log-in page) and a caller with the wrong role (403), and every
state-changing request without the session's CSRF token is refused (403). A route the table below does not
know fails the test, so a new route must say who may use it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from tests.integration.admin_helpers import PW, USERS, admin_app

ALL = ("admin", "editor", "viewer", "volunteer")
KB, DASH, ADMIN, VOL = ("admin", "editor"), ("admin", "viewer"), ("admin",), ("admin", "volunteer")
PUBLIC = re.compile(r"^(/|/openapi\.json|/healthz|/readyz|/metrics|/login|/verify(/.*)?|/certificates/.*|"
                    r"/webhooks/.*|/api/chat(/.*)?|/api/check(/image)?|/api/auth/login|/static|"
                    # a ticket's file (the ticket's staff or the citizen's own chat session, else 404) and an
                    # answer read aloud (an unguessable, short-lived token): their own checks are tested in
                    # test_helpdesk.py and test_voice.py
                    r"/api/files/\{file_id\}|/voice/clips/\{token\}\.ogg|/manifest\.webmanifest)$")
# path -> roles allowed (every method of the path)
ROLES: dict[str, tuple[str, ...]] = {
    "/api/auth/logout": ALL, "/api/auth/me": ALL,
    "/volunteer": VOL, "/api/tickets": VOL, "/api/tickets/{ticket_id}": VOL, "/api/tickets/{ticket_id}/claim": VOL,
    "/api/tickets/{ticket_id}/messages": VOL, "/api/tickets/{ticket_id}/close": VOL,
    "/api/tickets/{ticket_id}/release": VOL, "/api/volunteer/status": VOL,
    "/api/volunteer/telegram-link": VOL, "/api/tickets/metrics": DASH,
    "/api/faq-proposals": KB, "/api/faq-proposals/{proposal_id}/approve": KB, "/api/faq-proposals/{proposal_id}/reject": KB,
    "/admin": DASH, "/api/admin/dashboard": DASH, "/api/admin/dashboard/{name}.csv": DASH,
    "/admin/kb": KB, "/admin/kb/edit": KB, "/admin/kb/playground": KB, "/admin/unanswered": KB, "/admin/faq": KB,
    "/api/admin/unanswered": KB, "/api/admin/unanswered/ignore": KB, "/api/admin/unanswered/link": KB,
    "/api/admin/kb/guides": KB, "/api/admin/kb/guides/{doc_id}": KB, "/api/admin/kb/stale": KB,
    "/api/admin/kb/preview": KB, "/api/admin/kb/upload": KB, "/api/admin/kb/drafts": KB,
    "/api/admin/kb/drafts/{name}": KB, "/api/admin/kb/drafts/{name}/publish": KB,
    "/api/admin/kb/guides/{doc_id}/unpublish": KB, "/api/admin/kb/reindex": KB, "/api/admin/kb/jobs": KB,
    "/api/admin/kb/jobs/{job_id}": KB, "/api/admin/kb/playground": KB,
    "/admin/users": ADMIN, "/admin/settings": ADMIN, "/admin/audit": ADMIN, "/api/admin/users": ADMIN,
    "/api/admin/users/{user_id}/disabled": ADMIN, "/api/admin/users/{user_id}/password": ADMIN,
    "/api/admin/users/{user_id}/communes": ADMIN, "/api/admin/communes": ADMIN, "/api/admin/settings": ADMIN,
    "/api/admin/audit": ADMIN,
    "/admin/scam": KB, "/api/admin/scam/reports": KB, "/api/admin/scam/reports/{report_id}": KB,
    "/api/admin/scam/reports/import": KB, "/api/admin/scam/reports.csv": KB, "/api/tickets/{ticket_id}/scam-confirm": VOL,
    # announcements and classes (issue 21): editors write announcements; volunteers also run classes
    "/admin/announce": KB, "/admin/classes": ("admin", "editor", "volunteer"),
    "/api/outreach/audience": KB, "/api/outreach/campaigns": KB, "/api/outreach/campaigns/{campaign_id}/{verb}": KB,
    "/api/outreach/campaigns/{campaign_id}/recipients.csv": KB,
    **{p: ("admin", "editor", "volunteer") for p in (
        "/api/outreach/classes", "/api/outreach/classes/import", "/api/outreach/classes/{class_id}/attendance",
        "/api/outreach/classes/{class_id}/cancel", "/api/outreach/classes/{class_id}/registrations",
        "/api/outreach/classes/{class_id}/report", "/api/outreach/classes/{class_id}/report.csv")},
    # hand-off extras (issue 22)
    **{p: VOL for p in (
        "/api/helpdesk/me", "/api/volunteer/presence", "/api/helpdesk/schedules", "/api/helpdesk/schedules/{team}",
        "/api/snippets", "/api/snippets/{snippet_id}", "/api/guides", "/api/guides/{doc_id}/reply",
        "/api/tickets/{ticket_id}/files", "/api/tickets/{ticket_id}/extras", "/api/tickets/{ticket_id}/typing")},
    "/api/helpdesk/csat": DASH, "/api/helpdesk/reviews": ALL, "/api/helpdesk/reviews/{review_id}/resolve": ALL,
}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route, included routers unfolded."""
    out: list[tuple[str, str]] = []

    def walk(items: Any, prefix: str = "") -> None:
        for r in items:
            sub = getattr(r, "original_router", None)
            if sub is not None:
                ctx = getattr(r, "include_context", None)
                walk(sub.routes, prefix + (getattr(ctx, "prefix", "") or ""))
            elif hasattr(r, "path"):
                for m in sorted(getattr(r, "methods", None) or {"GET"}):
                    if m != "HEAD":
                        out.append((m, prefix + r.path))

    walk(app.routes)
    return out


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: {"name": "summary"}.get(m.group(1), "1"), path)


def refused_anonymous(r: httpx.Response) -> bool:
    return r.status_code == 401 or (r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login"))


def test_every_route_checks_the_role_and_the_csrf_token(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, app, server = admin_app(tmp_path, db_url, mini_kb)
    found = routes(app)
    assert len(found) > 50
    unknown = sorted({p for _, p in found if not PUBLIC.match(p) and p not in ROLES})
    assert unknown == [], f"routes without a role decision: {unknown}"
    guarded = [(m, p) for m, p in found if not PUBLIC.match(p)]
    assert {p for _, p in guarded} == set(ROLES)
    with server as srv:
        clients: dict[str, tuple[httpx.Client, str]] = {}
        for name, role in USERS.items():
            c = httpx.Client(base_url=srv.url, timeout=30, follow_redirects=False)
            r = c.post("/api/auth/login", json={"username": name, "password": PW})
            assert r.status_code == 200
            clients[role] = (c, r.json()["csrf_token"])
        anon = httpx.Client(base_url=srv.url, timeout=30, follow_redirects=False)
        for method, path in guarded:
            url = concrete(path)
            r = anon.request(method, url, json={})
            assert refused_anonymous(r), (method, path, r.status_code)
            for role, (c, token) in clients.items():
                if role in ROLES[path]:
                    continue
                r = c.request(method, url, json={}, headers={"X-CSRF-Token": token})
                assert r.status_code == 403, (method, path, role, r.status_code, r.text[:200])
            allowed = ROLES[path][0]
            c, token = clients[allowed]
            if method in STATE_CHANGING:
                for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
                    r = c.request(method, url, json={}, headers=headers)
                    assert r.status_code == 403 and "CSRF" in r.text, (method, path, headers, r.status_code)
            else:
                r = c.request(method, url)
                assert r.status_code not in (401, 403), (method, path, allowed, r.status_code)
        # an HTML page for the wrong role is a readable Vietnamese page, not JSON
        c, _ = clients["volunteer"]
        r = c.get("/admin/kb")
        assert r.status_code == 403 and "không có quyền" in r.text and r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]
        r = anon.get("/admin/users?x=1")
        assert r.headers["location"] == "/login?next=%2Fadmin%2Fusers%3Fx%3D1"


def test_login_is_throttled(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb, BINHDAN_AUTH__LOGIN_FREE_FAILURES="3")
    with server as srv:
        wrong = {"username": "quantri", "password": "sai-mat-khau-1234"}
        codes = [httpx.post(f"{srv.url}/api/auth/login", json=wrong).status_code for _ in range(5)]
        assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]
        # even the right password waits out the minute
        assert httpx.post(f"{srv.url}/api/auth/login", json={"username": "quantri", "password": PW}).status_code == 429
