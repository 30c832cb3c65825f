"""`binhdan privacy purge|export|erase`: personal data (retention purge, a citizen's export and erasure)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.cli.common import CliError, settings

app = typer.Typer(no_args_is_help=True, help="Personal data: retention purge, export and erasure")


@app.command("purge")
def privacy_purge(
    days: Annotated[int | None, typer.Option("--days", min=1, help="Default: privacy.retention_days")] = None,
) -> None:
    """Delete conversation text older than the retention period now (serve also runs this periodically)."""
    from bot.bootstrap import build_personal_data

    s = settings()
    counts = build_personal_data(s).purge(days=days)
    kept = days or s.privacy.retention_days
    detail = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing to delete"
    typer.echo(f"purged text older than {kept} days: {detail}")


@app.command("export")
def privacy_export(
    channel: Annotated[str, typer.Argument(help="telegram | zalo | web")],
    user_ref: Annotated[str, typer.Argument(help="the citizen's chat id (or web session id)")],
) -> None:
    """Print everything kept about one citizen as JSON (for a request made in person). Audited."""
    from bot.bootstrap import build_personal_data

    s = settings()
    data = build_personal_data(s).export(channel, user_ref)
    typer.echo(json.dumps({"channel": channel, "data": data}, ensure_ascii=False, indent=1))


@app.command("pseudonym")
def privacy_pseudonym(
    channel: Annotated[str, typer.Argument(help="telegram | zalo | web")],
    user_ref: Annotated[str, typer.Argument(help="the citizen's chat id (or web session id)")],
) -> None:
    """Print the name this citizen has in the audit log (to answer "was my data exported or erased?")."""
    from bot.storage.audit import subject_pseudonym
    from bot.storage.keys import pseudonym_key

    try:
        key = pseudonym_key(settings())
    except (OSError, ValueError) as exc:
        raise CliError(f"no usable pseudonym key: {exc}") from exc
    typer.echo(subject_pseudonym(channel, user_ref, key))


@app.command("erase")
def privacy_erase(
    channel: Annotated[str, typer.Argument(help="telegram | zalo | web")],
    user_ref: Annotated[str, typer.Argument(help="the citizen's chat id (or web session id)")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: this cannot be undone")] = False,
) -> None:
    """Erase everything about one citizen (tickets are kept anonymised). Audited, without the data."""
    from bot.bootstrap import build_personal_data

    if not yes:
        raise CliError("erasure cannot be undone: add --yes to confirm")
    s = settings()
    counts = build_personal_data(s).erase(channel, user_ref, actor="cli")
    typer.echo("erased: " + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing was kept"))
