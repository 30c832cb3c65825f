"""A guide checked as the console saves it: the front matter's rules (rules.clean_front), the pipeline's
own checks as warnings, the conflicts of its id, and the guide as the ingest run would index it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.core.admin.model import Preview, Unreadable
from bot.core.admin.ports import Catalogue, FrontMatter, KnowledgeFiles, KnowledgeReader
from bot.core.admin.rules import clean_front, draft_conflict, guide_warnings, id_conflict


class GuideChecker:
    def __init__(self, *, files: KnowledgeFiles, reader: KnowledgeReader, front: FrontMatter,
                 catalogue: Catalogue, today: Callable[[], dt.date]) -> None:
        self.files, self.reader, self.front, self.catalogue, self.today = files, reader, front, catalogue, today

    def check_front(self, front: dict[str, Any], body: str, *, editing: str | None = None,
                    replace: bool = False) -> tuple[dict[str, Any], list[str], list[str]]:
        """Clean front matter, blocking errors, warnings. `editing`: the id of the guide being edited;
        `replace`: a new file may replace a published guide with the same id (an upload)."""
        f, errors = clean_front(front, body, self.reader, today=self.today(), editing=editing)
        warnings: list[str] = []
        if not errors:
            doc_id = str(f["id"])
            warnings = guide_warnings(self.reader.check_guide(f, body, self.today()))
            if editing is None and not replace and self.files.has_draft(doc_id, ".md"):
                errors.append(draft_conflict(doc_id))
            found = self.catalogue.document(doc_id)
            if found is not None and editing is None:
                error, warning = id_conflict(doc_id, found[0], replace=replace)
                if warning is not None:
                    warnings.insert(0, warning)
                if error is not None:
                    errors.append(error)
        return f, errors, warnings

    def preview(self, name: str, meta: dict[str, Any], body: str, *, kind: str = "guide",
                editing: str | None = None, replace: bool = False) -> Preview:
        """The guide's text as it would be saved, with its chunks as the ingest run would index them."""
        p = Preview(name, kind)
        front, p.errors, p.warnings = self.check_front(meta, body, editing=editing, replace=replace)
        if p.errors:
            return p
        p.text = self.front.render(front, body)
        try:
            guide = self.reader.read_guide(p.text, f"{front['id']}.md")
        except Unreadable as exc:
            p.errors.append("Không đọc được bài: " + str(exc).split(": ", 1)[-1])
            return p
        p.documents.append(guide.as_dict())
        return p
