"""An upload from the console: its preview (what it would import and every problem found) and, when it
has no errors, its draft. The file is read by the pipeline's readers in the upload sandbox
(`KnowledgeReader`): an upload is untrusted."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from bot.core.admin.checks import GuideChecker
from bot.core.admin.model import (
    GUIDE_EXT,
    MAX_BODY_CHARS,
    TABLE_COLUMNS,
    TABLE_EXT,
    UPLOAD_EXT,
    KbError,
    OverLimit,
    Preview,
    ReadDocument,
    Unreadable,
)
from bot.core.admin.rules import body_too_long, read_error, row_error, table_text, unreadable_row


class Uploads:
    MAX_BODY_CHARS = MAX_BODY_CHARS

    def __init__(self, checker: GuideChecker) -> None:
        self.checker = checker
        self.reader, self.files, self.catalogue = checker.reader, checker.files, checker.catalogue

    def preview(self, filename: str, data: bytes, *, topic: str = "", lang: str = "", doc_id: str = "") -> Preview:
        name = PurePath(filename.replace("\\", "/")).name.strip() or "tep"
        ext = PurePath(name).suffix.lower()
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
        safe = self.reader.slug(name) + ext
        table: tuple[list[str], list[tuple[int, dict[str, Any]]]] | None = None
        guide: tuple[dict[str, Any], str] | None = None
        doc: ReadDocument | None = None
        try:  # in a separate, limited process (the reader's sandbox): an upload is untrusted
            if mode == "table":
                table = self.reader.read_table(safe, data)
            elif mode == "front":
                guide = self.reader.read_front(safe, data)
            else:
                doc = self.reader.read_document(safe, data, plain=mode == "plain")
        except OverLimit as exc:
            raise KbError(exc.vi, kind="too_large" if exc.status == 413 else "unprocessable") from None
        except Unreadable as exc:
            p = Preview(name, "table" if mode == "table" else "guide" if ext in GUIDE_EXT else "document")
            p.errors.append(read_error(ext, str(exc).split(": ", 1)[-1]))
            return p
        if table is not None:
            return self._preview_table(name, *table)
        if guide is not None:
            front, body = guide
            self._check_body(body)
            return self.checker.preview(name, front, body, replace=True)
        assert doc is not None
        d = doc
        self._check_body(d.body)
        meta: dict[str, Any] = {"id": doc_id or d.doc_id, "title": d.title, "topic": topic or "general",
                                "audience": "all", "lang": lang or "vi", "source_url": [],
                                "reviewed_on": self.checker.today().isoformat(), "tags": [],
                                "summary": (d.lead or d.body.split("\n", 1)[0])[:300]}
        p = self.checker.preview(name, meta, d.body, kind="document", replace=True)
        p.warnings.insert(0, "Tệp được chuyển thành bài Markdown: hãy xem lại tiêu đề, chủ đề, nguồn và các bước.")
        return p

    def _check_body(self, body: str) -> None:
        problem = body_too_long(body, self.MAX_BODY_CHARS)
        if problem is not None:
            raise KbError(problem, kind="too_large")

    def _preview_table(self, name: str, header: list[str], records: list[tuple[int, dict[str, Any]]]) -> Preview:
        p = Preview(name, "table", records=records)
        if "answer" not in header or "id" not in header:
            p.errors.append("Bảng hỏi đáp cần các cột id, question, answer (và url, topic, lang nếu có).")
            return p
        known = {d.id: d for d in self.catalogue.documents()}
        own = f"bang-{self.reader.slug(name)}.csv"  # a new version of the same table replaces its rows
        seen: dict[str, int] = {}
        for line, row in records:
            shown = {k: str(row.get(k, "") or "").strip() for k in TABLE_COLUMNS}
            shown["line"] = str(line)
            try:
                doc_id = self.reader.faq_row_id(name, line, row)
            except Unreadable as exc:
                error = unreadable_row(str(exc))
            else:
                error = row_error(self.reader, shown, doc_id, seen=seen, known=known, own=own)
                if not error and not shown["question"]:
                    p.warnings.append(f"Dòng {line}: chưa có câu hỏi (vẫn nhập được).")
                seen.setdefault(doc_id, line)
            p.rows.append({**shown, "answer": shown["answer"][:200], "error": error})
        if not p.rows:
            p.errors.append("Bảng không có dòng dữ liệu nào.")
        elif not any(not r["error"] for r in p.rows):
            p.errors.append("Không có dòng nào hợp lệ.")
        return p

    def save(self, filename: str, data: bytes, *, topic: str = "", lang: str = "",
             doc_id: str = "") -> tuple[str, Preview]:
        """Save an upload as a draft (nothing is written when the preview has errors). Returns the draft
        name and the preview."""
        p = self.preview(filename, data, topic=topic, lang=lang, doc_id=doc_id)
        if not p.ok:
            raise KbError("Tệp có lỗi, chưa nhập gì.", p.errors or ["Không có dòng nào hợp lệ."], preview=p)
        if p.kind == "table":
            name = "bang-" + self.reader.slug(p.filename)
            self.files.write_draft(name, ".csv", table_text(p))
            return name, p
        name = str(p.documents[0]["id"])
        self.files.write_draft(name, ".md", p.text)
        return name, p
