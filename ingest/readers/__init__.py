"""Readers by file type: Markdown guides with front matter (markdown.py), FAQ tables (.jsonl/.csv/.xlsx) and
portal procedure records (tables.py), and HTML, DOCX, PDF documents (documents.py); `read_file` picks one
by the file's extension and `discover` lists the files under the knowledge paths."""

from __future__ import annotations

from pathlib import Path

from ingest.documents import SourceDocument, SourceError
from ingest.readers.common import lead_paragraph
from ingest.readers.documents import read_docx, read_html, read_pdf
from ingest.readers.markdown import GUIDE_REQUIRED, guide_facts, read_guide, read_plain_markdown, split_front_matter
from ingest.readers.tables import procedure_document, read_csv, read_jsonl, read_xlsx, table_records, xlsx_rows

__all__ = ["GUIDE_REQUIRED", "SUPPORTED", "discover", "guide_facts", "lead_paragraph", "procedure_document",
           "read_csv", "read_docx", "read_file", "read_guide", "read_html", "read_jsonl", "read_pdf",
           "read_plain_markdown", "read_xlsx", "split_front_matter", "table_records", "xlsx_rows"]

SUPPORTED = {".md", ".markdown", ".jsonl", ".csv", ".xlsx", ".html", ".htm", ".docx", ".pdf"}


def read_file(path: Path) -> list[SourceDocument]:
    """Read every document in one file. Raises SourceError for a broken or unsupported file."""
    ext = path.suffix.lower()
    try:
        if ext in (".md", ".markdown"):
            if path.name.lower() == "readme.md":
                return []
            return [read_guide(path)]
        if ext == ".jsonl":
            return list(read_jsonl(path))
        if ext == ".csv":
            return list(read_csv(path))
        if ext == ".xlsx":
            return list(read_xlsx(path))
        if ext in (".html", ".htm"):
            return [read_html(path)]
        if ext == ".docx":
            return [read_docx(path)]
        if ext == ".pdf":
            return [read_pdf(path)]
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror}") from exc
    raise SourceError(str(path), f"unsupported file type {ext!r}")


def discover(paths: list[Path]) -> list[Path]:
    """Files to ingest under the given files or folders, in a stable order (hidden files skipped)."""
    found: list[Path] = []
    for p in paths:
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            raise SourceError(str(p), "no such file or folder")
    return found
