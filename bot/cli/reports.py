"""`binhdan report tickets|progress|statements`: help-desk figures and learning progress (issue 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, fail, settings

app = typer.Typer(no_args_is_help=True, help="Reports (tickets, learning progress …)")


@app.command("tickets")
def report_tickets(
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    by: Annotated[str, typer.Option("--by", help="communes | volunteers")] = "communes",
    since: Annotated[str, typer.Option("--since", help="ISO date, e.g. 2026-11-01")] = "",
    until: Annotated[str, typer.Option("--until", help="ISO date (exclusive)")] = "",
) -> None:
    """Tickets per commune or volunteer: count, median minutes to first response and to close, rating."""
    import json as _json
    from datetime import UTC, datetime

    from bot.bootstrap import build_desk

    if fmt not in ("table", "csv", "json") or by not in ("communes", "volunteers"):
        fail("--format is table, csv or json; --by is communes or volunteers")

    def day(v: str) -> datetime | None:
        if not v:
            return None
        try:
            d = datetime.fromisoformat(v)
        except ValueError:
            fail(f"not an ISO date: {v!r}")
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    data = build_desk(settings()).metrics(since=day(since), until=day(until))
    if fmt == "json":
        typer.echo(_json.dumps(data, ensure_ascii=False, indent=2))
        return
    import csv as _csv

    from bot.core.handoff import metrics_csv

    text = metrics_csv(data[by])
    if fmt == "csv":
        typer.echo(text, nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    rows = list(_csv.reader(text.strip().split("\n")))
    table = Table(*rows[0])
    for r in rows[1:]:
        table.add_row(*r)
    Console().print(table)


@app.command("progress")
def report_progress(
    by: Annotated[str, typer.Option("--by", help="commune, group, commune,group, or none (one province row)")] = "",
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """Learners, completions per module, coverage (basic digital skills / population) and the gap to each
    target, per commune and/or group (counting rules: docs/LEARNING.md)."""
    from bot.bootstrap import Curriculum, build_communes, build_sessions, learning_targets
    from bot.core.learning.coverage import report_csv, report_json, table_rows
    from bot.storage.learning import LearningReports

    dims = tuple(x.strip() for x in by.split(",") if x.strip() and x.strip() != "none")
    if any(d not in ("commune", "group") for d in dims) or fmt not in ("table", "csv", "json"):
        raise CliError("--by takes commune, group or commune,group; --format takes table, csv or json")
    s = settings()
    modules = [m.id for m in Curriculum(s.path(s.knowledge.lessons_dir)).modules()]
    report = LearningReports(build_sessions(s)).progress(
        modules=modules, basic_modules=s.learning.basic_skills_modules, targets=learning_targets(s), by=dims,
        communes=build_communes(s))
    if fmt == "csv":
        typer.echo(report_csv(report), nl=False)
        return
    if fmt == "json":
        typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    head, rows = table_rows(report)
    years = [d.isoformat()[:4] for d in report.deadlines]
    short = {"commune_code": "code", "commune_name": "commune", "population": "people", "coverage_pct": "cov %",
             **{f"completed_{m}": m.split("-")[0] for m in report.modules}}
    for d in report.deadlines:  # "2025" when one deadline a year, else the whole date
        y = d.isoformat()[:4] if years.count(d.isoformat()[:4]) == 1 else d.isoformat()
        short |= {f"target_pct_{d}": f"target % {y}", f"target_{d}": f"target {y}", f"gap_{d}": f"gap {y}"}
    table = Table(*(short.get(h, h) for h in head), title="Kỹ năng số cơ bản / basic digital skills")
    for r in rows:
        table.add_row(*r)
    Console().print(table)


@app.command("statements")
def report_statements(
    fmt: Annotated[str, typer.Option("--format", help="xapi (a JSON array of xAPI statements) | csv")] = "xapi",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file instead of stdout")] = None,
    since: Annotated[str, typer.Option("--since", help="ISO date or time, e.g. 2026-11-01")] = "",
) -> None:
    """Export the learning records (append-only xAPI statements; the actor is a pseudonymous id)."""
    import csv as _csv
    import io
    from datetime import UTC, datetime

    from bot.bootstrap import build_sessions
    from bot.core.learning.coverage import flatten
    from bot.storage.learning import LearningReports

    if fmt not in ("xapi", "csv"):
        raise CliError("--format takes xapi or csv")
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise CliError(f"--since is not an ISO date: {since!r}") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    statements = LearningReports(build_sessions(settings())).statements(since=start)
    buf = io.StringIO()
    if fmt == "csv":
        from bot.core.csvsafe import safe_row

        _csv.writer(buf, lineterminator="\n").writerows(safe_row(r) for r in flatten(statements))
    else:
        buf.write("[\n")
        for i, st in enumerate(statements):
            buf.write((",\n" if i else "") + json.dumps(st, ensure_ascii=False))
        buf.write("\n]\n")
    if out is None:
        typer.echo(buf.getvalue(), nl=False)
    else:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        tmp.replace(out)
