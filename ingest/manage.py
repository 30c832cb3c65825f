"""Knowledge-base curation from the admin console: preview uploads, drafts, publish, link phrasings.

Files, not database rows, stay the source of truth — the same readers and the same ingest run index them:

    <managed_dir>/guides/<topic>/<id>.md   published guides written from the console (uploads, edits)
    <managed_dir>/tables/<name>.csv         published FAQ tables (only the rows that passed the checks)
    <managed_dir>/faq/faq-tnv-<n>.md        approved volunteer FAQ proposals (bootstrap.publish_faq)
    <managed_dir>/.drafts/<id>.md|<name>.csv  drafts: a hidden folder, so never indexed

A managed guide with the id of a bundled guide (knowledge/guides) replaces it (`effective_sources`), so an
edit or a linked phrasing never touches the bundled files. Every change returns the text before and after
for the audit log. Messages are Vietnamese: editors read them in the console.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import Kind, Unprocessable
from bot.core.text import fold
from ingest.chunking import Chunker
from ingest.documents import SourceDocument, SourceError
from ingest.kbcheck import AUDIENCES, LANGS, TOPICS, Report, _looks_reachable, check_guide
from ingest.limits import LimitError
from ingest.readers import (
    _ID_OK,
    _faq_row,
    _slug,
    discover,
    read_guide,
    split_front_matter,
)
from ingest.sandbox import parse_isolated
from ingest.stale import load_bad_urls, stale_report

GUIDE_EXT = (".md", ".markdown")
DOCUMENT_EXT = (".docx", ".pdf", ".html", ".htm")
TABLE_EXT = (".csv", ".xlsx")
UPLOAD_EXT = (*GUIDE_EXT, *DOCUMENT_EXT, *TABLE_EXT)
DRAFTS = ".drafts"
FRONT_ORDER = ("id", "title", "topic", "audience", "lang", "source_url", "reviewed_on", "tags", "summary", "questions")
TABLE_COLUMNS = ("id", "question", "answer", "url", "topic", "lang")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,150}$")


class KbError(Unprocessable):
    """A change that cannot be made as asked; `errors` lists every problem (Vietnamese, safe to show).
    Unprocessable unless `kind` says otherwise (not_found, conflict, too_large)."""

    def __init__(self, message: str, errors: list[str] | None = None, preview: Preview | None = None,
                 kind: Kind | None = None) -> None:
        super().__init__(message, kind=kind)
        self.errors = errors or [message]
        self.preview = preview

    def detail(self) -> dict[str, object]:
        return {"message": self.message, "errors": self.errors,
                "preview": self.preview.as_dict() if self.preview is not None else None}


@dataclass
class Preview:
    """What an upload would import: its documents (or table rows) and the problems found."""

    filename: str
    kind: str  # guide | document | table
    documents: list[dict[str, object]] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)  # tables: one per data row, with its error
    errors: list[str] = field(default_factory=list)  # block the import
    warnings: list[str] = field(default_factory=list)
    text: str = ""  # guides and documents: the Markdown that would be saved
    records: list[tuple[int, dict[str, Any]]] = field(default_factory=list, repr=False)  # tables: parsed rows

    @property
    def ok(self) -> bool:
        return not self.errors and (self.kind != "table" or any(not r.get("error") for r in self.rows))

    def as_dict(self) -> dict[str, object]:
        return {"filename": self.filename, "kind": self.kind, "ok": self.ok, "documents": self.documents,
                "rows": self.rows, "errors": self.errors, "warnings": self.warnings, "text": self.text,
                "valid_rows": sum(1 for r in self.rows if not r.get("error")),
                "bad_rows": sum(1 for r in self.rows if r.get("error"))}


@dataclass(frozen=True)
class Change:
    """A file change, with what to do to undo it."""

    target: str
    before: str
    after: str
    undo: Callable[[], None]


def _guide_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
        meta, _, _ = split_front_matter(path, text)
    except (OSError, UnicodeDecodeError, SourceError):
        return None
    return str(meta.get("id") or "").strip() or None


def effective_sources(bundled: list[Path], managed: Path) -> list[Path]:
    """The paths to ingest: the bundled knowledge minus guides that a managed guide with the same id
    replaces, plus the managed folder."""
    if not managed.is_dir():
        return list(bundled)
    ids = {p.stem for p in discover([managed]) if p.suffix.lower() in GUIDE_EXT}
    out: list[Path] = []
    for p in bundled:
        if p.resolve() == managed.resolve():
            continue
        try:
            files = discover([p])
        except SourceError:
            out.append(p)  # the ingest run reports the missing path
            continue
        kept = [f for f in files if not (f.suffix.lower() in GUIDE_EXT and ids and _guide_id(f) in ids)]
        out.extend([p] if len(kept) == len(files) else kept)
    out.append(managed)
    return out


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _restore(path: Path, old: bytes | None) -> Callable[[], None]:
    def undo() -> None:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            _atomic_write(path, old)

    return undo


def render_guide(front: dict[str, Any], body: str) -> str:
    ordered = {k: front[k] for k in FRONT_ORDER if k in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{body.strip()}\n"


def _list(v: Any) -> list[str]:
    if v is None or v == "":
        return []
    if isinstance(v, str):
        return [x.strip() for x in re.split(r"[\n,]", v) if x.strip()]
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [str(v).strip()]


_WARNINGS = (
    (re.compile(r"front matter lacks '(\w+)'"), "Thiếu mục {0}."),
    (re.compile(r"no numbered steps"), "Chưa có các bước đánh số (1. … 2. …)."),
    (re.compile(r"missing the '(.+)' section"), "Thiếu phần '{0}'."),
    (re.compile(r"the first source_url .* is not on an official domain"),
     "Nguồn đầu tiên không phải trang chính thức (ví dụ .gov.vn)."),
    (re.compile(r"the body has (\d+) words \(at most (\d+)\)"), "Bài dài {0} chữ (nên không quá {1})."),
    (re.compile(r"stale, reviewed (\d+) days ago"), "Đã {0} ngày chưa rà soát lại."),
    (re.compile(r"an English guide's id must end in '-en'"), "Bài tiếng Anh nên có mã kết thúc bằng -en."),
    (re.compile(r"text is not NFC-normalised"), ""),
)


def _read_error(ext: str, message: str) -> str:
    """A reader's error about an upload, for the console."""
    if "UTF-8" in message:
        return "Tệp CSV phải lưu dạng UTF-8." if ext == ".csv" else "Không đọc được tệp: hãy lưu tệp dạng UTF-8."
    if ext == ".xlsx" and ("zip" in message or "xlsx" in message):
        return "Không mở được tệp Excel (.xlsx)."
    if ext == ".docx" and "zip" in message:
        return "Không đọc được tệp: not a readable .docx document"
    return "Không đọc được tệp: " + message


