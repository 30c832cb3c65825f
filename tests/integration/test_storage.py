"""Storage on SQLite and PostgreSQL: migrations, catalogue, embedding cache, question log."""

import numpy as np
import pytest
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


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite has no server connection to lose
def test_a_connection_killed_while_idle_in_the_pool_is_replaced_not_reported(db_url: str) -> None:
    """The pool pings a connection that sat idle (`ping_idle_s`), not every checkout: a PostgreSQL restart or
    an idle-timeout kill between two messages costs a reconnect, never an error to the citizen; a connection
    reused at once is not pinged (one round trip less per session under load)."""
    import time

    from sqlalchemy import event, text

    engine = make_engine(db_url, ping_idle_s=0.3)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with engine.connect() as c:
        pid = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as c:  # at once: the same connection, no ping
        assert c.execute(text("SELECT pg_backend_pid()")).scalar_one() == pid
    killer = make_engine(db_url)
    with killer.connect() as k:
        assert k.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one() is True
    killer.dispose()
    time.sleep(0.5)  # idle longer than ping_idle_s: the next checkout pings, finds it dead, reconnects
    with engine.connect() as c:
        assert c.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    assert statements == ["SELECT pg_backend_pid()"] * 3  # the ping goes to the driver, not through the engine
    engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite: the call does nothing
def test_a_relaxed_commit_skips_the_wal_flush_for_its_own_transaction_only(db_url: str) -> None:
    """`relaxed_commit` (the question log, the relay to a ticket, the web chat's insert) turns
    `synchronous_commit` off for that transaction alone: the message's completion after it waits for the disk."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from bot.storage.db import relaxed_commit

    engine = make_engine(db_url)
    with engine.connect() as c:
        c.execute(text("SET synchronous_commit = on"))  # the session's default (the test URL turns it off)
        c.commit()
        with Session(bind=c) as s:
            relaxed_commit(s)
            assert s.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
            s.commit()
        assert c.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
    engine.dispose()
