"""What the knowledge-base admin needs from the outside, as ports:

- `KnowledgeFiles` — the managed files (drafts, published guides and tables) and the bundled guides, by
  reference (an opaque string naming a file); implemented by `bot/storage/kbfiles.ManagedFiles`.
- `FrontMatter` and `KnowledgeReader` — what the ingest pipeline makes of a file: the same front-matter
  loader, readers (in the upload sandbox), checks and chunker as `binhdan ingest`, so a preview says what
  the ingest run will do; implemented by `ingest/preview.PipelineReader` (wired by bootstrap, the only
  place besides the CLI that may import the pipeline). They raise `Unreadable` / `OverLimit`.
- `Catalogue` — the indexed documents (`bot/storage/admin.AdminStore`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, Protocol

from bot.core.admin.model import DraftFile, ReadDocument, ReadGuide, Undo


class CatalogueEntry(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def source_path(self) -> str: ...
    @property
    def meta(self) -> dict[str, object]: ...
    @property
    def chunks(self) -> int: ...


class Catalogue(Protocol):
    def documents(self) -> Sequence[CatalogueEntry]: ...
    def document(self, doc_id: str) -> tuple[CatalogueEntry, Any] | None: ...


class KnowledgeFiles(Protocol):
    """The files under `knowledge.managed_dir` (and the bundled guides, read only). Ids and names are
    checked by the caller (never a path or a pattern)."""

    def read(self, ref: str) -> str | None:
        """The text of a guide file (BOM dropped), None when there is no such file."""
    def is_managed(self, ref: str) -> bool:
        """Whether the file lies in the managed folder (else it is bundled)."""
    def managed_guide(self, doc_id: str) -> str | None:
        """The published managed guide `<doc_id>.md`, wherever its topic folder."""
    def table(self, name: str) -> str | None:
        """The published managed FAQ table `<name>.csv`."""
    def draft(self, name: str) -> DraftFile | None:
        """The draft `<name>.md`, else `<name>.csv`."""
    def has_draft(self, name: str, ext: str) -> bool: ...
    def drafts(self) -> list[DraftFile]: ...
    def write_draft(self, name: str, ext: str, text: str) -> None: ...
    def delete_draft(self, name: str, ext: str) -> None: ...
    def publish_table(self, name: str) -> tuple[str, str, Undo]:
        """Move the table draft to its published place: (text replaced, text published, undo)."""
    def publish_guide(self, name: str, topic: str) -> tuple[str, Undo]:
        """Move the guide draft to its topic folder, replacing an older managed copy: (text published, undo)."""
    def write_guide(self, doc_id: str, topic: str, text: str) -> Undo:
        """Write a managed guide in its topic folder, replacing an older managed copy."""
    def unpublish(self, ref: str) -> tuple[str, Undo]:
        """Take a managed file out of the published folders; it becomes a draft again (kept if one exists)."""


class FrontMatter(Protocol):
    def split(self, text: str, name: str) -> tuple[dict[str, Any], str]:
        """(front matter, body) of a guide's text; raises Unreadable."""
    def render(self, front: dict[str, Any], body: str) -> str:
        """A guide's text: the front matter in the editors' key order, then the body."""


class KnowledgeReader(Protocol):
    @property
    def topics(self) -> Collection[str]: ...
    @property
    def audiences(self) -> Collection[str]: ...
    @property
    def langs(self) -> Collection[str]: ...
    def valid_id(self, doc_id: str) -> bool:
        """The readers' rule for a document id."""
    def slug(self, filename: str) -> str:
        """The id the readers give a document file (its stem without tone marks)."""
    def looks_reachable(self, url: str) -> bool: ...
    def read_front(self, name: str, data: bytes) -> tuple[dict[str, Any], str]:
        """An uploaded guide with front matter (sandboxed). Raises Unreadable / OverLimit."""
    def read_document(self, name: str, data: bytes, *, plain: bool) -> ReadDocument:
        """An uploaded document, or Markdown without front matter (`plain`), sandboxed."""
    def read_table(self, name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
        """(lower-cased header, [(line, row)]) of an uploaded FAQ table, sandboxed."""
    def faq_row_id(self, name: str, line: int, row: dict[str, Any]) -> str:
        """The id of a FAQ table row as the ingest run reads it; raises Unreadable."""
    def read_guide(self, text: str, name: str) -> ReadGuide:
        """A guide's text as the ingest run reads and chunks it; raises Unreadable."""
    def check_guide(self, front: dict[str, Any], body: str, today: dt.date) -> list[str]:
        """The `binhdan kb check` problems of a guide (English, "<where>: <message>")."""
    def stale(self, documents: Sequence[CatalogueEntry], today: dt.date) -> list[dict[str, object]]:
        """The stale report: guides reviewed too long ago, facts past check_by, broken links."""
