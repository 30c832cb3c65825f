"""The Alembic migrations build exactly the schema the code's tables describe (no drift), on SQLite and
PostgreSQL, and downgrade to the base cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.db import make_engine, upgrade
from bot.storage.tables.base import Base


def test_migrations_match_the_tables(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(ctx, Base.metadata)
    # SQLite reports JSON/Boolean affinities loosely; only structural differences count there
    if engine.dialect.name == "sqlite":
        diffs = [d for d in diffs if not (isinstance(d, list) and d and d[0][0] == "modify_type")]
    assert diffs == [], "\n".join(map(str, diffs))


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    from alembic import command

    from bot.storage.db import _alembic_config

    engine = make_engine(db_url)
    upgrade(engine)
    command.downgrade(_alembic_config(engine), "base")
    with engine.connect() as conn:
        from sqlalchemy import inspect

        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
