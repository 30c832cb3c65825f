"""`binhdan db upgrade`: database migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import settings

app = typer.Typer(no_args_is_help=True, help="Database migrations")


@app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations."""
    from bot.storage.db import current_revision, make_engine, upgrade

    s = settings()
    engine = make_engine(s.database_url)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")
