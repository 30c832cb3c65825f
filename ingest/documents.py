"""The neutral document every reader produces, and the error every reader raises."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


class SourceError(ValueError):
    """A source file that cannot be read. The message names the path (and line where it applies)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path, self.line = path, line


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    kind: str  # guide | faq | procedure | document
    title: str
    body: str  # Markdown-ish text; headings as '#', steps as '1.'
    url: str = ""
    lang: str = "vi"
    topic: str = ""
    lead: str = ""  # one-line answer shown before the best passage
    questions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source_path: str = ""
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.doc_id, self.kind, self.title, self.body, self.url, self.lang, self.topic,
                     self.lead, "\x1f".join(self.questions), "\x1f".join(self.tags),
                     json.dumps(self.meta.get("facts") or [], ensure_ascii=False, sort_keys=True),
                     str(self.meta.get("summary") or "")):
            h.update(part.encode("utf-8"))
            h.update(b"\x1e")
        return h.hexdigest()
