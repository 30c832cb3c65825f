"""The knowledge-base admin core (bot/core/admin) over in-memory ports: the rules of a draft, an upload's
table rows, publish with its before/after texts and undo, linked phrasings — no files, no pipeline."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.core.admin import KbError, KnowledgeManager
from bot.core.admin.model import DraftFile, ReadDocument, ReadGuide, Undo, Unreadable
from bot.core.admin.rules import read_error, vi_warning

TODAY = dt.date(2026, 11, 28)


class Reader:
    """FrontMatter + KnowledgeReader: front matter as one JSON line, a table row needs an id and an answer."""

    topics, audiences, langs = {"vneid", "general", "local"}, {"all"}, {"vi", "en"}

    def split(self, text: str, name: str) -> tuple[dict[str, Any], str]:
        head, _, body = text.partition("\n")
        try:
            return json.loads(head), body
        except ValueError:
            raise Unreadable(f"{name}: broken front matter") from None

    def render(self, front: dict[str, Any], body: str) -> str:
        return json.dumps(front, default=str, ensure_ascii=False) + "\n" + body.strip() + "\n"

    def valid_id(self, doc_id: str) -> bool:
        return bool(re.match(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,190}$", doc_id))

    def slug(self, filename: str) -> str:
        return filename.rsplit(".", 1)[0].lower()

    def looks_reachable(self, url: str) -> bool:
        return url.startswith("https://")

    def read_front(self, name: str, data: bytes) -> tuple[dict[str, Any], str]:
        raise NotImplementedError

    def read_document(self, name: str, data: bytes, *, plain: bool) -> ReadDocument:
        raise NotImplementedError

    def read_table(self, name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
        lines = data.decode().splitlines()
        header = lines[0].split(";")
        return header, [(n, dict(zip(header, line.split(";"), strict=False))) for n, line in enumerate(lines[1:], 2)]

    def faq_row_id(self, name: str, line: int, row: dict[str, Any]) -> str:
        if not row.get("id"):
            raise Unreadable(f"{name}:{line}: row without an 'id'")
        if not row.get("answer"):
            raise Unreadable(f"{name}:{line}: row {row['id']!r} has an empty 'answer'")
        return str(row["id"])

    def read_guide(self, text: str, name: str) -> ReadGuide:
        meta, body = self.split(text, name)
        return ReadGuide(meta["id"], "guide", meta["title"], meta["topic"], meta["lang"], (), [("", body)])

    def check_guide(self, front: dict[str, Any], body: str, today: dt.date) -> list[str]:
        return [] if "1." in body else [f"{front['topic']}/{front['id']}.md: no numbered steps"]

    def stale(self, documents: Any, today: dt.date) -> list[dict[str, object]]:
        return []


@dataclass
class Files:
    """KnowledgeFiles in a dict: refs are 'managed/…' or 'bundled/…'."""

    files: dict[str, str] = field(default_factory=dict)

    def read(self, ref: str) -> str | None:
        return self.files.get(ref)

    def is_managed(self, ref: str) -> bool:
        return ref.startswith("managed/")

    def managed_guide(self, doc_id: str) -> str | None:
        return next((r for r in sorted(self.files) if r.startswith("managed/guides/") and r.endswith(f"/{doc_id}.md")),
                    None)

    def table(self, name: str) -> str | None:
        return f"managed/tables/{name}.csv" if f"managed/tables/{name}.csv" in self.files else None

    def draft(self, name: str) -> DraftFile | None:
        for ext in (".md", ".csv"):
            ref = f"managed/.drafts/{name}{ext}"
            if ref in self.files:
                return DraftFile(name, ext, ref, self.files[ref], dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
        return None

    def has_draft(self, name: str, ext: str) -> bool:
        return f"managed/.drafts/{name}{ext}" in self.files

    def drafts(self) -> list[DraftFile]:
        names = sorted(r.rsplit("/", 1)[1].rsplit(".", 1)[0] for r in self.files if r.startswith("managed/.drafts/"))
        return [d for d in (self.draft(n) for n in names) if d is not None]

    def write_draft(self, name: str, ext: str, text: str) -> None:
        self.files[f"managed/.drafts/{name}{ext}"] = text

    def delete_draft(self, name: str, ext: str) -> None:
        del self.files[f"managed/.drafts/{name}{ext}"]

    def _snapshot(self) -> Undo:
        saved = dict(self.files)

        def undo() -> None:
            self.files.clear()
            self.files.update(saved)

        return undo

    def publish_table(self, name: str) -> tuple[str, str, Undo]:
        undo, text = self._snapshot(), self.files.pop(f"managed/.drafts/{name}.csv")
        before = self.files.get(f"managed/tables/{name}.csv", "")
        self.files[f"managed/tables/{name}.csv"] = text
        return before, text, undo

    def publish_guide(self, name: str, topic: str) -> tuple[str, Undo]:
        undo, text = self._snapshot(), self.files.pop(f"managed/.drafts/{name}.md")
        self.files[f"managed/guides/{topic}/{name}.md"] = text
        return text, undo

    def write_guide(self, doc_id: str, topic: str, text: str) -> Undo:
        undo = self._snapshot()
        self.files[f"managed/guides/{topic}/{doc_id}.md"] = text
        return undo

    def unpublish(self, ref: str) -> tuple[str, Undo]:
        undo, text = self._snapshot(), self.files.pop(ref)
        self.files.setdefault(f"managed/.drafts/{ref.rsplit('/', 1)[1]}", text)
        return text, undo


@dataclass(frozen=True)
class Doc:
    id: str
    kind: str
    title: str
    source_path: str
    url: str = ""
    lang: str = "vi"
    topic: str = "vneid"
    meta: dict[str, object] = field(default_factory=dict)
    chunks: int = 1


class Catalogue:
    def __init__(self, *docs: Doc) -> None:
        self.docs = list(docs)

    def documents(self) -> list[Doc]:
        return self.docs

    def document(self, doc_id: str) -> tuple[Doc, list[object]] | None:
        return next(((d, []) for d in self.docs if d.id == doc_id), None)


BUNDLED = Doc("vneid-mat-khau", "guide", "Quên mật khẩu VNeID", "bundled/vneid/vneid-mat-khau.md")
FRONT = {"id": "vneid-sdt", "title": "Đổi số điện thoại VNeID", "topic": "vneid", "source_url": "https://vneid.gov.vn"}


def manager(files: Files | None = None) -> tuple[KnowledgeManager, Files]:
    files = files or Files({"bundled/vneid/vneid-mat-khau.md": Reader().render(
        {"id": "vneid-mat-khau", "title": "Quên mật khẩu", "topic": "vneid", "questions": ["quên mật khẩu"]},
        "1. Mở ứng dụng.")})
    return KnowledgeManager(files=files, reader=Reader(), front=Reader(), catalogue=Catalogue(BUNDLED),
                            today=lambda: TODAY), files


def test_a_draft_is_checked_in_vietnamese_and_nothing_is_written_when_it_has_errors() -> None:
    km, files = manager()
    with pytest.raises(KbError) as exc:
        km.save_draft({**FRONT, "id": "Có dấu", "topic": "x", "reviewed_on": "2030-01-01"}, "")
    assert exc.value.kind == "unprocessable" and not files.drafts()
    assert any(e.startswith("Mã bài (id)") for e in exc.value.errors)
    assert any(e.startswith("Chủ đề phải là một trong") for e in exc.value.errors)
    assert "Ngày rà soát không được ở tương lai." in exc.value.errors and "Bài chưa có nội dung." in exc.value.errors
    doc_id, before, after, warnings = km.save_draft(FRONT, "Mở ứng dụng VNeID.")
    assert (doc_id, before) == ("vneid-sdt", "") and after == files.files["managed/.drafts/vneid-sdt.md"]
    assert warnings == ["Chưa có các bước đánh số (1. … 2. …)."]
    with pytest.raises(KbError, match="chưa lưu") as exc:  # a second new guide with the same id
        km.save_draft(FRONT, "1. Mở.")
    assert exc.value.errors[0].startswith("Đã có bản nháp mã 'vneid-sdt'")


def test_publish_returns_the_texts_for_the_audit_log_and_its_undo_puts_everything_back() -> None:
    km, files = manager()
    km.save_draft(FRONT, "1. Mở ứng dụng.")
    saved = dict(files.files)
    change = km.publish("vneid-sdt")
    assert change.target == "doc:vneid-sdt" and change.before == "" and "Mở ứng dụng" in change.after
    assert "managed/guides/vneid/vneid-sdt.md" in files.files and not km.has_draft("vneid-sdt")
    change.undo()
    assert files.files == saved
    with pytest.raises(KbError) as exc:
        km.publish("../etc")
    assert exc.value.message == "Tên bản nháp không hợp lệ."
    with pytest.raises(KbError) as exc:
        km.publish("khong-co")
    assert exc.value.kind == "not_found"


def test_a_bundled_guide_is_edited_through_a_managed_copy_and_cannot_be_unpublished() -> None:
    km, files = manager()
    assert km.source_of("vneid-mat-khau") == ("bundled/vneid/vneid-mat-khau.md", "bundled")
    with pytest.raises(KbError) as exc:
        km.check_unpublish("vneid-mat-khau")
    assert exc.value.kind == "conflict"
    with pytest.raises(KbError, match="đã có câu hỏi"):
        km.add_question("vneid-mat-khau", "Quen mat khau")  # tone marks do not make it new
    change = km.add_question("vneid-mat-khau", "  lỡ quên   mật khẩu vneid ")
    assert change.before == files.files["bundled/vneid/vneid-mat-khau.md"]
    managed = files.files["managed/guides/vneid/vneid-mat-khau.md"]
    assert change.after == managed and "lỡ quên mật khẩu vneid" in managed
    assert km.source_of("vneid-mat-khau") == ("managed/guides/vneid/vneid-mat-khau.md", "managed")
    assert km.unpublish("vneid-mat-khau").before == managed


def test_a_table_upload_reports_each_bad_row_and_keeps_the_good_ones() -> None:
    km, files = manager()
    data = "id;question;answer;topic\nq1;Hỏi?;Đáp.;\n;Hỏi?;Đáp.;\nq2;Hỏi?;;\nq1;Lại;Đáp.;\nvneid-mat-khau;x;y;\nq3;;Đáp.;sao\n"
    name, p = km.save_upload("Bảng.csv", data.encode())
    assert name == "bang-bảng" and [r["error"] for r in p.rows] == [
        "", "thiếu mã (id)", "câu trả lời trống", "trùng mã với dòng 2",
        "mã đã dùng cho bài khác (Quên mật khẩu VNeID)", "chủ đề 'sao' không có"]
    assert files.files["managed/.drafts/bang-bảng.csv"] == "id,question,answer,url,topic,lang\nq1,Hỏi?,Đáp.,,,\n"
    assert km.preview("x.exe", b"1").errors[0].startswith("Không nhận loại tệp .exe")


def test_editor_messages() -> None:
    assert vi_warning("the body has 512 words (at most 400)") == "Bài dài 512 chữ (nên không quá 400)."
    assert vi_warning("something new") == "something new"
    assert read_error(".csv", "not valid UTF-8 (byte 3)") == "Tệp CSV phải lưu dạng UTF-8."
    assert read_error(".xlsx", "not a readable .xlsx workbook") == "Không mở được tệp Excel (.xlsx)."
