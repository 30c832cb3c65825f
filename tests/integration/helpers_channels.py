"""Shared by the channel tests: the webhook secret, the inbox count, and an app on the mini knowledge base."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.bootstrap import ingest
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine
from bot.storage.tables.messaging import InboxRow
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.fakes import ServerThread

SECRET = "s3cret-Token_1"


def inbox_count(db_url: str) -> int:
    with make_engine(db_url).connect() as c:
        return int(c.execute(select(func.count()).select_from(InboxRow)).scalar() or 0)


def start_app(tmp_path: Path, db_url: str, mini_kb: Path, **env: str) -> ServerThread:
    s = make_settings(tmp_path, db_url=db_url, **env)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    return ServerThread(create_app(s))

