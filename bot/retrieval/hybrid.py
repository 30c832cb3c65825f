"""Hybrid retrieval: dense (faiss, exact inner product) + lexical (bm25s over accent-folded syllables
and bigrams), fused with weights chosen by the kind of query (accented / unaccented / English), then
grouped to one passage per document.

CPU-bound and synchronous; callers on an event loop run it in a worker thread.
"""

from __future__ import annotations

import logging
import math
import sys
from collections import Counter

import numpy as np

from bot.core.text import fold, tokens
from bot.core.types import Fact, Passage, QueryAnalysis, Retrieval
from bot.retrieval.analyzer import QueryAnalyzer, lexical_tokens
from bot.retrieval.embedders import Embedder
from bot.retrieval.index_store import IndexedChunk, LoadedIndex

log = logging.getLogger(__name__)

LANG_MISMATCH_PENALTY = 0.85
# Title words that name no service ("… thì làm thế nào?"): they never tell two guides apart.
_FUNCTION_WORDS = frozenset({
    "thi", "lam", "the", "nao", "sao", "gi", "la", "co", "khong", "duoc", "o", "dau", "cho", "va",
    "cua", "khi", "bao", "nhieu", "nhu", "nhe", "hoac", "bi", "toi", "minh", "ban", "can", "nhung", "cac",
    "mot", "ai", "voi", "tren", "vao", "ra", "de", "neu", "con", "hay", "da", "se", "dang",
})


def dense_query(text: str, limit: int) -> str:
    """Cap what the dense model reads (its cost grows with every token): a long question keeps its
    opening (the topic) and its end (what is asked), cut at word boundaries. BM25 still reads it all."""
    if limit <= 0 or len(text) <= limit:
        return text
    head_len = int(limit * 0.6)
    head = text[:head_len].rsplit(" ", 1)[0]
    tail = text[-(limit - len(head) - 1):]
    tail = tail.split(" ", 1)[1] if " " in tail else tail
    return f"{head} {tail}"


