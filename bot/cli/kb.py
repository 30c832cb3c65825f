"""`binhdan ingest` (build or update the search index) and `binhdan kb check|links` (knowledge base tools)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, IndexOpt, do_ingest, settings

app = typer.Typer(no_args_is_help=True, help="Knowledge base tools")


def ingest_cmd(
    kb: Annotated[list[Path] | None, typer.Option("--kb", help="A file or folder to index (repeatable)")] = None,
    index: IndexOpt = None,
    on_error: Annotated[str | None, typer.Option("--on-error", help="skip | fail")] = None,
) -> None:
    """Build or update the search index from the knowledge base (incremental)."""
    s = settings()
    if on_error not in (None, "skip", "fail"):
        raise CliError("--on-error must be 'skip' or 'fail'")
    summary = do_ingest(s, list(kb) if kb else None, index, on_error)
    typer.echo(
        f"Xong / done: {summary.documents} documents ({summary.added} added, {summary.changed} changed, "
        f"{summary.unchanged} unchanged, {summary.removed} removed), {summary.chunks} chunks, "
        f"{summary.embedded} embedded, {summary.cached} from cache, {len(summary.errors)} skipped files, "
        f"{summary.seconds:.1f} s. Build {summary.build}."
    )


@app.command("check")
def kb_check(
    guides: Annotated[Path | None, typer.Option(help="Guides folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report (errors, warnings, counts per rule, "
                                                         "quiz statistics) as JSON")] = False,
) -> None:
    """Validate guides, lessons and the lexicon; print the quiz statistics; exit 1 when something is wrong."""
    from ingest.kbcheck import check_kb

    s = settings()
    k = s.knowledge
    domains = s.path(k.official_domains)
    rep = check_kb(
        guides_dir=guides or s.path(Path("knowledge/guides")), lessons_dir=s.path(k.lessons_dir),
        lexicon_dir=s.path(k.lexicon_dir), domains_file=domains,
        denylist_file=domains.with_name("source_denylist.txt"),
        max_words=k.max_words, stale_days=k.stale_after_days,
    )
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2, default=str))
        if not rep.ok:
            raise typer.Exit(1)
        return
    for w in rep.warnings:
        typer.echo(f"warning: {w}")
    for e in rep.errors:
        typer.echo(f"error: {e}")
    q = rep.quiz
    if q:
        positions = "; ".join(f"{n} options: " + " ".join(f"{p}={c}" for p, c in pos.items())
                              for n, pos in q["positions"].items())
        typer.echo(f"quiz: {q['items']} items, correct option is the longest in {q['correct_is_longest']} "
                   f"({q['correct_is_longest_pct']}%), the shortest in {q['correct_is_shortest']} "
                   f"({q['correct_is_shortest_pct']}%); "
                   f"correct positions — {positions}")
    if rep.by_rule:
        typer.echo("by rule: " + ", ".join(f"{r}={n}" for r, n in sorted(rep.by_rule.items())))
    counts = ", ".join(f"{k}={v}" for k, v in sorted(rep.counts.items()))
    typer.echo(f"{'OK' if rep.ok else 'FAILED'}: {len(rep.errors)} errors, {len(rep.warnings)} warnings ({counts})")
    if not rep.ok:
        raise typer.Exit(1)


@app.command("links")
def kb_links(
    online: Annotated[bool, typer.Option("--online", help="check every link over the network and save the broken "
                                                          "ones to admin.broken_links_file")] = False,
) -> None:
    """Broken source links of the indexed documents (the admin console's stale report): offline against
    admin.broken_links_file (plus malformed URLs); --online checks each link and rewrites that list."""
    from bot.bootstrap import build_sessions
    from bot.storage.admin import AdminStore
    from ingest.stale import broken_links, check_online, document_urls, load_bad_urls, save_bad_urls

    s = settings()
    path = s.path(s.admin.broken_links_file)
    urls: dict[str, list[str]] = {}
    for d in AdminStore(build_sessions(s)).documents():
        for u in document_urls(d.meta, d.url):
            urls.setdefault(u, []).append(d.id)
    if online:
        problems = check_online(urls)
        bad = [u for u, problem in problems.items() if problem]
        save_bad_urls(path, bad)
    else:
        bad = broken_links(urls, load_bad_urls(path))
    for u in bad:
        for doc_id in urls[u]:
            typer.echo(f"{doc_id}\t{u}")
    typer.echo(f"{len(bad)} broken of {len(urls)} source links ({'checked online, saved to ' if online else 'list: '}{path})",
               err=True)
