"""Alembic environment: the engine is handed in by `bot.storage.db` (no URL in an ini file)."""

from alembic import context

from bot.storage.tables.base import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
