"""Storage on SQLite and PostgreSQL: migrations, catalogue, embedding cache, question log."""

import numpy as np
from sqlalchemy import inspect

from bot.core.types import QuestionRecord
from bot.storage.db import current_revision, make_engine, session_factory, upgrade
from bot.storage.repositories import Catalogue, EmbeddingCache, NewChunk, SqlQuestionLog


def test_migrations_create_every_table_and_are_idempotent(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    from tests.integration.helpers_migrations import head_revision

    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"documents", "chunks", "embedding_cache", "questions", "index_builds", "inbox", "outbox", "conversations"} <= tables


def test_catalogue_upsert_replaces_chunks_and_remove_cascades(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        cat = Catalogue(s)
        cat.upsert(doc_id="d1", kind="guide", title="T", url="u", lang="vi", topic="vneid", source_path="p",
                   content_hash="h1", meta={"a": 1}, chunks=[NewChunk("d1#0", 0, "", "x", "c0"),
                                                           NewChunk("d1#1", 1, "", "y", "c1")])
    with sessions.begin() as s:
        cat = Catalogue(s)
        assert cat.all()["d1"].chunk_hashes == ("c0", "c1")
        cat.upsert(doc_id="d1", kind="guide", title="T2", url="u", lang="vi", topic="vneid", source_path="p",
                   content_hash="h2", meta={}, chunks=[NewChunk("d1#0", 0, "", "z", "c2")])
    with sessions.begin() as s:
        cat = Catalogue(s)
        d = cat.all()["d1"]
        assert d.title == "T2" and d.chunk_hashes == ("c2",)
        cat.remove(["d1"])
    with sessions.begin() as s:
        assert Catalogue(s).count() == (0, 0)


def test_embedding_cache_round_trip(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    v = np.arange(8, dtype=np.float32) / 10
    with sessions.begin() as s:
        EmbeddingCache(s, "m1").put_many({"h": v})
        EmbeddingCache(s, "m1").put_many({"h": v})  # a second put is a no-op
    with sessions.begin() as s:
        got = EmbeddingCache(s, "m1").get_many(["h", "missing"])
        assert list(got) == ["h"] and np.allclose(got["h"], v)
        assert EmbeddingCache(s, "other-model").get_many(["h"]) == {}


def test_question_log_persists_records(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    log = SqlQuestionLog(session_factory(engine))
    log.record(QuestionRecord(question="quên [MẬT KHẨU]", channel="cli", confidence=0.8, covered=True,
                              source_ids=("a", "b"), lang="vi", topic="vneid", latency_ms=12.5))
    (r,) = log.recent()
    assert r.question == "quên [MẬT KHẨU]" and r.source_ids == ("a", "b") and r.covered
