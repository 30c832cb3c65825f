"""Markdown: guides with YAML front matter, and plain Markdown (an upload without front matter)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ingest.documents import SourceDocument, SourceError
from ingest.limits import load_yaml
from ingest.readers.common import _ID_OK, _as_list, _slug, _text, _web_url, lead_paragraph

GUIDE_REQUIRED = ("id", "title", "topic", "audience", "lang", "source_url", "reviewed_on", "tags", "summary")


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line where the body starts). Raises SourceError."""
    if not text.startswith("---"):
        raise SourceError(str(path), "missing YAML front matter (the file must start with '---')", 1)
    end = text.find("\n---", 3)
    if end < 0:
        raise SourceError(str(path), "front matter is not closed with '---'", 1)
    try:
        meta = load_yaml(path, text[3:end])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise SourceError(str(path), f"broken front matter: {getattr(exc, 'problem', exc)}", line) from exc
    if not isinstance(meta, dict):
        raise SourceError(str(path), "front matter must be a mapping of keys", 1)
    body_start = text.find("\n", end + 4)
    body = text[body_start + 1:] if body_start >= 0 else ""
    return meta, body, text[: end + 4].count("\n") + 2


def read_guide(path: Path) -> SourceDocument:
    text = _text(path)
    meta, body, _ = split_front_matter(path, text)
    missing = [k for k in ("id", "title") if not meta.get(k)]
    if missing:
        raise SourceError(str(path), f"front matter lacks {', '.join(missing)}", 1)
    doc_id = str(meta["id"]).strip()
    if not _ID_OK.match(doc_id):
        raise SourceError(str(path), f"id {doc_id!r} must be a slug (letters, digits, '-', '_', '.')", 1)
    urls = [_web_url(path, u, "source_url", 1) for u in _as_list(meta.get("source_url"))]
    if not body.strip():
        raise SourceError(str(path), "the guide has no body text")
    return SourceDocument(
        doc_id=doc_id, kind="guide", title=str(meta["title"]).strip(), body=body.strip(),
        url=urls[0] if urls else "", lang=str(meta.get("lang") or "vi"), topic=str(meta.get("topic") or ""),
        lead=lead_paragraph(body), questions=tuple(_as_list(meta.get("questions"))),
        tags=tuple(_as_list(meta.get("tags"))), source_path=str(path),
        meta={"audience": str(meta.get("audience", "")), "reviewed_on": str(meta.get("reviewed_on", "")),
              "summary": str(meta.get("summary", "")), "sources": urls, "facts": guide_facts(meta.get("facts"))},
    )


def guide_facts(raw: object) -> list[dict[str, str]]:
    """The `facts:` entries of a guide, as plain strings for the document's stored metadata (the stale
    report lists those whose check_by has passed). Malformed entries are left to `binhdan kb check`."""
    if not isinstance(raw, list):
        return []
    return [{k: str(f.get(k) or "") for k in ("text", "kind", "source", "checked_on", "check_by")}
            for f in raw if isinstance(f, dict) and f.get("text")]


def read_plain_markdown(path: Path) -> SourceDocument:
    """A Markdown file without front matter (an upload): the first heading is the title."""
    text = _text(path).replace("\r\n", "\n")
    m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    title = m.group(1).strip() if m else path.stem.replace("-", " ")
    body = text.replace(m.group(0), "", 1).strip() if m else text.strip()
    if not body:
        raise SourceError(str(path), "the file has no text")
    return SourceDocument(doc_id=_slug(path), kind="document", title=title, body=body, source_path=str(path),
                          lead=lead_paragraph(body))
