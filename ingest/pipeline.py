"""The incremental ingest run: unchanged text is never embedded again, deleted documents leave the
index, and a failed run leaves the previous index (and database) exactly as they were."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from bot.retrieval.embedders import Embedder
from bot.retrieval.index_store import IndexedChunk, write_index
from bot.retrieval.tones import ToneModel
from bot.storage.repositories import Catalogue, EmbeddingCache, NewChunk
from ingest.chunking import Chunker
from ingest.documents import SourceDocument, SourceError
from ingest.readers import discover, read_file

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class IngestFailed(RuntimeError):
    """The run stopped; nothing was changed. `errors` lists every problem found."""

    def __init__(self, message: str, errors: list[str]) -> None:
        super().__init__(message)
        self.errors = errors


@dataclass
class IngestSummary:
    files: int = 0
    documents: int = 0
    chunks: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    embedded: int = 0
    cached: int = 0
    heads: int = 0  # phrasings naming a document, embedded as queries (heads_embedded of them this run)
    heads_embedded: int = 0
    seconds: float = 0.0
    build: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _noop(phase: str, done: int, total: int) -> None:
    return None


def head_texts(d: SourceDocument) -> list[str]:
    """The phrasings that name a document, for question-to-question similarity: a guide's title and its
    `questions`, a portal FAQ's question, a procedure's name. A FAQ answer without its question has none
    (its title is cut from the answer)."""
    if not d.questions and d.kind not in ("guide", "procedure"):
        return []
    return list(dict.fromkeys(t.strip() for t in (d.title, *d.questions) if t.strip()))


def _head_key(text: str) -> str:  # its own key space: the same text embedded as a query, not a passage
    return hashlib.sha256(("query\x00" + text).encode("utf-8")).hexdigest()


def _embed_missing(todo: dict[str, str], embed: Callable[[list[str]], np.ndarray], sessions: sessionmaker[Session],
                   model_id: str, vectors: dict[str, np.ndarray], batch_size: int,
                   on_batch: Callable[[int, int], None] | None = None) -> int:
    """Embed `todo` (key → text) into `vectors`, in batches of similar length (the ONNX embedder pads a batch to
    its longest text); each batch is committed to the embedding cache at once, so a run that fails later never
    embeds the same text again. Returns how many texts were embedded."""
    pending = sorted(todo.items(), key=lambda kv: len(kv[1]))
    for i in range(0, len(pending), batch_size):
        batch = pending[i:i + batch_size]
        embedded = embed([t for _, t in batch])
        fresh = {h: embedded[j] for j, (h, _) in enumerate(batch)}
        with sessions.begin() as s:
            EmbeddingCache(s, model_id).put_many(fresh)
        vectors.update(fresh)
        if on_batch is not None:
            on_batch(min(i + batch_size, len(pending)), len(pending))
    return len(pending)


def _embed_heads(docs: list[SourceDocument], sessions: sessionmaker[Session], embedder: Embedder,
                 batch_size: int, summary: IngestSummary) -> tuple[list[str], np.ndarray]:
    rows = [(d.doc_id, t, _head_key(t)) for d in docs for t in head_texts(d)]
    with sessions() as s:
        vectors = EmbeddingCache(s, embedder.model_id).get_many([h for _, _, h in rows])
    # the wrapped model itself: a query cache in front of it (bot/retrieval/query_cache.py) is for citizens' questions
    model = getattr(embedder, "inner", embedder)
    summary.heads_embedded += _embed_missing({h: t for _, t, h in rows if h not in vectors}, model.embed_queries,
                                             sessions, embedder.model_id, vectors, batch_size)
    summary.heads = len(rows)
    dim = embedder.dim
    matrix = np.stack([vectors[h] for _, _, h in rows]).astype(np.float32) if rows else np.zeros((0, dim), np.float32)
    return [d for d, _, _ in rows], matrix


def load_documents(paths: list[Path], *, on_error: str, progress: Progress = _noop
                   ) -> tuple[list[SourceDocument], list[str], int]:
    """Read every source. Returns (documents, errors, file count); raises IngestFailed when on_error=fail."""
    errors: list[str] = []
    try:
        files = discover(paths)
    except SourceError as exc:
        raise IngestFailed(str(exc), [str(exc)]) from exc
    docs: dict[str, SourceDocument] = {}
    for i, f in enumerate(files, 1):
        try:
            for d in read_file(f):
                if d.doc_id in docs:
                    raise SourceError(str(f), f"duplicate id {d.doc_id!r} (also in {docs[d.doc_id].source_path})")
                docs[d.doc_id] = d
        except SourceError as exc:
            errors.append(str(exc))
            if on_error == "fail":
                raise IngestFailed(f"stopped at a broken file: {exc}", errors) from exc
        progress("read", i, len(files))
    return list(docs.values()), errors, len(files)


def run_ingest(
    *,
    paths: list[Path],
    index_dir: Path,
    sessions: sessionmaker[Session],
    embedder: Embedder,
    chunker: Chunker,
    on_error: str = "skip",
    batch_size: int = 16,
    keep_builds: int = 2,
    progress: Progress = _noop,
) -> IngestSummary:
    """Build (or update) the index from `paths`. Raises IngestFailed; the previous index stays intact."""
    t0 = time.perf_counter()
    started = datetime.now(UTC)
    docs, errors, n_files = load_documents(paths, on_error=on_error, progress=progress)
    if not docs:
        raise IngestFailed("no documents found to index" + (f" ({len(errors)} broken files)" if errors else ""),
                           errors)
    summary = IngestSummary(files=n_files, documents=len(docs), errors=errors)
    chunked = {d.doc_id: chunker.split(d) for d in docs}
    items: list[IndexedChunk] = [
        IndexedChunk(
            chunk_id=f"{d.doc_id}#{c.ordinal}", doc_id=d.doc_id, title=d.title, url=d.url, lang=d.lang,
            topic=d.topic, kind=d.kind, text=c.text, search_text=c.search_text, lead=d.lead,
            content_hash=c.content_hash,
            **({"summary": str(d.meta.get("summary") or ""), "facts": tuple(d.meta.get("facts") or ()),  # type: ignore[arg-type]
                "questions": d.questions} if c.ordinal == 0 else {}),
        )
        for d in docs for c in chunked[d.doc_id]
    ]
    summary.chunks = len(items)
    hashes = [c.content_hash for c in items]

    # Phase 1: embeddings. Each batch is committed to the cache at once, so a run that fails later
    # (or is interrupted) never has to embed the same text again.
    with sessions() as s:
        vectors = EmbeddingCache(s, embedder.model_id).get_many(hashes)
    summary.cached = len(vectors)
    todo: dict[str, str] = {}
    for c in items:
        if c.content_hash not in vectors:
            todo.setdefault(c.content_hash, c.search_text)
    summary.embedded += _embed_missing(todo, embedder.embed_passages, sessions, embedder.model_id, vectors,
                                       batch_size, lambda done, total: progress("embed", done, total))

    head_docs, head_matrix = _embed_heads(docs, sessions, embedder, batch_size, summary)

    # Phase 2: one transaction for the catalogue; it commits only after the new index is live.
    with sessions.begin() as s:
        cat = Catalogue(s)
        stored = cat.all()
        for d in docs:
            old = stored.get(d.doc_id)
            if old is not None and old.content_hash == d.content_hash:
                summary.unchanged += 1
                continue
            if old is None:
                summary.added += 1
            else:
                summary.changed += 1
            cat.upsert(
                doc_id=d.doc_id, kind=d.kind, title=d.title, url=d.url, lang=d.lang, topic=d.topic,
                source_path=d.source_path, content_hash=d.content_hash, meta=d.meta,
                chunks=[NewChunk(f"{d.doc_id}#{c.ordinal}", c.ordinal, c.heading, c.text, c.content_hash)
                        for c in chunked[d.doc_id]],
            )
        gone = set(stored) - {d.doc_id for d in docs}
        cat.remove(gone)
        summary.removed = len(gone)
        matrix = np.stack([vectors[h] for h in hashes]).astype(np.float32)
        tones = ToneModel.fit([c.search_text for c in items])
        build = write_index(
            index_dir, chunks=items, vectors=matrix, model_id=embedder.model_id, tones=tones,
            extra={"embedder_dim": int(matrix.shape[1]), "sources": [str(p) for p in paths],
                   "ingest": {k: v for k, v in summary.as_dict().items() if k != "errors"}},
            keep_builds=keep_builds, heads=(head_docs, head_matrix),
        )
        summary.build = build.name
        summary.seconds = round(time.perf_counter() - t0, 3)
        cat.record_build(build_id=build.name, model_id=embedder.model_id, started_at=started,
                         summary={k: v for k, v in summary.as_dict().items() if k != "errors"})
    return summary
