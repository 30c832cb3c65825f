"""`binhdan`, the command line (Typer). This module is the table of commands: each one lives in the module of
its group, and the order below is the order `binhdan --help` lists them in.

    answering  ask, chat                  server   serve, worker         kb        ingest, kb check|links
    scam       check-message              evaluation  eval               doctor    doctor
    db         db upgrade                 models   models prepare        users     user add|list
    reports    report tickets|progress|statements                        privacy   privacy purge|export|erase
    learners   learners import-denominators|remind                       outreach  announce …, classes …

`main` is the console script (pyproject: binhdan = "bot.cli:main"); `python -m bot.cli` runs it too."""

from __future__ import annotations

import sys

import typer

from bot.cli import answering, db, doctor, evaluation, kb, learners, models, outreach, privacy, reports, scam, server, users
from bot.cli.common import CliError, err
from bot.config import ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="binhdan: the digital-literacy assistant")

app.command()(answering.ask)
app.command(name="check-message")(scam.check_message)
app.command()(answering.chat)
app.command()(server.serve)
app.command()(server.worker)
app.command(name="ingest")(kb.ingest_cmd)
app.command(name="eval")(evaluation.eval_cmd)
app.command()(doctor.doctor)

app.add_typer(db.app, name="db")
app.add_typer(kb.app, name="kb")
app.add_typer(users.app, name="user")
app.add_typer(reports.app, name="report")
app.add_typer(privacy.app, name="privacy")
app.add_typer(learners.app, name="learners")
app.add_typer(models.app, name="models")
app.add_typer(outreach.announce_app, name="announce")  # issue 21
app.add_typer(outreach.classes_app, name="classes")

__all__ = ["CliError", "app", "main"]


def _data_error(exc: Exception) -> bool:
    """An index or lexicon problem. Their modules are looked up only if already imported (a command that
    never touched the index cannot raise them), so that light commands (check-message) start fast."""
    ix, lx = sys.modules.get("bot.retrieval.index_store"), sys.modules.get("bot.retrieval.lexicon")
    kinds = tuple(c for c in (getattr(ix, "IndexMissing", None), getattr(ix, "IndexMismatch", None),
                              getattr(lx, "LexiconError", None)) if isinstance(c, type))
    return bool(kinds) and isinstance(exc, kinds)


def main() -> None:
    """Console entry point: configuration and data problems become one clear line, exit code 2."""
    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (ConfigError, CliError) as exc:
        err(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # index and lexicon problems; usage errors (click's, or typer's vendored copy)
        import click

        if _data_error(exc):
            err(str(exc))
            sys.exit(2)

        if isinstance(exc, click.exceptions.ClickException) or \
                (callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if isinstance(exc, click.exceptions.Abort) or type(exc).__name__ == "Abort":
            sys.exit(1)
        raise
