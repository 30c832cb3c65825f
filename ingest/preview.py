"""One file seen through the pipeline — the same front-matter loader, readers (uploads in the sandbox of
ingest/sandbox.py), `binhdan kb check` rules and chunker as the ingest run — so that the admin console's
preview says what the run will index. This is the `FrontMatter` and `KnowledgeReader` port of
bot/core/admin (ports.py); bootstrap wires it, as only bootstrap and the CLI may import `ingest`.
A reader's `SourceError` becomes the core's `Unreadable`, a `LimitError` its `OverLimit`."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from bot.core.admin.model import FRONT_ORDER, OverLimit, ReadDocument, ReadGuide, Unreadable
from bot.core.admin.ports import CatalogueEntry
from ingest.chunking import Chunker
from ingest.documents import SourceError
from ingest.kbcheck import AUDIENCES, LANGS, TOPICS, Report, _looks_reachable, check_guide
from ingest.limits import LimitError
from ingest.readers import read_guide, split_front_matter
from ingest.readers.common import _ID_OK, _slug
from ingest.readers.tables import _faq_row
from ingest.sandbox import parse_isolated
from ingest.stale import load_bad_urls, stale_report


@contextmanager
def _as_core_errors() -> Iterator[None]:
    try:
        yield
    except LimitError as exc:
        raise OverLimit(str(exc), vi=exc.vi, status=exc.status) from None
    except SourceError as exc:
        raise Unreadable(str(exc)) from None


def render_guide(front: dict[str, Any], body: str) -> str:
    ordered = {k: front[k] for k in FRONT_ORDER if k in front}
    ordered.update({k: v for k, v in front.items() if k not in ordered})
    head = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n{body.strip()}\n"


class PipelineReader:
    topics, audiences, langs = frozenset(TOPICS), frozenset(AUDIENCES), frozenset(LANGS)

    def __init__(self, *, chunker: Chunker, official_domains: list[str], max_words: int = 400,
                 stale_after_days: int = 180, broken_links_file: Path | None = None,
                 parse: Callable[[str, str, bytes], Any] = parse_isolated) -> None:
        self.chunker = chunker
        self.domains = official_domains
        self.max_words = max_words
        self.stale_after_days = stale_after_days
        self.broken_links_file = broken_links_file
        self.parse = parse

    # ---- FrontMatter ----------------------------------------------------------------------------------
    def split(self, text: str, name: str) -> tuple[dict[str, Any], str]:
        with _as_core_errors():
            meta, body, _ = split_front_matter(Path(name), text)
        return meta, body

    def render(self, front: dict[str, Any], body: str) -> str:
        return render_guide(front, body)

    # ---- KnowledgeReader ------------------------------------------------------------------------------
    def valid_id(self, doc_id: str) -> bool:
        return bool(_ID_OK.match(doc_id))

    def slug(self, filename: str) -> str:
        return _slug(Path(filename))

    def looks_reachable(self, url: str) -> bool:
        return _looks_reachable(url)

    def read_front(self, name: str, data: bytes) -> tuple[dict[str, Any], str]:
        with _as_core_errors():
            meta, body = self.parse("front", name, data)
        return meta, body

    def read_document(self, name: str, data: bytes, *, plain: bool) -> ReadDocument:
        with _as_core_errors():
            d = self.parse("plain" if plain else "document", name, data)
        return ReadDocument(doc_id=d.doc_id, title=d.title, body=d.body, lead=d.lead)

    def read_table(self, name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
        with _as_core_errors():
            header, records = self.parse("table", name, data)
        return list(header), [(line, row) for line, row in records]

    def faq_row_id(self, name: str, line: int, row: dict[str, Any]) -> str:
        with _as_core_errors():
            return _faq_row(Path(name), line, row).doc_id

    def read_guide(self, text: str, name: str) -> ReadGuide:
        with _as_core_errors(), tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / name
            p.write_text(text, encoding="utf-8")
            d = read_guide(p)
        chunks = self.chunker.split(d)
        return ReadGuide(doc_id=d.doc_id, kind=d.kind, title=d.title, topic=d.topic, lang=d.lang,
                         questions=d.questions, chunks=[(c.heading, c.text) for c in chunks])

    def check_guide(self, front: dict[str, Any], body: str, today: dt.date) -> list[str]:
        rep = Report()
        where = Path(str(front["topic"])) / f"{front['id']}.md"
        check_guide(where, front, body, self.domains, self.max_words, self.stale_after_days, today, rep)
        return rep.errors + rep.warnings

    def stale(self, documents: Sequence[CatalogueEntry], today: dt.date) -> list[dict[str, object]]:
        bad = load_bad_urls(self.broken_links_file) if self.broken_links_file else set()
        return stale_report(documents, today=today, stale_after_days=self.stale_after_days, bad_urls=bad)
