"""Shared by the CLI and storage tests: the newest migration revision."""

from __future__ import annotations


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    from bot.storage.db import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head