class HybridRetriever:
    """Implements the `Retriever` port over a loaded index. Read-only after construction."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        analyzer: QueryAnalyzer,
        *,
        candidates: int = 50,
        dense_weights: dict[str, float] | None = None,
        mode: str = "hybrid",  # hybrid | dense | lexical (the latter two are evaluation baselines)
        max_dense_chars: int = 0,
        title_weight: float = 0.0,
        head_dense: float = 0.0,
        doc_pool: float = 0.0,
    ) -> None:
        import bm25s
        import faiss

        # One query per search: faiss's OpenMP team only adds waiting, and next to the embedder's own OpenMP
        # runtime it stalled searches for tens of milliseconds on a busy machine (bench/answer_latency.py).
        faiss.omp_set_num_threads(1)
        self.index = index
        self.embedder = embedder
        self.analyzer = analyzer
        self.candidates = candidates
        self.weights = dense_weights or {"accented": 0.7, "unaccented": 0.45, "english": 0.8}
        self.mode = mode
        self.max_dense_chars = max_dense_chars
        self.title_weight = title_weight
        # Question-to-question similarity: a document's dense score is lifted towards the best similarity of
        # the question to one of its phrasings (title, `questions`; the index's head vectors) by this share.
        self.head_dense = head_dense
        # Guide-level scores: each chunk's dense and lexical scores lifted towards its document's best (among the
        # candidates) by this share, so a document whose best dense and best lexical chunks differ is not split.
        self.doc_pool = doc_pool
        self.chunks: list[IndexedChunk] = index.chunks
        self.vectors = index.vectors
        self._faiss = faiss.IndexFlatIP(int(self.vectors.shape[1]) if len(self.vectors) else 1)
        if len(self.vectors):
            self._faiss.add(self.vectors)
        # interned: one object per distinct token instead of one per occurrence (-200 MB at 10,000 chunks)
        corpus = [[sys.intern(t) for t in lexical_tokens(tokens(c.search_text))] for c in self.chunks]
        self._bm25 = bm25s.BM25()
        if corpus:
            self._bm25.index(corpus, show_progress=False)
        df: Counter[str] = Counter()
        self._doc_terms: dict[str, set[str]] = {}
        for c, toks in zip(self.chunks, corpus, strict=True):
            self._doc_terms.setdefault(c.doc_id, set()).update(t for t in toks if "_" not in t)
        for terms in self._doc_terms.values():
            df.update(terms)
        n_docs = max(1, len(self._doc_terms))
        self._idf = {t: math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._max_idf = math.log(1 + (n_docs + 0.5) / 0.5)
        self._first_chunk: dict[str, int] = {}
        for i, c in enumerate(self.chunks):
            self._first_chunk.setdefault(c.doc_id, i)
        self._doc_ids = set(self._first_chunk)
        # Document-level fields: the guide's head (title, `questions`, tags, summary) as its own BM25 field,
        # and the title + tag words that name the service (used to tell two close guides apart).
        self._doc_order = list(self._first_chunk)
        self._doc_pos = {d: i for i, d in enumerate(self._doc_order)}
        heads, self._names, self._meta, self._head_terms = [], {}, {}, {}
        for d in self._doc_order:
            c = self.chunks[self._first_chunk[d]]
            if c.questions or c.summary:
                head = " ".join([c.title, *c.questions, c.summary])
            else:  # a title cut from the text's own opening (a FAQ answer without its question) adds no field
                head = "" if c.text.startswith(c.title.rstrip("…").rstrip()) else c.title
            heads.append([sys.intern(t) for t in lexical_tokens(tokens(head))])
            self._head_terms[d] = frozenset(t for t in heads[-1] if "_" not in t)
            self._names[d] = frozenset(fold(w) for w in tokens(c.title) if len(w) > 1) - _FUNCTION_WORDS - _FUNCTION_WORDS
            self._meta[d] = (c.summary, tuple(Fact(text=str(f.get("text", "")), kind=str(f.get("kind") or "other"),
                                                   source=str(f.get("source", "")), checked_on=str(f.get("checked_on", "")))
                                              for f in c.facts))
        self._head_vocab = frozenset().union(*self._head_terms.values()) if self._head_terms else frozenset()
        self._heads = bm25s.BM25()
        self._headed = np.array([bool(h) for h in heads], dtype=bool)  # per document
        self._has_heads = bool(self._headed.any())
        if self._has_heads:  # bm25s cannot index a corpus of empty fields
            self._heads.index(heads, show_progress=False)
        self._is_vi = np.array([c.lang == "vi" for c in self.chunks], dtype=bool)  # per chunk, once
        self._chunk_doc = np.array([self._doc_pos[c.doc_id] for c in self.chunks], dtype=np.int64)  # chunk → document
        known = [i for i, d in enumerate(index.head_docs) if d in self._doc_pos]
        self._head_vecs = np.ascontiguousarray(index.heads[known], dtype=np.float32) if known else None
        self._head_doc = np.array([self._doc_pos[index.head_docs[i]] for i in known], dtype=np.int64)
        self.analyzer.vocabulary = frozenset(self._idf)

    @property
    def size(self) -> int:
        return len(self.chunks)

    def twin(self, doc_id: str, lang: str) -> str | None:
        cand = doc_id.removesuffix("-en") if lang == "vi" else doc_id.removesuffix("-en") + "-en"
        return cand if cand in self._doc_ids else None

    def document(self, doc_id: str) -> Passage | None:
        i = self._first_chunk.get(doc_id)
        if i is None:
            return None
        c = self.chunks[i]
        summary, facts = self._meta.get(doc_id, ("", ()))
        return Passage(doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title, url=c.url, text=c.text,
                       lang=c.lang, topic=c.topic, kind=c.kind, score=1.0, dense=1.0, lexical=1.0, lead=c.lead,
                       summary=summary, facts=facts)

    def discriminates(self, q: QueryAnalysis, a: str, b: str) -> bool:
        """True when the question contains a title word of guide `a` or `b` that the other's title lacks
        ("quên mật khẩu" does not say VNeID or bank; "quên mật khẩu vneid" does)."""
        na, nb = self._names.get(a, frozenset()), self._names.get(b, frozenset())
        words = {t for t in q.folded_tokens if "_" not in t}
        return bool(words & (na ^ nb))

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        out = [(d, self.chunks[i].title) for d, i in self._first_chunk.items()
               if self.chunks[i].topic == topic and self.chunks[i].lang == lang and self.chunks[i].kind == "guide"]
        return out[:limit]

    def _coverage(self, q: QueryAnalysis, have: set[str] | frozenset[str] | dict[str, float]) -> float:
        """IDF-weighted share of the question's words found in `have` (unknown words weigh the most)."""
        terms = [t for t in dict.fromkeys(q.folded_tokens) if "_" not in t and len(t) > 1]
        if not terms:
            return 0.0
        total = sum(self._idf.get(t, self._max_idf) for t in terms)
        hit = sum(self._idf.get(t, self._max_idf) for t in terms if t in have)
        return hit / total if total else 0.0

    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        q = self.analyzer.analyze(question)
        if not self.chunks or not q.folded_tokens:
            return Retrieval(query=q, passages=())
        n = len(self.chunks)
        k = min(self.candidates, n)
        cand: set[int] = set()
        dense_all = None
        head_best = None
        head_sim = 0.0
        if self.mode != "lexical":
            qv = self.embedder.embed_queries([dense_query(q.restored or q.normalized, self.max_dense_chars)])[0]
            _, ids = self._faiss.search(qv.reshape(1, -1), k)
            cand.update(int(i) for i in ids[0] if i >= 0)
            dense_all = qv
            if self._head_vecs is not None and len(self._head_vecs):
                sims = self._head_vecs @ qv
                head_sim = float(sims.max())
            if self.head_dense > 0 and self._head_vecs is not None and len(self._head_vecs):
                head_best = np.full(len(self._doc_order), -1.0, dtype=np.float32)
                np.maximum.at(head_best, self._head_doc, sims)
                top = np.argpartition(-sims, min(k, len(sims)) - 1)[:k] if len(sims) > k else np.arange(len(sims))
                cand.update(self._first_chunk[self._doc_order[int(self._head_doc[i])]] for i in top)
        lex = None
        if self.mode != "dense":
            lex = self._bm25.get_scores(list(q.folded_tokens))
            top = np.argpartition(-lex, k - 1)[:k] if k < n else np.arange(n)
            cand.update(int(i) for i in top if lex[i] > 0)
        if not cand:
            return Retrieval(query=q, passages=())
        idx = np.fromiter(cand, dtype=np.int64)
        dense = self.vectors[idx] @ dense_all if dense_all is not None else np.zeros(len(idx), np.float32)
        lexs = lex[idx] if lex is not None else np.zeros(len(idx), np.float32)
        chunk_dense = dense
        if head_best is not None:  # shown as `dense` stays the chunk's own similarity (a calibration feature)
            hd = head_best[self._chunk_doc[idx]]
            dense = dense + self.head_dense * np.maximum(0.0, hd - dense)
        if self.doc_pool > 0:
            docs = self._chunk_doc[idx]
            pooled = []
            for arr in (dense, lexs):
                top = np.full(len(self._doc_order), -np.inf, dtype=np.float64)
                np.maximum.at(top, docs, arr)
                pooled.append(arr + self.doc_pool * (top[docs] - arr))
            dense, lexs = pooled[0], pooled[1]
        if self.mode == "dense":
            fused = dense.astype(np.float64)
        elif self.mode == "lexical":
            fused = lexs / (lexs.max() + 1e-9)
        else:
            w = self.weights.get(q.kind, 0.5)
            dmin, dmax = float(dense.min()), float(dense.max())
            dn = (dense - dmin) / (dmax - dmin + 1e-9) if dmax > dmin else np.ones_like(dense)
            ln = lexs / (lexs.max() + 1e-9) if lexs.max() > 0 else np.zeros_like(lexs)
            fused = w * dn + (1 - w) * ln
            if self.title_weight and self._has_heads:
                heads = self._heads.get_scores(list(q.folded_tokens))
                hmax = float(heads.max())
                if hmax > 0:
                    hs = heads[self._chunk_doc[idx]] / hmax
                    # a document without a head field is neither lifted nor lowered by it
                    fused = np.where(self._headed[self._chunk_doc[idx]],
                                     (fused + self.title_weight * hs) / (1 + self.title_weight), fused)
        if q.lang == "vi":  # Vietnamese questions get Vietnamese guides; English ones may get either
            fused = np.where(self._is_vi[idx], fused, fused * LANG_MISMATCH_PENALTY)
        order = np.argsort(-fused)
        best: dict[str, Passage] = {}
        lmax = float(lexs.max()) if len(lexs) else 0.0
        for j in order:
            c = self.chunks[int(idx[j])]
            if c.doc_id in best:
                continue
            best[c.doc_id] = Passage(
                doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title, url=c.url, text=c.text,
                lang=c.lang, topic=c.topic, kind=c.kind, score=float(max(0.0, min(1.0, fused[j]))),
                dense=float(chunk_dense[j]), lexical=float(lexs[j] / lmax) if lmax > 0 else 0.0, lead=c.lead,
                summary=self._meta.get(c.doc_id, ("", ()))[0], facts=self._meta.get(c.doc_id, ("", ()))[1],
            )
            if len(best) >= limit:
                break
        passages = tuple(best.values())
        margin = passages[0].score - passages[1].score if len(passages) > 1 else passages[0].score
        first = passages[0].doc_id
        confusable = tuple(p.doc_id for p in passages[1:]
                           if p.doc_id.removesuffix("-en") != first.removesuffix("-en")
                           and not self.discriminates(q, first, p.doc_id))
        return Retrieval(query=q, passages=passages, coverage=self._coverage(q, self._doc_terms.get(first, set())),
                         margin=float(margin), confusable=confusable,
                         head_coverage=self._coverage(q, self._head_terms.get(first, frozenset())),
                         known=self._coverage(q, self._head_vocab), bm25=passages[0].lexical * lmax,
                         head_sim=head_sim)
