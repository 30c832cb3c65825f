"""The knowledge base in the admin console against the real server, on SQLite and PostgreSQL: an upload is
previewed, saved as a draft (not indexed), published by a background job with visible progress, and the
web chat answers from it without a restart; a failed upload or a failed publish changes nothing; FAQ tables
report errors per row; edits of a bundled guide replace it through the managed copy; the stale report."""

from __future__ import annotations

import io
from pathlib import Path

import httpx

from tests.integration.admin_helpers import GUIDE, Session, admin_app, ask, source_of


def _build(url: str, s: Session) -> str:
    return str(s.get("/api/admin/kb/guides").json()["index"]["build_id"])


def test_upload_publish_answer_unpublish(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _settings, _app, server = admin_app(tmp_path, db_url, mini_kb)
    managed = tmp_path / "managed"
    with server as srv:
        ed = Session(srv.url, "bientap")
        before = ask(srv.url, "citizen-kb-0001", "đổi số điện thoại VNeID thế nào")
        assert source_of(before) != "vneid-doi-so-dien-thoai"
        build0 = _build(srv.url, ed)

        # a broken upload is refused with its errors, and nothing is written
        broken = GUIDE.replace("topic: vneid\n", "topic: [vneid\n")
        r = ed.post("/api/admin/kb/upload?filename=doi-sdt.md&publish=true", content=broken.encode())
        assert r.status_code == 422 and r.json()["detail"]["errors"], r.text
        bad_topic = ed.post("/api/admin/kb/preview?filename=x.md", content=GUIDE.replace("topic: vneid", "topic: bò").encode())
        assert not bad_topic.json()["preview"]["ok"] and "Chủ đề" in bad_topic.json()["preview"]["errors"][0]
        assert not managed.exists() or not any(p.is_file() for p in managed.rglob("*"))
        assert _build(srv.url, ed) == build0

        # preview: the chunks that will be indexed; a draft is not indexed
        p = ed.post("/api/admin/kb/preview?filename=doi-sdt.md", content=GUIDE.encode()).json()["preview"]
        assert p["ok"] and p["documents"][0]["id"] == "vneid-doi-so-dien-thoai"
        assert any("1. Mang thẻ căn cước" in c["text"] for c in p["documents"][0]["chunks"])
        r = ed.post("/api/admin/kb/upload?filename=doi-sdt.md", content=GUIDE.encode())
        assert r.status_code == 200 and r.json()["draft"] == "vneid-doi-so-dien-thoai"
        assert (managed / ".drafts" / "vneid-doi-so-dien-thoai.md").exists()
        listed = ed.get("/api/admin/kb/guides?q=doi so dien thoai").json()["documents"]
        assert [(d["id"], d["status"]) for d in listed] == [("vneid-doi-so-dien-thoai", "draft")]
        assert _build(srv.url, ed) == build0

        # publish: a job with progress; then the chat answers from it, no restart
        job = ed.post("/api/admin/kb/drafts/vneid-doi-so-dien-thoai/publish").json()["job"]
        assert job["status"] == "running"
        done = ed.wait_job(job)
        assert done["status"] == "done", done
        assert done["detail"]["summary"]["added"] == 1
        assert _build(srv.url, ed) != build0
        assert (managed / "guides" / "vneid" / "vneid-doi-so-dien-thoai.md").exists()
        after = ask(srv.url, "citizen-kb-0002", "đổi số điện thoại VNeID thế nào")
        assert source_of(after) == "vneid-doi-so-dien-thoai"
        view = ed.get("/api/admin/kb/guides/vneid-doi-so-dien-thoai").json()
        assert view["published"] and view["origin"] == "managed" and view["chunks"]
        assert view["front"]["questions"] == ["Đổi số điện thoại VNeID thế nào?"]
        for pattern in ("*", "vneid-*", "[v]neid-doi-so-dien-thoai"):  # an id is never a file pattern
            assert ed.get(f"/api/admin/kb/guides/{pattern}").status_code == 404
        pg = ed.post("/api/admin/kb/playground", json={"question": "doi so dien thoai vneid"}).json()
        assert pg["passages"][0]["doc_id"] == "vneid-doi-so-dien-thoai" and pg["answer"]["covered"]
        assert {"score", "dense", "lexical"} <= set(pg["passages"][0])

        # every step is in the audit log, with the text
        adm = Session(srv.url, "quantri")
        log = adm.get("/api/admin/audit?prefix=kb.").json()["entries"]
        actions = [e["action"] for e in log]
        assert actions[:2] == ["kb.publish", "kb.upload"]
        assert "1. Mang thẻ căn cước" in log[0]["details"]["content"]["after"] and log[0]["who"] == "bientap"

        # unpublish: out of the index, back to a draft
        job = ed.post("/api/admin/kb/guides/vneid-doi-so-dien-thoai/unpublish").json()["job"]
        assert ed.wait_job(job)["status"] == "done"
        gone = ask(srv.url, "citizen-kb-0003", "đổi số điện thoại VNeID thế nào")
        assert source_of(gone) != "vneid-doi-so-dien-thoai"
        assert (managed / ".drafts" / "vneid-doi-so-dien-thoai.md").exists()
        # a bundled guide cannot be unpublished from here
        r = ed.post("/api/admin/kb/guides/test-vneid-muc-2/unpublish")
        assert r.status_code == 409


def test_failed_publish_leaves_index_and_files_as_they_were(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _settings, _app, server = admin_app(tmp_path, db_url, mini_kb)
    managed = tmp_path / "managed"
    with server as srv:
        ed = Session(srv.url, "bientap")
        assert ed.post("/api/admin/kb/upload?filename=doi-sdt.md", content=GUIDE.encode()).status_code == 200
        build0 = _build(srv.url, ed)
        # a broken file appears in the managed folder (copied by hand): the ingest run fails
        (managed / "guides" / "local").mkdir(parents=True)
        (managed / "guides" / "local" / "hong.md").write_text("---\nid: [x\n---\nbody\n", encoding="utf-8")
        job = ed.post("/api/admin/kb/drafts/vneid-doi-so-dien-thoai/publish").json()["job"]
        failed = ed.wait_job(job)
        assert failed["status"] == "failed" and "hong.md" in " ".join(failed["detail"]["errors"])
        assert _build(srv.url, ed) == build0
        assert not (managed / "guides" / "vneid" / "vneid-doi-so-dien-thoai.md").exists()
        assert (managed / ".drafts" / "vneid-doi-so-dien-thoai.md").exists()  # the draft is kept
        assert source_of(ask(srv.url, "citizen-kb-0010", "quen mat khau vneid")) == "test-vneid-quen-mat-khau"
        adm = Session(srv.url, "quantri")
        assert adm.get("/api/admin/audit?prefix=kb.").json()["entries"][0]["action"] == "kb.publish_failed"


def test_faq_table_upload_reports_each_bad_row_and_imports_the_rest(tmp_path: Path, db_url: str,
                                                                     mini_kb: Path) -> None:
    _settings, _app, server = admin_app(tmp_path, db_url, mini_kb)
    rows = ("id,question,answer,url,topic\n"
            "faq-ong-mat-1,Nuôi ong mật ở xã cần giấy phép gì?,"
            "Nuôi ong mật không cần giấy phép; hãy báo cán bộ nông nghiệp xã.,,local\n"
            "faq-ong-mat-2,Câu hỏi không có trả lời,,,local\n"
            ",Thiếu mã,Có trả lời mà không có mã.,,local\n"
            "faq-ong-mat-1,Trùng mã,Trả lời.,,local\n"
            "faq-bhyt-1,Mã đã dùng trong kho,Trả lời.,,local\n"
            "faq-ong-mat-3,Chủ đề lạ,Trả lời.,,ongmat\n")
    with server as srv:
        ed = Session(srv.url, "bientap")
        p = ed.post("/api/admin/kb/preview?filename=Hỏi đáp ong mật.csv", content=rows.encode()).json()["preview"]
        assert p["ok"] and p["valid_rows"] == 1 and p["bad_rows"] == 5
        errors = {r["line"]: r["error"] for r in p["rows"]}
        assert errors["2"] == "" and "trống" in errors["3"] and "thiếu mã" in errors["4"]
        assert "trùng mã với dòng 2" in errors["5"] and "đã dùng" in errors["6"] and "chủ đề" in errors["7"]
        r = ed.post("/api/admin/kb/upload?filename=Hỏi đáp ong mật.csv&publish=true", content=rows.encode()).json()
        assert ed.wait_job(r["job"])["status"] == "done"
        table = tmp_path / "managed" / "tables" / f"{r['draft']}.csv"
        assert table.read_text(encoding="utf-8").count("\n") == 2  # header + the one good row
        assert source_of(ask(srv.url, "citizen-kb-0020", "nuoi ong mat co can giay phep khong")) == "faq-ong-mat-1"
        # the same table again, corrected: it replaces the published one
        fixed = rows.replace("hãy báo cán bộ nông nghiệp xã.", "hãy báo cán bộ khuyến nông của xã.")
        r = ed.post("/api/admin/kb/upload?filename=Hỏi đáp ong mật.csv&publish=true", content=fixed.encode()).json()
        assert r["preview"]["valid_rows"] == 1 and ed.wait_job(r["job"])["status"] == "done"
        reply = ask(srv.url, "citizen-kb-0021", "nuoi ong mat co can giay phep khong")
        assert source_of(reply) == "faq-ong-mat-1" and "khuyến nông" in reply["replies"][0]["text"]
        # an XLSX without an answer column is refused as a whole
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["id", "question"])  # type: ignore[union-attr]
        wb.active.append(["x-1", "Hỏi gì đó"])  # type: ignore[union-attr]
        buf = io.BytesIO()
        wb.save(buf)
        bad = ed.post("/api/admin/kb/upload?filename=bang.xlsx", content=buf.getvalue())
        assert bad.status_code == 422 and "answer" in bad.json()["detail"]["errors"][0]


def test_docx_upload_becomes_an_editable_guide(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    import docx

    _settings, _app, server = admin_app(tmp_path, db_url, mini_kb)
    d = docx.Document()
    d.add_heading("Cài ứng dụng Cổng Dịch vụ công", level=1)
    d.add_paragraph("Tải ứng dụng Dịch vụ công quốc gia từ kho ứng dụng chính thức.")
    d.add_heading("Các bước", level=2)
    d.add_paragraph("1. Mở CH Play hoặc App Store.")
    d.add_paragraph("2. Tìm Dịch vụ công quốc gia và bấm Cài đặt.")
    buf = io.BytesIO()
    d.save(buf)
    with server as srv:
        ed = Session(srv.url, "bientap")
        r = ed.post("/api/admin/kb/upload?filename=Cài app DVC.docx&topic=dichvucong&doc_id=dvc-cai-ung-dung",
                    content=buf.getvalue())
        assert r.status_code == 200, r.text
        assert r.json()["draft"] == "dvc-cai-ung-dung"
        view = ed.get("/api/admin/kb/guides/dvc-cai-ung-dung").json()
        assert view["origin"] == "draft" and view["front"]["topic"] == "dichvucong"
        assert view["front"]["title"] == "Cài ứng dụng Cổng Dịch vụ công" and "2. Tìm Dịch vụ công" in view["body"]
        front = {**view["front"], "source_url": ["https://dichvucong.gov.vn"], "summary": "Cài ứng dụng DVC."}
        body = view["body"] + "\n## Lưu ý\n- Chỉ tải ứng dụng chính thức.\n"
        saved = ed.post("/api/admin/kb/drafts", json={"front": front, "body": body, "editing": "dvc-cai-ung-dung"})
        assert saved.status_code == 200, saved.text
        assert ed.wait_job(ed.post("/api/admin/kb/drafts/dvc-cai-ung-dung/publish").json()["job"])["status"] == "done"
        assert source_of(ask(srv.url, "citizen-kb-0030", "cài ứng dụng dịch vụ công")) == "dvc-cai-ung-dung"


def test_editing_a_bundled_guide_replaces_it_and_the_stale_report(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    (tmp_path / "broken_links.txt").write_text("# known bad\nhttps://dichvucong.gov.vn/\n", encoding="utf-8")
    _settings, _app, server = admin_app(tmp_path, db_url, mini_kb)
    bundled = mini_kb / "guides" / "vneid" / "muc-2.md"
    original = bundled.read_text(encoding="utf-8")
    with server as srv:
        ed = Session(srv.url, "bientap")
        report = ed.get("/api/admin/kb/stale").json()["rows"]
        by_id = {r["id"]: r for r in report}
        # reviewed 2026-11-01: stale only when older than stale_after_days; the muc-2 source is on the bad list
        assert by_id["test-vneid-muc-2"]["broken_links"] == ["https://dichvucong.gov.vn"]
        assert "test-vneid-quen-mat-khau" not in by_id or not by_id["test-vneid-quen-mat-khau"]["broken_links"]
        assert ed.get("/api/admin/kb/guides?stale=true").json()["total"] >= 1

        view = ed.get("/api/admin/kb/guides/test-vneid-muc-2").json()
        assert view["origin"] == "bundled" and view["editable"]
        new_body = view["body"].replace("Công an xã, phường", "Công an xã, phường (mang theo điện thoại)")
        front = {**view["front"], "reviewed_on": "2026-11-20", "source_url": ["https://vneid.gov.vn"]}
        assert ed.post("/api/admin/kb/drafts", json={"front": {**front, "id": "doi-ma"}, "body": new_body,
                                                    "editing": "test-vneid-muc-2"}).status_code == 422
        assert ed.post("/api/admin/kb/drafts", json={"front": front, "body": new_body,
                                                    "editing": "test-vneid-muc-2"}).status_code == 200
        assert ed.wait_job(ed.post("/api/admin/kb/drafts/test-vneid-muc-2/publish").json()["job"])["status"] == "done"
        assert bundled.read_text(encoding="utf-8") == original  # the bundled file is never touched
        view = ed.get("/api/admin/kb/guides/test-vneid-muc-2").json()
        assert view["origin"] == "managed" and any("mang theo điện thoại" in c["text"] for c in view["chunks"])
        report = {r["id"]: r for r in ed.get("/api/admin/kb/stale").json()["rows"]}
        assert "test-vneid-muc-2" not in report  # reviewed again, new source
        # a new guide may not take the id of an existing one, nor of a draft
        ed.post("/api/admin/kb/upload?filename=moi.md", content=(
            "---\nid: local-moi\ntitle: Bài mới\ntopic: local\n---\nNội dung.\n").encode())
        dup = ed.post("/api/admin/kb/drafts", json={"front": {"id": "local-moi", "title": "Bài khác", "topic": "local"},
                                                    "body": "Khác."})
        assert dup.status_code == 422 and "bản nháp" in dup.json()["detail"]["errors"][0]
        clash = ed.post("/api/admin/kb/drafts", json={"front": front, "body": new_body})
        assert clash.status_code == 422 and "đã được dùng" in clash.json()["detail"]["errors"][0]
        assert httpx.get(f"{srv.url}/api/admin/kb/guides").status_code == 401


def test_link_checker_offline_list_online_check_and_cli(tmp_path: Path, mini_kb: Path) -> None:
    from fastapi import FastAPI

    from bot.bootstrap import ingest
    from bot.retrieval.embedders import FakeEmbedder
    from ingest.stale import broken_links, check_online, load_bad_urls, save_bad_urls
    from tests.cli_inproc import run_cli
    from tests.conftest import make_settings
    from tests.fakes import ServerThread

    site = FastAPI()

    @site.get("/ok")
    def ok() -> str:  # answers GET only: HEAD gets 405, so the checker falls back to GET
        return "ok"

    with ServerThread(site) as web:
        urls = [f"{web.url}/ok", f"{web.url}/gone", "not a url", "http://127.0.0.1:9/closed"]
        result = check_online(urls, timeout_s=5)
    assert result[urls[0]] == "" and result[urls[1]] == "HTTP 404" and result["not a url"] == "malformed"
    assert result[urls[3]]  # connection refused
    listing = tmp_path / "broken.txt"
    save_bad_urls(listing, [u for u, problem in result.items() if problem])
    assert broken_links([f"{web.url}/ok/", f"{web.url}/gone/", "ftp://x"], load_bad_urls(listing)) == \
        [f"{web.url}/gone/", "ftp://x"]

    # `binhdan kb links` reads the catalogue and the list, offline
    db = f"sqlite:///{tmp_path / 'links.db'}"
    s = make_settings(tmp_path, db_url=db)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    listing.write_text("https://vneid.gov.vn\n", encoding="utf-8")
    env = {"BINHDAN_DATABASE__URL": db, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
           "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ADMIN__BROKEN_LINKS_FILE": str(listing)}
    r = run_cli(["kb", "links"], env)
    assert r.returncode == 0, r.stderr
    lines = sorted(r.stdout.splitlines())
    assert lines == ["test-vneid-quen-mat-khau\thttps://vneid.gov.vn", "test-vneid-quen-mat-khau-en\thttps://vneid.gov.vn"]
    assert "1 broken of" in r.stderr


def test_reindex_shows_progress_and_answering_goes_on(tmp_path: Path, mini_kb: Path) -> None:
    import threading
    import time

    from tests.conftest import ROOT

    _s, _app, server = admin_app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", mini_kb,
                                 BINHDAN_KNOWLEDGE__PATHS=f"[{mini_kb}, {ROOT / 'knowledge' / 'guides'}]")
    with server as srv:
        ed = Session(srv.url, "bientap")
        build0 = _build(srv.url, ed)
        answers: list[str] = []
        failures: list[str] = []
        stop = threading.Event()

        def chat() -> None:
            i = 0
            while not stop.is_set():
                i += 1
                r = httpx.post(f"{srv.url}/api/chat", json={"text": "quen mat khau vneid"},
                               timeout=30)
                (answers if r.status_code == 200 and source_of(r.json()) == "test-vneid-quen-mat-khau" else failures).append(
                    str(r.status_code))
                time.sleep(0.05)  # stay under the per-address limit of the web chat

        t = threading.Thread(target=chat)
        t.start()
        time.sleep(0.3)
        job = ed.post("/api/admin/kb/reindex").json()["job"]
        phases = set()
        while True:
            j = ed.get(f"/api/admin/kb/jobs/{job['id']}").json()["job"]
            phases.add(j["phase"])
            if j["status"] != "running":
                break
        time.sleep(0.3)
        stop.set()
        t.join()
        assert j["status"] == "done" and "read" in phases and _build(srv.url, ed) != build0
        assert failures == [] and len(answers) >= 3
        assert ed.get("/api/admin/kb/jobs").json()["jobs"][0]["id"] == job["id"]
