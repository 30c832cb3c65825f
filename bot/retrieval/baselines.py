"""Evaluation baselines, measured in the same run as the project: BM25 over accent-folded syllables
alone, and the dense model alone on the question as typed."""

from __future__ import annotations

import numpy as np

from bot.core.text import clean, fold, tokens
from bot.core.types import Passage, QueryAnalysis, Retrieval
from bot.retrieval.embedders import Embedder
from bot.retrieval.index_store import LoadedIndex


class BaselineRetriever:
    def __init__(self, index: LoadedIndex, *, kind: str, embedder: Embedder | None = None) -> None:
        import bm25s

        if kind not in ("bm25", "dense"):
            raise ValueError(kind)
        self.kind = kind
        self.index = index
        self.embedder = embedder
        if kind == "bm25":
            self._bm25 = bm25s.BM25()
            self._bm25.index([tokens(fold(c.search_text)) for c in index.chunks], show_progress=False)

    def twin(self, doc_id: str, lang: str) -> str | None:
        return None

    def document(self, doc_id: str) -> Passage | None:
        return None

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        return []

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        text = clean(question)
        q = QueryAnalysis(original=question, normalized=text, restored=text,
                          folded_tokens=tuple(tokens(fold(text))), kind="baseline", lang="vi")
        if self.kind == "bm25":
            scores = self._bm25.get_scores(list(q.folded_tokens))
        else:
            assert self.embedder is not None
            scores = self.index.vectors @ self.embedder.embed_queries([text])[0]
        order = np.argsort(-scores)
        best: dict[str, Passage] = {}
        for i in order[: max(200, limit * 20)]:
            c = self.index.chunks[int(i)]
            if c.doc_id not in best:
                best[c.doc_id] = Passage(doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title, url=c.url,
                                         text=c.text, lang=c.lang, topic=c.topic, kind=c.kind,
                                         score=float(scores[i]), lead=c.lead)
                if len(best) >= limit:
                    break
        return Retrieval(query=q, passages=tuple(best.values()))