def vi_warning(message: str) -> str:
    """A `binhdan kb check` message in plain Vietnamese (unknown ones unchanged)."""
    for pattern, text in _WARNINGS:
        m = pattern.search(message)
        if m:
            return text.format(*m.groups())
    return message


class KnowledgeManager:
    def __init__(self, *, bundled: list[Path], managed_dir: Path, catalogue: Any, chunker: Chunker,
                 official_domains: list[str], max_words: int = 400, stale_after_days: int = 180,
                 broken_links_file: Path | None = None, today: Callable[[], dt.date] | None = None) -> None:
        self.broken_links_file = broken_links_file
        self.bundled = bundled
        self.managed = managed_dir
        self.catalogue = catalogue  # AdminStore: documents(), document(id)
        self.chunker = chunker
        self.domains = official_domains
        self.max_words = max_words
        self.stale_after_days = stale_after_days
        self.today = today or dt.date.today

    @property
    def drafts_dir(self) -> Path:
        return self.managed / DRAFTS

    # ---- the list, the stale report ------------------------------------------------------------------
    def stale(self, documents: list[Any] | None = None) -> list[dict[str, object]]:
        bad = load_bad_urls(self.broken_links_file) if self.broken_links_file else set()
        docs = self.catalogue.documents() if documents is None else documents
        return stale_report(docs, today=self.today(), stale_after_days=self.stale_after_days, bad_urls=bad)

    def listing(self, *, q: str = "", topic: str = "", lang: str = "", kind: str = "", stale: bool = False,
                limit: int = 500) -> dict[str, object]:
        """Indexed documents and unpublished drafts, filtered; search is tone-insensitive on id and title."""
        docs = self.catalogue.documents()
        report = {str(r["id"]): r for r in self.stale(docs)}
        drafts = {str(d["name"]): d for d in self.drafts()}
        managed = str(self.managed.resolve())
        rows: list[dict[str, object]] = []
        for d in docs:
            r = report.get(d.id, {})
            rows.append({"id": d.id, "title": d.title, "kind": d.kind, "topic": d.topic, "lang": d.lang,
                         "chunks": d.chunks, "reviewed_on": str(d.meta.get("reviewed_on", "") or ""),
                         "stale": bool(r.get("stale")), "age_days": r.get("age_days"),
                         "broken_links": r.get("broken_links", []), "status": "published",
                         "origin": "managed" if str(Path(d.source_path).resolve()).startswith(managed) else "bundled",
                         "draft": d.id in drafts, "editable": d.kind == "guide" and Path(d.source_path).suffix in GUIDE_EXT})
        indexed = {d.id for d in docs}
        for name, dr in drafts.items():
            if name not in indexed and not (dr["kind"] == "table" and dr.get("published")):
                rows.append({"id": name, "title": dr.get("title", name), "kind": dr["kind"], "topic": dr.get("topic", ""),
                             "lang": dr.get("lang", ""), "chunks": 0, "reviewed_on": "", "stale": False, "age_days": None,
                             "broken_links": [], "status": "draft", "origin": "managed", "draft": True,
                             "editable": dr["kind"] == "guide"})
        needle = " ".join(fold(q).lower().split())
        out = [r for r in rows
               if (not needle or needle in fold(f"{r['id']} {r['title']}").lower())
               and (not topic or r["topic"] == topic) and (not lang or r["lang"] == lang)
               and (not kind or r["kind"] == kind) and (not stale or r["stale"] or r["broken_links"])]
        out.sort(key=lambda r: (r["status"] != "draft", str(r["topic"]), str(r["id"])))
        return {"documents": out[:limit], "total": len(out), "indexed": len(docs), "drafts": len(drafts),
                "topics": sorted({str(r["topic"]) for r in rows if r["topic"]}),
                "stale": sum(1 for r in rows if r["stale"]), "broken": sum(1 for r in rows if r["broken_links"])}

    # ---- where things are ---------------------------------------------------------------------------
    def managed_guide(self, doc_id: str) -> Path | None:
        if not _ID_OK.match(doc_id) or not self.managed.is_dir():  # an id is never a path or a pattern
            return None
        for p in sorted(self.managed.rglob(f"{doc_id}.md")):
            if DRAFTS not in p.relative_to(self.managed).parts:
                return p
        return None

    def source_of(self, doc_id: str) -> tuple[Path, str] | None:
        """(file, "managed" | "bundled") of a published guide that can be edited (Markdown)."""
        p = self.managed_guide(doc_id)
        if p is not None:
            return p, "managed"
        found = self.catalogue.document(doc_id) if _ID_OK.match(doc_id) else None
        if found is not None:
            path = Path(found[0].source_path)
            if path.suffix.lower() in GUIDE_EXT and path.exists() and _guide_id(path) == doc_id:
                return path, "bundled"
        return None

    def _draft_path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise KbError("Tên bản nháp không hợp lệ.")
        for ext in (".md", ".csv"):
            p = self.drafts_dir / f"{name}{ext}"
            if p.exists():
                return p
        raise KbError("Không tìm thấy bản nháp này.", kind="not_found")

    # ---- validation ---------------------------------------------------------------------------------
    def check_front(self, front: dict[str, Any], body: str, *, editing: str | None = None,
                    replace: bool = False) -> tuple[dict[str, Any], list[str], list[str]]:
        """Clean front matter, blocking errors, warnings. `editing`: the id of the guide being edited;
        `replace`: a new file may replace a published guide with the same id (an upload)."""
        errors: list[str] = []
        f: dict[str, Any] = {k: v for k, v in front.items() if v not in (None, "")}
        doc_id = str(f.get("id", "")).strip()
        f["id"] = doc_id
        if not doc_id or not _ID_OK.match(doc_id):
            errors.append("Mã bài (id) chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ vneid-doi-mat-khau.")
        if editing is not None and doc_id != editing:
            errors.append("Không đổi được mã bài của một bài đã có.")
        f["title"] = " ".join(str(f.get("title", "")).split())
        if not 3 <= len(f["title"]) <= 200:
            errors.append("Tiêu đề cần từ 3 đến 200 ký tự.")
        for key, allowed, label in (("topic", TOPICS, "Chủ đề"), ("audience", AUDIENCES, "Đối tượng"),
                                    ("lang", LANGS, "Ngôn ngữ")):
            f.setdefault(key, {"audience": "all", "lang": "vi"}.get(key, ""))
            if f[key] not in allowed:
                errors.append(f"{label} phải là một trong: {', '.join(sorted(allowed))}.")
        f["source_url"] = _list(f.get("source_url"))
        for u in f["source_url"]:
            if not _looks_reachable(u):
                errors.append(f"Nguồn {u!r} không phải là địa chỉ web hợp lệ (http/https).")
        f["tags"] = _list(f.get("tags"))
        f["questions"] = [q[:300] for q in _list(front.get("questions")) if q] if not isinstance(
            front.get("questions"), str) else [q.strip()[:300] for q in str(front["questions"]).splitlines() if q.strip()]
        if not f["questions"]:
            f.pop("questions")
        f["summary"] = " ".join(str(f.get("summary", "")).split())[:300]
        reviewed = f.get("reviewed_on") or self.today().isoformat()
        try:
            f["reviewed_on"] = reviewed if isinstance(reviewed, dt.date) else dt.date.fromisoformat(str(reviewed))
            if f["reviewed_on"] > self.today():
                errors.append("Ngày rà soát không được ở tương lai.")
        except ValueError:
            errors.append("Ngày rà soát phải có dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-28.")
        if not body.strip():
            errors.append("Bài chưa có nội dung.")
        warnings: list[str] = []
        if not errors:
            rep = Report()
            fake = Path(str(f["topic"])) / f"{doc_id}.md"
            check_guide(fake, f, body, self.domains, self.max_words, self.stale_after_days, self.today(), rep)
            warnings = [w for w in (vi_warning(m.split(": ", 1)[-1]) for m in rep.errors + rep.warnings) if w]
            if editing is None and not replace and (self.drafts_dir / f"{doc_id}.md").exists():
                errors.append(f"Đã có bản nháp mã {doc_id!r}: hãy mở bản nháp đó để sửa, hoặc chọn mã khác.")
            found = self.catalogue.document(doc_id)
            if found is not None and editing is None:
                kind = found[0].kind
                if replace and kind == "guide":
                    warnings.insert(0, f"Đã có bài {doc_id!r} ({found[0].title}): khi đăng, bài mới sẽ thay bài cũ.")
                else:
                    errors.append(f"Mã bài {doc_id!r} đã được dùng ({'bài hướng dẫn' if kind == 'guide' else kind}: "
                                  f"{found[0].title}). Hãy mở bài đó để sửa, hoặc chọn mã khác.")
        return f, errors, warnings

    def _parse(self, text: str, name: str) -> SourceDocument:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / name
            p.write_text(text, encoding="utf-8")
            return read_guide(p)

    def _doc_preview(self, d: SourceDocument) -> dict[str, object]:
        chunks = self.chunker.split(d)
        return {"id": d.doc_id, "kind": d.kind, "title": d.title, "topic": d.topic, "lang": d.lang,
                "questions": list(d.questions), "chunks": [{"heading": c.heading, "text": c.text} for c in chunks]}

    # ---- uploads ------------------------------------------------------------------------------------
    def preview(self, filename: str, data: bytes, *, topic: str = "", lang: str = "", doc_id: str = "") -> Preview:
        name = Path(filename.replace("\\", "/")).name.strip() or "tep"
        ext = Path(name).suffix.lower()
        if ext not in UPLOAD_EXT:
            p = Preview(name, "unknown")
            p.errors.append(f"Không nhận loại tệp {ext or '(không có đuôi)'}. Chỉ nhận: {', '.join(UPLOAD_EXT)}.")
            return p
        if not data:
            p = Preview(name, "unknown")
            p.errors.append("Tệp rỗng.")
            return p
        plain = ext in GUIDE_EXT and not data.lstrip(b"\xef\xbb\xbf").startswith(b"---")
        mode = "table" if ext in TABLE_EXT else "plain" if plain else "front" if ext in GUIDE_EXT else "document"
        try:  # in a separate, limited process (ingest/sandbox.py): an upload is untrusted
            parsed = parse_isolated(mode, _slug(Path(name)) + ext, data)
        except LimitError as exc:
            raise KbError(exc.vi, kind="too_large" if exc.status == 413 else "unprocessable") from None
        except SourceError as exc:
            p = Preview(name, "table" if mode == "table" else "guide" if ext in GUIDE_EXT else "document")
            p.errors.append(_read_error(ext, str(exc).split(": ", 1)[-1]))
            return p
        if mode == "table":
            header, records = parsed
            return self._preview_table(name, header, records)
        if mode == "front":
            meta, body = parsed
            self._check_body(body)
            return self._preview_guide(name, meta, body, replace=True)
        d = parsed
        self._check_body(d.body)
        meta = {"id": doc_id or d.doc_id, "title": d.title, "topic": topic or "general", "audience": "all",
                "lang": lang or "vi", "source_url": [], "reviewed_on": self.today().isoformat(), "tags": [],
                "summary": (d.lead or d.body.split("\n", 1)[0])[:300]}
        p = self._preview_guide(name, meta, d.body, kind="document", replace=True)
        p.warnings.insert(0, "Tệp được chuyển thành bài Markdown: hãy xem lại tiêu đề, chủ đề, nguồn và các bước.")
        return p

    def _preview_guide(self, name: str, meta: dict[str, Any], body: str, *, kind: str = "guide",
                       editing: str | None = None, replace: bool = False) -> Preview:
        p = Preview(name, kind)
        front, p.errors, p.warnings = self.check_front(meta, body, editing=editing, replace=replace)
        if p.errors:
            return p
        p.text = render_guide(front, body)
        try:
            d = self._parse(p.text, f"{front['id']}.md")
        except SourceError as exc:
            p.errors.append("Không đọc được bài: " + str(exc).split(": ", 1)[-1])
            return p
        p.documents.append(self._doc_preview(d))
        return p

    MAX_BODY_CHARS = 200_000

    def _check_body(self, body: str) -> None:
        if len(body) > self.MAX_BODY_CHARS:
            raise KbError(f"Bài quá dài ({len(body):,} ký tự, tối đa {self.MAX_BODY_CHARS:,}).".replace(",", "."),
                          kind="too_large")

    def _preview_table(self, name: str, header: list[str], records: list[tuple[int, dict[str, Any]]]) -> Preview:
        p = Preview(name, "table", records=records)
        path = Path(name)
        if "answer" not in header or "id" not in header:
            p.errors.append("Bảng hỏi đáp cần các cột id, question, answer (và url, topic, lang nếu có).")
            return p
        known = {d.id: d for d in self.catalogue.documents()}
        own = f"bang-{_slug(Path(name))}.csv"  # a new version of the same table replaces its rows
        seen: dict[str, int] = {}
        for line, row in records:
            shown = {k: str(row.get(k, "") or "").strip() for k in TABLE_COLUMNS}
            shown["line"] = str(line)
            error = ""
            try:
                d = _faq_row(path, line, row)
                if not _ID_OK.match(d.doc_id):
                    error = "mã (id) chỉ gồm chữ, số, dấu gạch ngang"
                elif d.doc_id in seen:
                    error = f"trùng mã với dòng {seen[d.doc_id]}"
                elif d.doc_id in known and Path(known[d.doc_id].source_path).name != own:
                    error = f"mã đã dùng cho bài khác ({known[d.doc_id].title[:60]})"
                elif shown["topic"] and shown["topic"] not in TOPICS:
                    error = f"chủ đề {shown['topic']!r} không có"
                elif shown["lang"] and shown["lang"] not in LANGS:
                    error = "ngôn ngữ phải là vi hoặc en"
                elif not shown["question"]:
                    p.warnings.append(f"Dòng {line}: chưa có câu hỏi (vẫn nhập được).")
                seen.setdefault(d.doc_id, line)
            except SourceError as exc:
                msg = str(exc)
                error = "thiếu mã (id)" if "without an 'id'" in msg else "câu trả lời trống" \
                    if "empty 'answer'" in msg else msg.split(": ", 1)[-1]
            p.rows.append({**shown, "answer": shown["answer"][:200], "error": error})
        if not p.rows:
            p.errors.append("Bảng không có dòng dữ liệu nào.")
        elif not any(not r["error"] for r in p.rows):
            p.errors.append("Không có dòng nào hợp lệ.")
        return p

    def save_upload(self, filename: str, data: bytes, *, topic: str = "", lang: str = "",
                    doc_id: str = "") -> tuple[str, Preview]:
        """Save an upload as a draft (nothing is written when the preview has errors). Returns the draft
        name and the preview."""
        p = self.preview(filename, data, topic=topic, lang=lang, doc_id=doc_id)
        if not p.ok:
            raise KbError("Tệp có lỗi, chưa nhập gì.", p.errors or ["Không có dòng nào hợp lệ."], preview=p)
        if p.kind == "table":
            name = "bang-" + _slug(Path(p.filename))
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(TABLE_COLUMNS)
            w.writerows(self._full_rows(p))
            _atomic_write(self.drafts_dir / f"{name}.csv", buf.getvalue().encode("utf-8"))
            return name, p
        name = str(p.documents[0]["id"])
        _atomic_write(self.drafts_dir / f"{name}.md", p.text.encode("utf-8"))
        return name, p

    @staticmethod
    def _full_rows(p: Preview) -> list[list[str]]:
        """The valid rows with their whole answers (the preview shortens them)."""
        good = {str(r["line"]) for r in p.rows if not r["error"]}
        return [[str(row.get(k, "") or "").strip() for k in TABLE_COLUMNS] for n, row in p.records if str(n) in good]

    # ---- drafts and guides ------------------------------------------------------------------------
    def guide_text(self, doc_id: str) -> tuple[dict[str, Any], str, str] | None:
        """(front matter, body, origin) of the newest version: the draft, else the published guide."""
        draft = self.drafts_dir / f"{doc_id}.md"
        if _NAME.match(doc_id) and draft.exists():
            meta, body, _ = split_front_matter(draft, draft.read_text(encoding="utf-8"))
            return meta, body, "draft"
        src = self.source_of(doc_id)
        if src is None:
            return None
        meta, body, _ = split_front_matter(src[0], src[0].read_text(encoding="utf-8-sig"))
        return meta, body, src[1]

    def save_draft(self, front: dict[str, Any], body: str, *,
                   editing: str | None = None) -> tuple[str, str, str, list[str]]:
        """Validate and write a guide draft. Returns (id, text before, text after, warnings)."""
        body = unicodedata.normalize("NFC", body.replace("\r\n", "\n"))
        p = self._preview_guide(f"{front.get('id', '')}.md", front, body, editing=editing)
        if p.errors:
            raise KbError("Bài có lỗi, chưa lưu.", p.errors, preview=p)
        doc_id = str(p.documents[0]["id"])
        before = self._current_text(doc_id)
        _atomic_write(self.drafts_dir / f"{doc_id}.md", p.text.encode("utf-8"))
        return doc_id, before, p.text, p.warnings

    def _current_text(self, doc_id: str) -> str:
        draft = self.drafts_dir / f"{doc_id}.md"
        return draft.read_text(encoding="utf-8") if draft.exists() else self._published_text(doc_id)

    def _published_text(self, doc_id: str) -> str:
        src = self.source_of(doc_id)
        return src[0].read_text(encoding="utf-8-sig") if src else ""

    def drafts(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        if not self.drafts_dir.is_dir():
            return out
        for p in sorted(self.drafts_dir.iterdir()):
            if p.name.startswith(".") or p.suffix not in (".md", ".csv"):
                continue
            item: dict[str, object] = {"name": p.stem, "kind": "guide" if p.suffix == ".md" else "table",
                                       "updated_at": dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).isoformat()}
            if p.suffix == ".md":
                try:
                    meta, _, _ = split_front_matter(p, p.read_text(encoding="utf-8"))
                    item.update(title=str(meta.get("title", "")), topic=str(meta.get("topic", "")),
                                lang=str(meta.get("lang", "")), published=self.source_of(p.stem) is not None)
                except SourceError:
                    item.update(title=p.stem, topic="", lang="")
            else:
                rows = max(0, len(p.read_text(encoding="utf-8").splitlines()) - 1)
                item.update(title=f"Bảng hỏi đáp ({rows} dòng)", topic="", lang="",
                            published=(self.managed / "tables" / p.name).exists())
            out.append(item)
        return out

    def delete_draft(self, name: str) -> str:
        p = self._draft_path(name)
        before = p.read_text(encoding="utf-8")
        p.unlink()
        return before

    def publish(self, name: str) -> Change:
        """Move a draft to its published place (replacing an older managed copy). `undo` puts it all back."""
        draft = self._draft_path(name)
        text = draft.read_bytes()
        if draft.suffix == ".csv":
            target = self.managed / "tables" / draft.name
            old = target.read_bytes() if target.exists() else None
            _atomic_write(target, text)
            draft.unlink()

            def undo_table() -> None:
                _restore(target, old)()
                _atomic_write(draft, text)

            return Change(f"table:{name}", (old or b"").decode("utf-8"), text.decode("utf-8"), undo_table)
        meta, _, _ = split_front_matter(draft, text.decode("utf-8"))
        topic = str(meta.get("topic") or "general")
        target = self.managed / "guides" / topic / f"{name}.md"
        previous = self.managed_guide(name)
        before = self._published_text(name)
        old = previous.read_bytes() if previous is not None else None
        if previous is not None and previous != target:
            previous.unlink()
        target_old = target.read_bytes() if target.exists() else None
        _atomic_write(target, text)
        draft.unlink()

        def undo_guide() -> None:
            _restore(target, target_old)()
            if previous is not None and previous != target and old is not None:
                _atomic_write(previous, old)
            _atomic_write(draft, text)

        return Change(f"doc:{name}", before, text.decode("utf-8"), undo_guide)

    def check_unpublish(self, doc_id: str) -> Path:
        """The managed file to take down; raises KbError for a bundled or unknown guide."""
        table = self.managed / "tables" / f"{doc_id}.csv"
        path = table if _NAME.match(doc_id) and table.exists() else self.managed_guide(doc_id)
        if path is None:
            if self.source_of(doc_id) is not None:
                raise KbError("Bài này nằm trong kho gốc (knowledge/), không gỡ được từ đây; hãy sửa bài thay vì gỡ.",
                              kind="conflict")
            raise KbError("Không tìm thấy bài đã đăng này.", kind="not_found")
        return path

    def has_draft(self, name: str) -> bool:
        try:
            self._draft_path(name)
        except KbError:
            return False
        return True

    def unpublish(self, doc_id: str) -> Change:
        """Take a managed guide (or table) out of the index; it becomes a draft again."""
        path = self.check_unpublish(doc_id)
        text = path.read_bytes()
        draft = self.drafts_dir / path.name
        draft_old = draft.read_bytes() if draft.exists() else None
        if draft_old is None:
            _atomic_write(draft, text)
        path.unlink()

        def undo() -> None:
            _atomic_write(path, text)
            _restore(draft, draft_old)()

        return Change(f"doc:{doc_id}", text.decode("utf-8"), "", undo)

    def check_question(self, doc_id: str, phrasing: str) -> tuple[Path, str, dict[str, Any], str, str]:
        """(file, text, front matter, body, clean phrasing) when the phrasing can be added; raises KbError."""
        phrasing = " ".join(phrasing.split())[:300]
        if len(phrasing) < 3:
            raise KbError("Câu hỏi quá ngắn.")
        src = self.source_of(doc_id)
        if src is None:
            raise KbError("Chỉ thêm được câu hỏi vào một bài hướng dẫn (Markdown) đã đăng.")
        text = src[0].read_text(encoding="utf-8-sig")
        meta, body, _ = split_front_matter(src[0], text)
        if fold(phrasing).lower() in {fold(q).lower() for q in _list(meta.get("questions"))}:
            raise KbError("Bài đã có câu hỏi này.")
        return src[0], text, meta, body, phrasing

    def add_question(self, doc_id: str, phrasing: str) -> Change:
        """Add a citizen's phrasing to a guide's `questions:` (in the managed copy) so the search finds it."""
        _path, before, meta, body, phrasing = self.check_question(doc_id, phrasing)
        meta["questions"] = [*_list(meta.get("questions")), phrasing]
        after = render_guide(meta, body)
        target = self.managed / "guides" / str(meta.get("topic") or "general") / f"{doc_id}.md"
        previous = self.managed_guide(doc_id)
        old_prev = previous.read_bytes() if previous is not None else None
        target_old = target.read_bytes() if target.exists() else None
        if previous is not None and previous != target:
            previous.unlink()
        _atomic_write(target, after.encode("utf-8"))

        def undo() -> None:
            _restore(target, target_old)()
            if previous is not None and previous != target and old_prev is not None:
                _atomic_write(previous, old_prev)

        return Change(f"doc:{doc_id}", before, after, undo)
