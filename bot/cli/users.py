"""`binhdan user add|list`: accounts of volunteers, editors, viewers and admins."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.cli.common import fail, settings

app = typer.Typer(no_args_is_help=True, help="Accounts of volunteers, editors, viewers and admins")


@app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="log-in name: lower-case letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", help="volunteer | admin | editor | viewer")],
    commune: Annotated[list[str] | None, typer.Option("--commune", help="official 5-digit commune code (repeat)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
    display_name: Annotated[str, typer.Option("--display-name", help="name citizens see")] = "",
    province: Annotated[bool, typer.Option("--province", help="sees every commune (province pool)")] = False,
) -> None:
    """Create an account. The password is read from stdin (never from the command line)."""
    from bot.bootstrap import build_accounts, build_communes
    from bot.core.errors import DomainError

    s = settings()
    if not password_stdin:
        fail("give the password on stdin with --password-stdin (e.g. printf '%s' \"$PW\" | binhdan user add …)")
    password = sys.stdin.readline().rstrip("\r\n")
    communes = build_communes(s)
    codes = []
    for c in commune or []:
        found = communes.get(c) if len(communes) else None
        if len(communes) and found is None:
            fail(f"unknown commune code {c!r} (see knowledge/communes/)")
        codes.append(found.code if found else c)
    try:
        u = build_accounts(s).add_user(username, password, role=role, communes=codes, display_name=display_name,
                                       province_level=province)
    except DomainError as exc:
        fail(exc.message)
    names = ", ".join(f"{c} {communes.name(c)}".strip() for c in u.communes) or ("all" if u.sees_all_communes else "-")
    typer.echo(f"created {u.role} {u.username} (communes: {names})")


@app.command("list")
def user_list() -> None:
    """List accounts (no passwords)."""
    from bot.bootstrap import build_accounts

    for u in build_accounts(settings()).list_users():
        flags = ",".join(f for f, on in (("disabled", u.disabled), ("province", u.province_level),
                                          ("telegram", u.telegram_linked), ("away", not u.available)) if on)
        typer.echo(f"{u.username}\t{u.role}\t{' '.join(u.communes) or '-'}\t{flags or '-'}")
