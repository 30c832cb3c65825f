"""Issue 25, finding 1: hostile uploads (document bombs) get a clear 413/422 with a Vietnamese message in
at most 5 s, parsed in a separate limited process, while the web chat keeps answering; `binhdan ingest`
skips (or fails on) the same files cleanly. Every hostile file is generated here; the app runs on
127.0.0.1 with the test knowledge base."""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ingest.limits import ParseLimits
from ingest.sandbox import parse_isolated
from tests.conftest import ROOT
from tests.integration.admin_helpers import GUIDE, PW, Session, admin_app, ask

ATTACK = """
import sys, threading, time, pathlib, httpx
url, pw, folder = sys.argv[1:4]
files = sorted(p for p in pathlib.Path(folder).iterdir() if p.name[:1] == "h" and "-" in p.name)
stop, out, logged_in = threading.Event(), [], threading.Barrier(len(files) + 1)
def attack(path):
    c = httpx.Client(base_url=url, timeout=60)
    csrf = c.post("/api/auth/login", json={"username": "bientap", "password": pw}).json()["csrf_token"]
    data, name = path.read_bytes(), path.name.split("-", 1)[1]
    logged_in.wait()
    while not stop.is_set():
        t = time.monotonic()
        r = c.post("/api/admin/kb/preview?filename=" + name, content=data, headers={"X-CSRF-Token": csrf})
        out.append(f"{name} {r.status_code} {time.monotonic() - t:.3f}")
threads = [threading.Thread(target=attack, args=(p,)) for p in files]
for th in threads:
    th.start()
logged_in.wait()
print("ready", flush=True)
sys.stdin.readline()
stop.set()
for th in threads:
    th.join()
print("\\n".join(out))
"""

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>')
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_paragraphs(n: int, *, compression: int) -> bytes:
    """A DOCX of `n` empty paragraphs, written as zip XML directly."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'
                   + "<w:p/>" * n + "</w:body></w:document>")
    return buf.getvalue()


def xlsx_zip_bomb(mb: int = 80) -> bytes:
    """An XLSX whose one sheet XML unzips to `mb` MB of identical rows (a few hundred KB compressed)."""
    buf = io.BytesIO()
    row = '<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>' * 1000
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT.replace("word/document.xml", "xl/workbook.xml"))
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   '<sheets><sheet name="a" sheetId="1"/></sheets></workbook>')
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            chunk = row.encode()
            for _ in range(mb * 1_000_000 // len(chunk)):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
    return buf.getvalue()


def billion_laughs() -> bytes:
    lines = ['lol0: &a0 ["lol"]'] + [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return ("---\n" + "\n".join(lines) + "\nid: lol\ntitle: lol\n---\nThân bài.\n").encode()


def deep_front_matter(depth: int = 10_000) -> bytes:
    return ("---\nid: sau\ntitle: Sâu\ntags: " + "[" * depth + "]" * depth + "\n---\nThân bài.\n").encode()


def deep_block_front_matter(depth: int = 300) -> bytes:
    nested = "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    return ("---\nid: sau2\ntitle: Sâu\n" + nested + "---\nThân bài.\n").encode()


def huge_csv(rows: int = 200_000) -> bytes:
    return ("id,question,answer\n" + "".join(f"q{i},h{i},d{i}\n" for i in range(rows))).encode()


HOSTILE: dict[str, tuple[str, bytes, tuple[int, ...]]] = {}


def hostile_files() -> dict[str, tuple[str, bytes, tuple[int, ...]]]:
    """name → (upload file name, bytes, accepted statuses)."""
    if not HOSTILE:
        HOSTILE.update({
            "docx-200k-paragraphs": ("bom.docx", docx_with_paragraphs(200_000, compression=zipfile.ZIP_DEFLATED), (413, 422)),
            "docx-200k-paragraphs-stored": ("bom2.docx", docx_with_paragraphs(200_000, compression=zipfile.ZIP_STORED), (422,)),
            "xlsx-zip-bomb": ("bom.xlsx", xlsx_zip_bomb(), (413,)),
            "yaml-billion-laughs": ("lol.md", billion_laughs(), (422,)),
            "yaml-10k-deep-flow": ("sau.md", deep_front_matter(), (422,)),
            "yaml-300-deep-block": ("sau2.md", deep_block_front_matter(), (422,)),
            "csv-200k-rows": ("lon.csv", huge_csv(), (413, 422)),
            "csv-150k-short-rows": ("lon2.csv", ("id,question,answer\n" + "a,b,c\n" * 150_000).encode(), (422,)),
            "markdown-huge-body": ("dai.md", GUIDE.encode() + ("Một dòng rất dài. " * 20_000).encode(), (413,)),
            "over-the-upload-limit": ("to.md", GUIDE.encode() + b"x" * 6_000_000, (413,)),
        })
    return HOSTILE


def _preview(s: Session, name: str, data: bytes) -> tuple[int, float, dict[str, object]]:
    t = time.monotonic()
    r = s.post(f"/api/admin/kb/preview?filename={name}", content=data)
    return r.status_code, time.monotonic() - t, r.json()


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[18] if len(xs) >= 2 else xs[0]


def test_hostile_uploads_get_a_clear_413_or_422_within_5_seconds_and_the_chat_keeps_answering(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    if "postgres" in db_url:
        pytest.skip("the parsing is the same whatever the database; one run is enough on a 2-core machine")
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    files = hostile_files()
    with server as srv:
        ed = Session(srv.url, "bientap")
        for label, (name, data, statuses) in files.items():
            status, took, body = _preview(ed, name, data)
            print(f"{label}: {len(data):,} bytes → {status} in {took:.2f} s: {body.get('detail', body)}")
            assert status in statuses, (label, status, body)
            detail = body.get("detail", body)
            message = detail["message"] if isinstance(detail, dict) else str(detail)
            assert any(ch in message for ch in "ăâđêôơưạảấầẩậắằẳặẹẻẽếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹ"), message
            assert took <= 5.0, (label, took)
        # a good upload still previews
        status, _, body = _preview(ed, "doi-sdt.md", GUIDE.encode())
        assert status == 200 and body["preview"]["ok"]  # type: ignore[index]

        # the chat's p95 before, and while 6 hostile previews run at once, again and again
        def chat_times(n: int, start: int) -> list[float]:
            out = []
            for i in range(n):
                t = time.monotonic()
                ask(srv.url, f"citizen-bomb-{start + i:04d}", "quên mật khẩu vneid")
                out.append(time.monotonic() - t)
            return out

        before = chat_times(20, 0)
        # the attackers run in another process (the test's own threads would share the server's GIL)
        hostile = [v for k, v in files.items() if k not in ("markdown-huge-body", "over-the-upload-limit")][:6]
        for i, (name, data, _) in enumerate(hostile):
            (tmp_path / f"h{i}-{name}").write_bytes(data)
        attackers = subprocess.Popen([sys.executable, "-c", ATTACK, srv.url, PW, str(tmp_path)], stdout=subprocess.PIPE,
                                     stdin=subprocess.PIPE, text=True, cwd=ROOT)
        assert attackers.stdout is not None and attackers.stdin is not None
        assert attackers.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        during = chat_times(20, 100)
        out, _ = attackers.communicate("stop\n", timeout=60)
        results = [(name, int(status), float(took)) for name, status, took in (line.split() for line in out.splitlines())]
        b95, d95 = _p95(before), _p95(during)
        print("chat times during (ms):", [round(x * 1000) for x in during])
        print(f"chat p95 before: {b95 * 1000:.0f} ms; during 6 hostile previews: {d95 * 1000:.0f} ms "
              f"({len(results)} hostile previews answered, slowest {max(t for _, _, t in results):.2f} s)")
        assert results and all(status in (413, 422, 503) for _, status, _ in results), results
        assert max(t for _, _, t in results) <= 5.0
        assert d95 <= max(3 * b95, b95 + 1.5), (b95, d95)


def test_the_sandbox_stops_a_parser_over_its_time_or_memory_limit() -> None:
    from ingest.limits import LimitError

    buf = io.BytesIO()  # 40 MB of real text, stored: within the zip limits, but lxml needs far more than 150 MB
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>'
                   + ("<w:p><w:r><w:t>" + "chữ " * 2000 + "</w:t></w:r></w:p>") * 4000 + "</w:body></w:document>")
    big = buf.getvalue()
    small = docx_with_paragraphs(10, compression=zipfile.ZIP_DEFLATED)
    for data, limits, word in ((small, ParseLimits(wall_s=0.05), "lâu"),
                               (big, ParseLimits(memory_mb=150, wall_s=20, cpu_s=20), "bộ nhớ")):
        t = time.monotonic()
        with pytest.raises(LimitError) as err:
            parse_isolated("document", "a.docx", data, limits=limits)
        assert err.value.status == 422 and word in err.value.vi, err.value.vi
        assert time.monotonic() - t < 10


def test_binhdan_ingest_skips_or_fails_on_hostile_files_cleanly(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    import os

    bad = tmp_path / "hostile-kb"
    (bad / "guides").mkdir(parents=True)
    for _label, (name, data, _) in hostile_files().items():
        if name.endswith(".md") and not name.startswith(("dai", "to")):
            (bad / "guides" / name).write_bytes(data)
        elif not name.endswith(".md"):
            (bad / name).write_bytes(data)
    (bad / "guides" / "tot.md").write_text(GUIDE, encoding="utf-8")
    env = {**os.environ, "BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "idx"),
           "BINHDAN_EMBEDDER__KIND": "fake"}

    def run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
        t = time.monotonic()
        r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--kb", str(bad), *args], capture_output=True,
                           text=True, env=env, cwd=ROOT, timeout=120)
        return r, time.monotonic() - t

    r, took = run("--on-error", "skip")
    print(f"ingest --on-error skip: {took:.1f} s; {r.stdout.strip()[-200:]}")
    assert r.returncode == 0 and "1 documents" in r.stdout and "8 skipped files" in r.stdout, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and took < 60
    r, took = run("--on-error", "fail")
    assert r.returncode != 0 and "Traceback" not in r.stderr and took < 60, r.stderr
