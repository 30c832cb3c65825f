"""The knowledge base as the admin console edits it: what an upload may be, the preview of an upload, a
file change with its undo, a draft, and the errors (Vietnamese: editors read them in the console)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.errors import Kind, Unprocessable

GUIDE_EXT = (".md", ".markdown")
DOCUMENT_EXT = (".docx", ".pdf", ".html", ".htm")
TABLE_EXT = (".csv", ".xlsx")
UPLOAD_EXT = (*GUIDE_EXT, *DOCUMENT_EXT, *TABLE_EXT)
DRAFT_EXT = (".md", ".csv")  # a guide draft, a FAQ table draft
FRONT_ORDER = ("id", "title", "topic", "audience", "lang", "source_url", "reviewed_on", "tags", "summary", "questions")
TABLE_COLUMNS = ("id", "question", "answer", "url", "topic", "lang")
DRAFT_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,150}$")  # a draft's name: never a path or a pattern
MAX_BODY_CHARS = 200_000

Undo = Callable[[], None]


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


class Unreadable(ValueError):
    """A file the pipeline's readers refuse; the message is the reader's ("<path>[:<line>]: <problem>")."""


class OverLimit(Unreadable):
    """A file over one of the parse limits: `vi` is the Vietnamese message, `status` 413 or 422."""

    def __init__(self, message: str, *, vi: str, status: int = 422) -> None:
        super().__init__(message)
        self.vi, self.status = vi, status


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
    """A file change: its audit target, the text before and after (for the audit log), and its undo."""

    target: str
    before: str
    after: str
    undo: Undo


@dataclass(frozen=True)
class DraftFile:
    """An unpublished draft: `ext` is ".md" (a guide) or ".csv" (a FAQ table); `ref` names its file."""

    name: str
    ext: str
    ref: str
    text: str
    updated_at: dt.datetime

    @property
    def kind(self) -> str:
        return "guide" if self.ext == ".md" else "table"


@dataclass(frozen=True)
class ReadGuide:
    """A guide as the ingest run would index it: the document's fields and its chunks (heading, text)."""

    doc_id: str
    kind: str
    title: str
    topic: str
    lang: str
    questions: tuple[str, ...]
    chunks: list[tuple[str, str]]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.doc_id, "kind": self.kind, "title": self.title, "topic": self.topic, "lang": self.lang,
                "questions": list(self.questions), "chunks": [{"heading": h, "text": t} for h, t in self.chunks]}


@dataclass(frozen=True)
class ReadDocument:
    """An uploaded document (DOCX, PDF, HTML, Markdown without front matter) read as text."""

    doc_id: str
    title: str
    body: str
    lead: str
