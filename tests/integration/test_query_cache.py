"""The query-vector cache: in-process LRU first, Redis (the real server on 127.0.0.1:6379) shared by processes."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from bot.retrieval.embedders import FakeEmbedder
from bot.retrieval.query_cache import CachedQueryEmbedder
from bot.runtime.background import oversubscription

REDIS = "redis://127.0.0.1:6379/13"


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.model_id = f"fake/counting-{uuid.uuid4().hex[:8]}"  # fresh keys in Redis for every test
        self.texts: list[str] = []

    def embed_queries(self, texts):  # type: ignore[no-untyped-def]
        self.texts += list(texts)
        return super().embed_queries(texts)


def test_a_repeated_question_is_embedded_once_and_gets_the_same_vector() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=8)
    a = cached.embed_queries(["quên mật khẩu vneid", "đổi số điện thoại"])
    b = cached.embed_queries(["đổi số điện thoại", "quên mật khẩu vneid", "tra cứu bảo hiểm"])
    assert inner.texts == ["quên mật khẩu vneid", "đổi số điện thoại", "tra cứu bảo hiểm"]
    assert np.array_equal(a[0], b[1]) and np.array_equal(a[1], b[0])
    assert np.allclose(b, inner.embed_queries(["đổi số điện thoại", "quên mật khẩu vneid", "tra cứu bảo hiểm"]))
    assert (cached.hits, cached.misses) == (2, 3)


def test_the_least_recently_used_question_is_forgotten_first() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=2)
    for q in ["a một", "b hai", "a một", "c ba", "a một", "b hai"]:
        cached.embed_queries([q])
    assert inner.texts == ["a một", "b hai", "c ba", "b hai"]


def test_passages_are_never_cached() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=8)
    cached.embed_passages(["đoạn văn"])
    cached.embed_passages(["đoạn văn"])
    assert inner.embedded == 2 and cached.model_id == inner.model_id and cached.dim == inner.dim


def test_a_size_of_zero_caches_nothing() -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=0)
    cached.embed_queries(["x y"])
    cached.embed_queries(["x y"])
    assert inner.texts == ["x y", "x y"]


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_two_processes_share_query_vectors_through_redis() -> None:
    inner = CountingEmbedder()
    first = CachedQueryEmbedder(inner, size=8, redis_url=REDIS)
    v = first.embed_queries(["làm căn cước cho trẻ em"])
    other = CountingEmbedder()
    other.model_id = inner.model_id
    second = CachedQueryEmbedder(other, size=8, redis_url=REDIS)  # another worker: empty in-process cache
    w = second.embed_queries(["làm căn cước cho trẻ em"])
    assert other.texts == [] and np.array_equal(v, w)
    third = CountingEmbedder()  # another model never reads those vectors
    CachedQueryEmbedder(third, size=8, redis_url=REDIS).embed_queries(["làm căn cước cho trẻ em"])
    assert third.texts == ["làm căn cước cho trẻ em"]


def test_an_unreachable_redis_leaves_the_in_process_cache_working(caplog: pytest.LogCaptureFixture) -> None:
    inner = CountingEmbedder()
    cached = CachedQueryEmbedder(inner, size=8, redis_url="redis://127.0.0.1:1/0")
    a = cached.embed_queries(["hỏi lần một"])
    b = cached.embed_queries(["hỏi lần một"])
    assert inner.texts == ["hỏi lần một"] and np.array_equal(a, b)
    assert "Redis unavailable" in caplog.text


def test_more_embedding_threads_than_cores_is_reported() -> None:
    assert oversubscription(2, 1, cores=2) is None
    assert oversubscription(2, 0, cores=2) is None  # 0 = one thread per serving process
    warning = oversubscription(2, 2, cores=2)
    assert warning is not None and "4 > 2" in warning
    assert oversubscription(3, 0, cores=2) is not None
