"""`binhdan check-message`: the scam checker on a forwarded message, link or phone number (issue 20).

It starts light: no database, web or retrieval stack is imported (tests/integration/test_scam_cli_startup.py)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from bot.cli.common import CliError, settings


def check_message(
    text: Annotated[str | None, typer.Argument(help="The message; omit to read it from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Read one message (all of stdin), print one JSON object")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read one {"text": ...} per line, print one result per line')]
    = False,
) -> None:
    """Check a forwarded message, link or phone number for signs of a scam."""
    from bot.infra.scamlists import build_checker  # not bootstrap: no database, web or retrieval stack here

    s = settings()
    k = s.knowledge
    checker = build_checker(domains=s.path(k.official_domains), hotlines=s.path(k.official_hotlines),
                            guide_dirs=[s.path(base) for base in k.paths])
    if jsonl:
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                msg = item["text"] if isinstance(item, dict) else None
                if not isinstance(msg, str):
                    raise ValueError
            except (ValueError, KeyError):
                out: dict[str, Any] = {"error": f"line {n}: expected a JSON object with a string 'text'"}
            else:
                out = checker.check(msg).as_dict()
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    msg = text if text is not None else sys.stdin.read()
    if not msg.strip():
        raise CliError("nothing to check: give the message as an argument or on stdin")
    result = checker.check(msg)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    typer.echo(result.headline)
    for r in result.reasons:
        typer.echo(f"- {r.text}")
    typer.echo(result.advice)
    if result.urgent_advice:
        typer.echo(result.urgent_advice)
