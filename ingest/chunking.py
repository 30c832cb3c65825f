"""Heading-aware chunking that keeps numbered steps together (langchain-text-splitters).

A document is split into its Markdown sections; a section that fits (steps get extra room) stays one
chunk, a longer one is split on paragraph and line boundaries, so a numbered step is never cut in half.
Small sections are merged into their neighbour. Each chunk's search text carries the title and heading
path (and, for the first chunk, the guide's typical questions, summary and tags).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from ingest.documents import SourceDocument

_STEPS = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
_IMAGES = re.compile(r"!\[[^\]]*\]\([^)]*\)")


@dataclass(frozen=True)
class Chunk:
    ordinal: int
    heading: str
    text: str
    search_text: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.search_text.encode("utf-8")).hexdigest()


class Chunker:
    def __init__(self, *, chunk_size: int = 900, overlap: int = 100, max_chunks: int = 40) -> None:
        self.size = chunk_size
        self.max_chunks = max_chunks
        self._headers = MarkdownHeaderTextSplitter(
            headers_to_split_on=[("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True
        )
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=overlap, separators=["\n\n", "\n", ". ", " ", ""],
            keep_separator=False,
        )

    def _sections(self, body: str) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for d in self._headers.split_text(body):
            heading = " › ".join(str(d.metadata[k]) for k in ("h1", "h2", "h3") if k in d.metadata)
            text = d.page_content.strip()
            if text:
                out.append((heading, text))
        return out

    def split(self, doc: SourceDocument) -> list[Chunk]:
        body = _IMAGES.sub("", doc.body)
        pieces: list[tuple[str, str]] = []
        for heading, text in self._sections(body):
            limit = int(self.size * 1.8) if _STEPS.search(text) else self.size
            if len(text) <= limit:
                pieces.append((heading, text))
            else:
                pieces.extend((heading, t) for t in self._splitter.split_text(text))
        # (shown heading, search heading, text): a short opening merged into the next section keeps
        # its own (empty) heading for display, and the section's heading for search.
        merged: list[tuple[str, str, str]] = []
        for heading, text in pieces:
            if merged and (len(merged[-1][2]) < 250 or len(text) < 150) and \
                    len(merged[-1][2]) + len(text) <= self.size * 1.8:
                shown, ph, pt = merged[-1]
                label = f"## {heading}\n" if heading and heading != ph else ""
                merged[-1] = (shown, ph or heading, f"{pt}\n\n{label}{text}")
            else:
                merged.append((heading, heading, text))
        merged = merged[: self.max_chunks]
        chunks = []
        extra = "\n".join([*doc.questions, str(doc.meta.get("summary", "") or ""), " ".join(doc.tags)]).strip()
        for i, (shown_heading, heading, text) in enumerate(merged):
            shown = f"## {shown_heading}\n{text}" if shown_heading else text
            parts = [doc.title, heading, text]
            if i == 0 and extra:
                parts.insert(1, extra)
            chunks.append(Chunk(i, heading, shown, "\n".join(p for p in parts if p)))
        return chunks
