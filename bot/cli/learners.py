"""`binhdan learners import-denominators|remind`: population denominators and learning reminders (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, err, settings

app = typer.Typer(no_args_is_help=True, help="Learning: population denominators, reminders")


@app.command("import-denominators")
def learners_import_denominators(
    file: Annotated[Path, typer.Argument(help="CSV: commune_code,group,population (UTF-8, header line first)")],
    replace: Annotated[bool, typer.Option("--replace", help="drop all existing denominators first")] = False,
) -> None:
    """Import population denominators per commune and group. Every bad row is reported (line numbers) and
    then nothing is written; a good file is written in one transaction."""
    from bot.bootstrap import build_communes, build_sessions
    from bot.core.learning.coverage import parse_denominators
    from bot.storage.learning import LearningReports

    s = settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {file}: {exc}") from None
    rows, errors = parse_denominators(text, build_communes(s))
    if errors:
        for e in errors:
            err(f"{file.name}: {e}")
        err(f"{len(errors)} bad row(s): nothing was imported")
        raise typer.Exit(1)
    result = LearningReports(build_sessions(s)).import_denominators(rows, replace=replace)
    total = sum(r.population for r in rows)
    typer.echo(f"imported {len(rows)} rows ({result.inserted} new, {result.updated} updated), population {total}")


@app.command("remind")
def learners_remind(
    now: Annotated[str, typer.Option("--now", help="pretend it is this ISO time (tests, catch-up runs)")] = "",
) -> None:
    """Queue the learning reminders that are due now (serve and worker also run this periodically)."""
    from datetime import UTC, datetime

    from bot.bootstrap import build_reminders

    at = None
    if now:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            raise CliError(f"--now is not an ISO time: {now!r}") from None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    s = settings()
    job = build_reminders(s, clock=(lambda: at) if at is not None else None)
    n = job.run_once()
    typer.echo(f"queued {n} reminder(s)")
