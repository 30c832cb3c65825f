"""Reported scam domains and numbers in the admin console, the checker reading them without a restart, the
volunteer's confirmation of a checked message, and the anonymous statistics (issue 20), against the real
app on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
from sqlalchemy import inspect, select

from bot.bootstrap import ReportedLists, build_scam_checker, build_sessions
from bot.core.scamcheck.reports import CONFIRMED_SOURCE, ReportItem
from bot.storage.scamreports import SqlScamReports
from bot.storage.tables.scam import ScamCheckRow
from tests.conftest import make_settings
from tests.integration.admin_helpers import Session, admin_app, ask

FINE_SMS = ("CSGT thong bao phuong tien cua ban vi pham giao thong. Xem chi tiet va nop phat tai "
            "tracuu-vipham-giaothong.online truoc ngay 20/12.")
HOST = "tracuu-vipham-giaothong.online"


def _check(url: str, text: str) -> dict[str, object]:
    r = httpx.post(f"{url}/api/check", json={"text": text}, timeout=30)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_admin_adds_imports_lists_deletes_and_exports_reported_items(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    with server as srv:
        admin, viewer = Session(srv.url, "quantri"), Session(srv.url, "theodoi")
        assert viewer.get("/api/admin/scam/reports").status_code == 403
        assert admin.get("/admin/scam").status_code == 200
        r = admin.post("/api/admin/scam/reports", json={"kind": "domain", "value": "https://www.VNeID-CapNhat.com/login",
                                                        "source": "Công an tỉnh Tuyên Quang", "reported_on": "2026-11-20"})
        assert r.status_code == 200, r.text
        assert r.json()["report"]["value"] == "vneid-capnhat.com"
        assert admin.post("/api/admin/scam/reports", json={"kind": "domain", "value": "vneid-capnhat.com"}).status_code == 409
        bad = admin.post("/api/admin/scam/reports", json={"kind": "phone", "value": "goi ngay"})
        assert bad.status_code == 422 and "không phải số điện thoại" in bad.json()["detail"]["message"]

        broken = ("kind,value,source,reported_on,note\n"
                  "domain,shopee-hoantien.top,Bộ Công an,2026-11-01,\n"
                  "phone,+84 912 000 111,Ngân hàng,01/11/2026,\n"
                  "fax,123,,,\n"
                  "domain,khong co dau cham,,,\n"
                  "domain,ok-domain.xyz,,2099-01-01,\n")
        r = admin.post("/api/admin/scam/reports/import", content=broken.encode())
        assert r.status_code == 422
        errors = r.json()["detail"]["errors"]
        assert [e.split(":")[0] for e in errors] == ["Dòng 4", "Dòng 5", "Dòng 6"], errors
        assert len(admin.get("/api/admin/scam/reports").json()["reports"]) == 1  # nothing half-written

        good = ("kind,value,source,reported_on,note\n"
                "domain,shopee-hoantien.top,Bộ Công an,2026-11-01,\n"
                "phone,+84 912 000 111,Ngân hàng,01/11/2026,=HYPERLINK(\"http://x\")\n"
                "domain,vneid-capnhat.com,,,\n"
                "domain,shopee-hoantien.top,,,\n")
        r = admin.post("/api/admin/scam/reports/import", content=good.encode())
        assert r.status_code == 200, r.text
        assert r.json() == {"added": 2, "skipped": 1}
        listed = admin.get("/api/admin/scam/reports").json()["reports"]
        assert {(x["kind"], x["value"]) for x in listed} == {
            ("domain", "vneid-capnhat.com"), ("domain", "shopee-hoantien.top"), ("phone", "0912000111")}
        assert [x["value"] for x in admin.get("/api/admin/scam/reports?kind=phone").json()["reports"]] == ["0912000111"]

        too_big = "kind,value\n" + "".join(f"domain,d{i}.xyz\n" for i in range(5001))
        r = admin.post("/api/admin/scam/reports/import", content=too_big.encode())
        assert r.status_code == 422 and any("quá 5000 dòng" in e for e in r.json()["detail"]["errors"])

        exported = admin.get("/api/admin/scam/reports.csv")
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
        note = next(x["note"] for x in rows if x["kind"] == "phone")
        assert note.startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it

        phone_id = next(x["id"] for x in listed if x["kind"] == "phone")
        assert admin.delete(f"/api/admin/scam/reports/{phone_id}").status_code == 200
        assert admin.delete(f"/api/admin/scam/reports/{phone_id}").status_code == 404
        assert len(admin.get("/api/admin/scam/reports").json()["reports"]) == 2
        actions = [e["action"] for e in admin.get("/api/admin/audit?prefix=scam.").json()["entries"]]
        assert sorted(set(actions)) == ["scam.report_add", "scam.report_delete", "scam.report_import"]


def test_imported_domain_is_danger_through_api_check_without_restart(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    with server as srv:
        before = _check(srv.url, f"Link nay co an toan khong: https://{HOST}/tra-cuu")
        assert "link_reported" not in [x["code"] for x in before["reasons"]]  # type: ignore[union-attr]
        admin = Session(srv.url, "quantri")
        r = admin.post("/api/admin/scam/reports/import",
                       content=f"kind,value,source\ndomain,{HOST},Công an tỉnh\nphone,0987 654 321,Công an tỉnh\n".encode())
        assert r.status_code == 200, r.text
        after = _check(srv.url, f"Link nay co an toan khong: https://{HOST}/tra-cuu")
        assert after["verdict"] == "danger"
        assert "link_reported" in [x["code"] for x in after["reasons"]]  # type: ignore[union-attr]
        by_phone = _check(srv.url, "Goi lai cho toi so 0987.654.321 nhe")
        assert by_phone["verdict"] == "danger" and "phone_reported" in [x["code"] for x in by_phone["reasons"]]  # type: ignore[union-attr]


def test_other_processes_pick_up_reported_items_on_their_next_refresh(tmp_path: Path, db_url: str) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    reports = SqlScamReports(build_sessions(s))
    other = build_scam_checker(s)  # another process's checker, built before the change
    refresher = ReportedLists(other, reports)
    refresher.refresh()
    assert other.check(f"vao {HOST} ngay").verdict != "danger" or "link_reported" not in [
        r.code for r in other.check(f"vao {HOST} ngay").reasons]
    added, _ = reports.add([ReportItem("domain", HOST, "test")], added_by="user:1")
    assert refresher.refresh() is True and refresher.refresh() is False  # reloads once per change
    assert "link_reported" in [r.code for r in other.check(f"vao {HOST} ngay").reasons]
    reports.delete(added[0].id)
    assert refresher.refresh() is True
    assert "link_reported" not in [r.code for r in other.check(f"vao {HOST} ngay").reasons]


def test_checks_keep_only_week_channel_verdict_and_host_and_show_on_the_dashboard(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    secret = "0912345678"
    with server as srv:
        ask(srv.url, "phien-kiemtra-1", "/kiemtra")
        out = ask(srv.url, "phien-kiemtra-1", f"Tai khoan VNeID cua ban bi khoa. Xac thuc tai https://vneid.gov.vn.xac-thuc.top "
                                              f"hoac goi {secret}, doc ma OTP cho can bo.")
        assert "nguy hiểm" in out["replies"][0]["text"].lower() or "lừa đảo" in out["replies"][0]["text"].lower()
        _check(srv.url, "Ma OTP cua ban la 123456. KHONG chia se ma nay cho bat ky ai.")
        sessions = build_sessions(s)
        cols = {c["name"] for c in inspect(sessions.kw["bind"]).get_columns("scam_checks")}
        assert cols == {"id", "week", "channel", "verdict", "host"}
        with sessions() as db:
            rows = [(r.channel, r.verdict, r.host) for r in db.scalars(select(ScamCheckRow).order_by(ScamCheckRow.id))]
        assert rows[0] == ("web", "danger", "vneid.gov.vn.xac-thuc.top")
        assert rows[1][0] == "api" and rows[1][2] == ""
        assert not any(secret in str(x) or "OTP" in str(x) for x in rows)
        viewer = Session(srv.url, "theodoi")
        tables = viewer.get("/api/admin/dashboard").json()["tables"]
        week = tables["scam_weeks"]["rows"]
        assert sum(int(r["checks"]) for r in week) == 2 and sum(int(r["danger"]) for r in week) == 1
        assert tables["scam_hosts"]["rows"] == [{"host": "vneid.gov.vn.xac-thuc.top", "checks": 1}]


def test_volunteer_confirms_a_checked_message_and_its_domain_becomes_reported(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    with server as srv:
        ask(srv.url, "phien-khan-cap-1", "/kiemtra")
        out = ask(srv.url, "phien-khan-cap-1", "Nhan qua tri an khach hang tai https://quatang-vietcombank.click, "
                                               "toi da chuyen tien roi, 2 trieu.")
        assert any("phiếu số" in r["text"] for r in out["replies"]), out  # the urgent ticket's number is said
        admin = Session(srv.url, "quantri")
        tickets = admin.get("/api/tickets?status=open").json()["tickets"]
        ticket = next(t for t in tickets if t["priority"] == "urgent")
        view = admin.get(f"/api/tickets/{ticket['id']}").json()["ticket"]
        assert view["summary"]["context"].startswith("scam check: quatang-vietcombank.click")
        r = admin.post(f"/api/tickets/{ticket['id']}/scam-confirm")
        assert r.status_code == 200, r.text
        assert r.json()["added"] == ["quatang-vietcombank.click"]
        listed = admin.get("/api/admin/scam/reports").json()["reports"]
        assert listed[0]["source"] == CONFIRMED_SOURCE and listed[0]["note"] == f"phiếu #{ticket['id']}"
        again = _check(srv.url, "Vao quatang-vietcombank.click de nhan qua")
        assert "link_reported" in [x["code"] for x in again["reasons"]]  # type: ignore[union-attr]
