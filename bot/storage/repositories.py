"""Repositories over the tables: the knowledge catalogue, the embedding cache and the question log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from bot.core.types import QuestionRecord
from bot.storage.db import relaxed_commit
from bot.storage.tables.base import utcnow
from bot.storage.tables.knowledge import ChunkRow, DocumentRow, EmbeddingRow, IndexBuildRow, QuestionRow


@dataclass(frozen=True)
class StoredDocument:
    id: str
    kind: str
    title: str
    url: str
    lang: str
    topic: str
    source_path: str
    content_hash: str
    chunk_hashes: tuple[str, ...]


@dataclass(frozen=True)
class NewChunk:
    id: str
    ordinal: int
    heading: str
    text: str
    content_hash: str


class Catalogue:
    """Documents and chunks as last ingested. Used inside one ingest transaction (a Session)."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def all(self) -> dict[str, StoredDocument]:
        hashes: dict[str, list[str]] = {}
        for doc_id, h in self.s.execute(select(ChunkRow.doc_id, ChunkRow.content_hash).order_by(ChunkRow.ordinal)):
            hashes.setdefault(doc_id, []).append(h)
        return {
            d.id: StoredDocument(d.id, d.kind, d.title, d.url, d.lang, d.topic, d.source_path,
                                 d.content_hash, tuple(hashes.get(d.id, ())))
            for d in self.s.scalars(select(DocumentRow))
        }

    def upsert(
        self, *, doc_id: str, kind: str, title: str, url: str, lang: str, topic: str, source_path: str,
        content_hash: str, meta: dict[str, object], chunks: Sequence[NewChunk],
    ) -> None:
        row = self.s.get(DocumentRow, doc_id)
        if row is None:
            row = DocumentRow(id=doc_id, created_at=utcnow())
            self.s.add(row)
        row.kind, row.title, row.url, row.lang, row.topic = kind, title, url, lang, topic
        row.source_path, row.content_hash, row.meta, row.status = source_path, content_hash, meta, "published"
        row.updated_at = utcnow()
        self.s.execute(delete(ChunkRow).where(ChunkRow.doc_id == doc_id))
        self.s.flush()
        self.s.add_all(
            ChunkRow(id=c.id, doc_id=doc_id, ordinal=c.ordinal, heading=c.heading, text=c.text,
                     content_hash=c.content_hash)
            for c in chunks
        )

    def remove(self, doc_ids: Iterable[str]) -> None:
        ids = list(doc_ids)
        if ids:
            self.s.execute(delete(ChunkRow).where(ChunkRow.doc_id.in_(ids)))
            self.s.execute(delete(DocumentRow).where(DocumentRow.id.in_(ids)))

    def count(self) -> tuple[int, int]:
        docs = self.s.scalar(select(func.count()).select_from(DocumentRow)) or 0
        chunks = self.s.scalar(select(func.count()).select_from(ChunkRow)) or 0
        return docs, chunks

    def record_build(self, *, build_id: str, model_id: str, started_at: datetime,
                     summary: dict[str, object]) -> None:
        self.s.add(IndexBuildRow(build_id=build_id, model_id=model_id, started_at=started_at,
                                 finished_at=utcnow(), summary=summary))


class EmbeddingCache:
    """Vectors keyed by (model id, content hash)."""

    def __init__(self, session: Session, model_id: str) -> None:
        self.s = session
        self.model_id = model_id

    def get_many(self, hashes: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        out: dict[str, NDArray[np.float32]] = {}
        unique = list(dict.fromkeys(hashes))
        for i in range(0, len(unique), 500):
            part = unique[i:i + 500]
            rows = self.s.execute(
                select(EmbeddingRow.content_hash, EmbeddingRow.vector).where(
                    tuple_(EmbeddingRow.model_id, EmbeddingRow.content_hash).in_([(self.model_id, h) for h in part])
                )
            )
            for h, blob in rows:
                out[h] = np.frombuffer(blob, dtype=np.float32).copy()
        return out

    def put_many(self, items: dict[str, NDArray[np.float32]]) -> None:
        existing = set(self.get_many(list(items)))
        self.s.add_all(
            EmbeddingRow(model_id=self.model_id, content_hash=h, dim=int(v.shape[0]),
                         vector=np.asarray(v, np.float32).tobytes(), created_at=utcnow())
            for h, v in items.items() if h not in existing
        )
        self.s.flush()


class SqlQuestionLog:
    """Implements the core's `QuestionLog` port: one short transaction per question."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, item: QuestionRecord) -> int | None:
        with self._sessions.begin() as s:
            relaxed_commit(s)  # logged while the message is processed: durable with its completion
            row = QuestionRow(
                channel=item.channel, question=item.question, lang=item.lang, confidence=item.confidence,
                covered=item.covered, source_ids=list(item.source_ids), topic=item.topic,
                latency_ms=item.latency_ms, answer_mode=item.answer_mode, fallback_reason=item.fallback_reason,
                llm_tokens=item.llm_tokens,
            )
            s.add(row)
            s.flush()
            return int(row.id)

    def feedback(self, question_id: int, value: str) -> None:
        with self._sessions.begin() as s:
            row = s.get(QuestionRow, question_id)
            if row is not None:
                row.feedback = value

    def recent(self, limit: int = 50) -> list[QuestionRecord]:
        with self._sessions() as s:
            rows = s.scalars(select(QuestionRow).order_by(QuestionRow.id.desc()).limit(limit))
            return [QuestionRecord(question=r.question, channel=r.channel, confidence=r.confidence,
                                   covered=r.covered, source_ids=tuple(r.source_ids), lang=r.lang,
                                   topic=r.topic, latency_ms=r.latency_ms, answer_mode=r.answer_mode,
                                   fallback_reason=r.fallback_reason, llm_tokens=r.llm_tokens) for r in rows]
