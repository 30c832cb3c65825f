"""Knowledge-base curation from the admin console: the list, a guide's newest text, drafts, publish and
unpublish, phrasings linked to a guide, uploads (uploads.py). Files stay the source of truth
(`KnowledgeFiles`); every change returns the text before and after for the audit log, and an undo that
the re-index job runs when the ingest fails. A managed guide with the id of a bundled guide replaces it,
so an edit or a linked phrasing never touches the bundled files."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any

from bot.core.admin.checks import GuideChecker
from bot.core.admin.model import DRAFT_EXT, DRAFT_NAME, GUIDE_EXT, Change, DraftFile, KbError, Preview, Unreadable
from bot.core.admin.ports import Catalogue, CatalogueEntry, FrontMatter, KnowledgeFiles, KnowledgeReader
from bot.core.admin.rules import as_list
from bot.core.admin.uploads import Uploads
from bot.core.text import fold


class KnowledgeManager:
    def __init__(self, *, files: KnowledgeFiles, reader: KnowledgeReader, front: FrontMatter, catalogue: Catalogue,
                 today: Callable[[], dt.date] | None = None) -> None:
        self.files, self.reader, self.front, self.catalogue = files, reader, front, catalogue
        self.today = today or dt.date.today
        self.checker = GuideChecker(files=files, reader=reader, front=front, catalogue=catalogue,
                                    today=lambda: self.today())
        self.uploads = Uploads(self.checker)

    # ---- the list, the stale report ------------------------------------------------------------------
    def stale(self, documents: Sequence[CatalogueEntry] | None = None) -> list[dict[str, object]]:
        docs = self.catalogue.documents() if documents is None else documents
        return self.reader.stale(docs, self.today())

    def listing(self, *, q: str = "", topic: str = "", lang: str = "", kind: str = "", stale: bool = False,
                limit: int = 500) -> dict[str, object]:
        """Indexed documents and unpublished drafts, filtered; search is tone-insensitive on id and title."""
        docs = self.catalogue.documents()
        report = {str(r["id"]): r for r in self.stale(docs)}
        drafts = {str(d["name"]): d for d in self.drafts()}
        rows: list[dict[str, object]] = []
        for d in docs:
            r = report.get(d.id, {})
            rows.append({"id": d.id, "title": d.title, "kind": d.kind, "topic": d.topic, "lang": d.lang,
                         "chunks": d.chunks, "reviewed_on": str(d.meta.get("reviewed_on", "") or ""),
                         "stale": bool(r.get("stale")), "age_days": r.get("age_days"),
                         "broken_links": r.get("broken_links", []), "status": "published",
                         "origin": "managed" if self.files.is_managed(d.source_path) else "bundled",
                         "draft": d.id in drafts,
                         "editable": d.kind == "guide" and PurePath(d.source_path).suffix in GUIDE_EXT})
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
    def managed_guide(self, doc_id: str) -> str | None:
        if not self.reader.valid_id(doc_id):  # an id is never a path or a pattern
            return None
        return self.files.managed_guide(doc_id)

    def _guide_id(self, ref: str) -> str | None:
        try:
            text = self.files.read(ref)
            if text is None:
                return None
            meta, _ = self.front.split(text, ref)
        except (OSError, UnicodeDecodeError, Unreadable):
            return None
        return str(meta.get("id") or "").strip() or None

    def source_of(self, doc_id: str) -> tuple[str, str] | None:
        """(file, "managed" | "bundled") of a published guide that can be edited (Markdown)."""
        ref = self.managed_guide(doc_id)
        if ref is not None:
            return ref, "managed"
        found = self.catalogue.document(doc_id) if self.reader.valid_id(doc_id) else None
        if found is not None:
            ref = found[0].source_path
            if PurePath(ref).suffix.lower() in GUIDE_EXT and self._guide_id(ref) == doc_id:
                return ref, "bundled"
        return None

    def _draft(self, name: str) -> DraftFile:
        if not DRAFT_NAME.match(name):
            raise KbError("Tên bản nháp không hợp lệ.")
        draft = self.files.draft(name)
        if draft is None:
            raise KbError("Không tìm thấy bản nháp này.", kind="not_found")
        return draft

    def has_draft(self, name: str) -> bool:
        return bool(DRAFT_NAME.match(name)) and any(self.files.has_draft(name, ext) for ext in DRAFT_EXT)

    def _published_text(self, doc_id: str) -> str:
        src = self.source_of(doc_id)
        return (self.files.read(src[0]) or "") if src else ""

    def _current_text(self, doc_id: str) -> str:
        draft = self.files.draft(doc_id) if DRAFT_NAME.match(doc_id) else None
        return draft.text if draft is not None and draft.ext == ".md" else self._published_text(doc_id)

    # ---- checks, uploads ----------------------------------------------------------------------------
    def check_front(self, front: dict[str, Any], body: str, *, editing: str | None = None,
                    replace: bool = False) -> tuple[dict[str, Any], list[str], list[str]]:
        return self.checker.check_front(front, body, editing=editing, replace=replace)

    def preview(self, filename: str, data: bytes, *, topic: str = "", lang: str = "", doc_id: str = "") -> Preview:
        return self.uploads.preview(filename, data, topic=topic, lang=lang, doc_id=doc_id)

    def save_upload(self, filename: str, data: bytes, *, topic: str = "", lang: str = "",
                    doc_id: str = "") -> tuple[str, Preview]:
        return self.uploads.save(filename, data, topic=topic, lang=lang, doc_id=doc_id)

    # ---- drafts and guides ------------------------------------------------------------------------
    def guide_text(self, doc_id: str) -> tuple[dict[str, Any], str, str] | None:
        """(front matter, body, origin) of the newest version: the draft, else the published guide."""
        draft = self.files.draft(doc_id) if DRAFT_NAME.match(doc_id) else None
        if draft is not None and draft.ext == ".md":
            meta, body = self.front.split(draft.text, draft.ref)
            return meta, body, "draft"
        src = self.source_of(doc_id)
        text = self.files.read(src[0]) if src is not None else None
        if src is None or text is None:
            return None
        meta, body = self.front.split(text, src[0])
        return meta, body, src[1]

    def save_draft(self, front: dict[str, Any], body: str, *,
                   editing: str | None = None) -> tuple[str, str, str, list[str]]:
        """Validate and write a guide draft. Returns (id, text before, text after, warnings)."""
        body = unicodedata.normalize("NFC", body.replace("\r\n", "\n"))
        p = self.checker.preview(f"{front.get('id', '')}.md", front, body, editing=editing)
        if p.errors:
            raise KbError("Bài có lỗi, chưa lưu.", p.errors, preview=p)
        doc_id = str(p.documents[0]["id"])
        before = self._current_text(doc_id)
        self.files.write_draft(doc_id, ".md", p.text)
        return doc_id, before, p.text, p.warnings

    def drafts(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for d in self.files.drafts():
            item: dict[str, object] = {"name": d.name, "kind": d.kind, "updated_at": d.updated_at.isoformat()}
            if d.ext == ".md":
                try:
                    meta, _ = self.front.split(d.text, d.ref)
                    item.update(title=str(meta.get("title", "")), topic=str(meta.get("topic", "")),
                                lang=str(meta.get("lang", "")), published=self.source_of(d.name) is not None)
                except Unreadable:
                    item.update(title=d.name, topic="", lang="")
            else:
                rows = max(0, len(d.text.splitlines()) - 1)
                item.update(title=f"Bảng hỏi đáp ({rows} dòng)", topic="", lang="",
                            published=self.files.table(d.name) is not None)
            out.append(item)
        return out

    def delete_draft(self, name: str) -> str:
        draft = self._draft(name)
        self.files.delete_draft(name, draft.ext)
        return draft.text

    def publish(self, name: str) -> Change:
        """Move a draft to its published place (replacing an older managed copy). `undo` puts it all back."""
        draft = self._draft(name)
        if draft.ext == ".csv":
            before, after, undo = self.files.publish_table(name)
            return Change(f"table:{name}", before, after, undo)
        meta, _ = self.front.split(draft.text, draft.ref)
        before = self._published_text(name)
        after, undo = self.files.publish_guide(name, str(meta.get("topic") or "general"))
        return Change(f"doc:{name}", before, after, undo)

    def check_unpublish(self, doc_id: str) -> str:
        """The managed file to take down; raises KbError for a bundled or unknown guide."""
        ref = self.files.table(doc_id) if DRAFT_NAME.match(doc_id) else None
        if ref is None:
            ref = self.managed_guide(doc_id)
        if ref is None:
            if self.source_of(doc_id) is not None:
                raise KbError("Bài này nằm trong kho gốc (knowledge/), không gỡ được từ đây; hãy sửa bài thay vì gỡ.",
                              kind="conflict")
            raise KbError("Không tìm thấy bài đã đăng này.", kind="not_found")
        return ref

    def unpublish(self, doc_id: str) -> Change:
        """Take a managed guide (or table) out of the index; it becomes a draft again."""
        text, undo = self.files.unpublish(self.check_unpublish(doc_id))
        return Change(f"doc:{doc_id}", text, "", undo)

    # ---- phrasings linked to a guide -------------------------------------------------------------------
    def check_question(self, doc_id: str, phrasing: str) -> tuple[str, str, dict[str, Any], str, str]:
        """(file, text, front matter, body, clean phrasing) when the phrasing can be added; raises KbError."""
        phrasing = " ".join(phrasing.split())[:300]
        if len(phrasing) < 3:
            raise KbError("Câu hỏi quá ngắn.")
        src = self.source_of(doc_id)
        text = self.files.read(src[0]) if src is not None else None
        if src is None or text is None:
            raise KbError("Chỉ thêm được câu hỏi vào một bài hướng dẫn (Markdown) đã đăng.")
        meta, body = self.front.split(text, src[0])
        if fold(phrasing).lower() in {fold(q).lower() for q in as_list(meta.get("questions"))}:
            raise KbError("Bài đã có câu hỏi này.")
        return src[0], text, meta, body, phrasing

    def add_question(self, doc_id: str, phrasing: str) -> Change:
        """Add a citizen's phrasing to a guide's `questions:` (in the managed copy) so the search finds it."""
        _ref, before, meta, body, phrasing = self.check_question(doc_id, phrasing)
        meta["questions"] = [*as_list(meta.get("questions")), phrasing]
        after = self.front.render(meta, body)
        undo = self.files.write_guide(doc_id, str(meta.get("topic") or "general"), after)
        return Change(f"doc:{doc_id}", before, after, undo)
