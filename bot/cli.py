"""`binhdan` command line: ask, chat, ingest, eval, kb check, db upgrade, doctor."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.config import ConfigError, Settings, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="binhdan: the digital-literacy assistant")
db_app = typer.Typer(no_args_is_help=True, help="Database migrations")
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge base tools")
app.add_typer(db_app, name="db")
app.add_typer(kb_app, name="kb")

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory (default: index.dir)")]


class CliError(Exception):
    """A problem to report in one clear line (exit code 2), never a traceback."""


def _err(msg: str) -> None:
    typer.echo(f"binhdan: {msg}", err=True)


def _settings() -> Settings:
    s = load_settings()
    logging.basicConfig(level=s.app.log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("faiss", "faiss.loader", "bm25s", "sentence_transformers", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return s


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   transient=False, console=Console(stderr=True), redirect_stdout=False)
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        if phase not in tasks:
            tasks[phase] = bar.add_task({"read": "Đọc tệp / reading", "embed": "Nhúng / embedding"}.get(phase, phase),
                                        total=total)
        bar.update(tasks[phase], completed=done, total=total)

    update.bar = bar  # type: ignore[attr-defined]
    return update


def _do_ingest(s: Settings, paths: list[Path] | None, index: Path | None, on_error: str | None,
               quiet: bool = False) -> Any:
    from bot.bootstrap import build_embedder, ingest
    from ingest.pipeline import IngestFailed

    progress = None if quiet else _progress()
    try:
        summary = ingest(s, embedder=build_embedder(s), paths=paths, directory=index, on_error=on_error,
                         progress=progress)
    except IngestFailed as exc:
        for e in exc.errors:
            _err(e)
        raise CliError(f"ingest failed, the previous index is unchanged: {exc}") from exc
    finally:
        if progress is not None and progress.bar.live.is_started:
            progress.bar.stop()
    for e in summary.errors:
        _err(f"skipped: {e}")
    return summary


def _live_index(s: Settings, embedder: Any, index: Path | None) -> Any:
    """The index; the configured one is built first (with a progress bar) when it does not exist."""
    from bot.bootstrap import load_or_build_index

    def build() -> None:
        _err("chưa có chỉ mục — đang xây dựng từ kho kiến thức / no index yet, building it now…")
        _do_ingest(s, None, None, None)

    return load_or_build_index(s, embedder, index, build=build)


def _answer_service(s: Settings, index: Path | None, *, log_questions: bool = True) -> Any:
    from bot.bootstrap import build_answer_service, build_embedder

    embedder = build_embedder(s)
    return build_answer_service(s, embedder=embedder, index=_live_index(s, embedder, index),
                                log_questions=log_questions)


def _answer_json(a: Any) -> dict[str, Any]:
    return {
        "question": a.question, "answer": a.text, "confidence": a.confidence, "covered": a.covered,
        "escalate": a.escalate,
        "sources": [{"doc_id": x.doc_id, "title": x.title, "url": x.url, "score": x.score, "snippet": x.snippet}
                    for x in a.sources],
    }


def _print_answer(a: Any) -> None:
    typer.echo(a.text)
    if a.covered and a.sources:
        top = a.sources[0]
        typer.echo(f"\nNguồn / Source: {top.title}" + (f" — {top.url}" if top.url else ""))
        if a.related:
            typer.echo("Có thể bạn quan tâm / Related:" if a.lang == "vi" else "Related:")
            for r in a.related:
                typer.echo(f"  • {r.title}")
    elif a.escalate:
        typer.echo("(escalate: chuyển tình nguyện viên / hand over to a volunteer)")
    typer.echo(f"[confidence {a.confidence:.2f}]")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit to read one per line from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON")] = False,
    index: IndexOpt = None,
) -> None:
    """Answer a question (or every line of stdin, one JSON object per line)."""
    s = _settings()
    service = _answer_service(s, index)
    if question is None:
        for line in sys.stdin:
            if not line.strip():
                continue
            a = service.answer(line.rstrip("\n"), channel="cli")
            sys.stdout.write(json.dumps(_answer_json(a), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    from bot.core.answering import InvalidQuestion

    try:
        service.check(question)
    except InvalidQuestion as exc:
        raise CliError(str(exc)) from exc
    a = service.answer(question, channel="cli")
    if as_json:
        typer.echo(json.dumps(_answer_json(a), ensure_ascii=False))
    else:
        _print_answer(a)


@app.command()
def chat(index: IndexOpt = None) -> None:
    """A console conversation with the same engine as the messengers (Ctrl-D or 'thoát' to leave)."""
    from datetime import UTC, datetime

    from bot.bootstrap import build_embedder, build_services
    from bot.channels.base import as_text
    from bot.core.messages import ConversationState, InboundMessage

    s = _settings()
    embedder = build_embedder(s)
    svc = build_services(s, index=_live_index(s, embedder, index), embedder=embedder)
    state = ConversationState()
    n = 0

    def say(kind: str, text: str = "", action: str = "") -> None:
        nonlocal n
        n += 1
        msg = InboundMessage(channel="console", user_ref="console", platform_msg_id=str(n),
                             received_at=datetime.now(UTC), kind=kind, text=text, action=action)
        for reply in svc.conversation.handle(msg, state):
            typer.echo("")
            typer.echo(as_text(reply))
        typer.echo("")

    say("command", "/start")
    while True:
        try:
            line = input("Bạn: ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if line.strip().lower() in {"thoát", "thoat", "exit", "quit"}:
            break
        if line.strip():
            say("text", line)
    typer.echo("Tạm biệt! / Goodbye!")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: server.host")] = None,
    port: Annotated[int | None, typer.Option(help="Default: server.port")] = None,
) -> None:
    """Run the server: web chat, webhooks, Telegram polling, inbox and outbox workers."""
    import uvicorn

    from bot.storage.db import make_engine, upgrade
    from bot.web.app import create_app

    s = _settings()
    if s.database.migrate_on_start:
        upgrade(make_engine(s.database_url))
    h, p = host or s.server.host, port or s.server.port
    typer.echo(f"binhdan: web chat on http://{h}:{p}/", err=True)
    uvicorn.run(create_app(s), host=h, port=p, log_level=s.app.log_level.lower(), proxy_headers=True,
                timeout_graceful_shutdown=15)


@app.command(name="ingest")
def ingest_cmd(
    kb: Annotated[list[Path] | None, typer.Option("--kb", help="A file or folder to index (repeatable)")] = None,
    index: IndexOpt = None,
    on_error: Annotated[str | None, typer.Option("--on-error", help="skip | fail")] = None,
) -> None:
    """Build or update the search index from the knowledge base (incremental)."""
    s = _settings()
    if on_error not in (None, "skip", "fail"):
        raise CliError("--on-error must be 'skip' or 'fail'")
    summary = _do_ingest(s, list(kb) if kb else None, index, on_error)
    typer.echo(
        f"Xong / done: {summary.documents} documents ({summary.added} added, {summary.changed} changed, "
        f"{summary.unchanged} unchanged, {summary.removed} removed), {summary.chunks} chunks, "
        f"{summary.embedded} embedded, {summary.cached} from cache, {len(summary.errors)} skipped files, "
        f"{summary.seconds:.1f} s. Build {summary.build}."
    )


@app.command(name="eval")
def eval_cmd(
    file: Annotated[Path, typer.Argument(help="JSON Lines {q, gold: [doc_id…], style?}")],
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Fit the confidence on the dev half")] = False,
    split: Annotated[str, typer.Option("--split", help="all | dev | test")] = "all",
    baselines: Annotated[bool, typer.Option("--baselines/--no-baselines")] = True,
) -> None:
    """hit@1, hit@3, hit@5, MRR@10 overall and per style, for the project and two baselines."""
    from bot.evaluate import evaluate

    s = _settings()
    result = evaluate(s, file, index=index, calibrate=calibrate, split=split, baselines=baselines)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from bot.evaluate import render

    typer.echo(render(result))


@kb_app.command("check")
def kb_check(
    guides: Annotated[Path | None, typer.Option(help="Guides folder")] = None,
) -> None:
    """Validate guides, lessons and the lexicon; exit 1 when something is wrong."""
    from ingest.kbcheck import check_kb

    s = _settings()
    k = s.knowledge
    rep = check_kb(
        guides_dir=guides or s.path(Path("knowledge/guides")), lessons_dir=s.path(k.lessons_dir),
        lexicon_dir=s.path(k.lexicon_dir), domains_file=s.path(k.official_domains),
        max_words=k.max_words, stale_days=k.stale_after_days,
    )
    for w in rep.warnings:
        typer.echo(f"warning: {w}")
    for e in rep.errors:
        typer.echo(f"error: {e}")
    counts = ", ".join(f"{k}={v}" for k, v in sorted(rep.counts.items()))
    typer.echo(f"{'OK' if rep.ok else 'FAILED'}: {len(rep.errors)} errors, {len(rep.warnings)} warnings ({counts})")
    if not rep.ok:
        raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations."""
    from bot.storage.db import current_revision, make_engine, upgrade

    s = _settings()
    engine = make_engine(s.database_url)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@app.command()
def doctor() -> None:
    """Check configuration, database, index and embedder; exit 1 on a problem."""
    from bot.bootstrap import build_embedder, index_dir
    from bot.retrieval.index_store import read_manifest
    from bot.storage.db import current_revision, make_engine

    s = _settings()
    problems = 0
    typer.echo(f"config: mode={s.app.mode}, database={s.database_url.split('@')[-1]}")
    try:
        typer.echo(f"database: revision {current_revision(make_engine(s.database_url))}")
    except Exception as exc:
        problems += 1
        typer.echo(f"database: ERROR {exc.__class__.__name__}: {exc}")
    try:
        m = read_manifest(index_dir(s))
        e = build_embedder(s)
        ok = m.get("model_id") == e.model_id
        problems += 0 if ok else 1
        typer.echo(f"index: {m['counts']} built {m['built_at']} with {m['model_id']}"
                   + ("" if ok else f" — MISMATCH with configured {e.model_id}"))
    except Exception as exc:
        problems += 1
        typer.echo(f"index: ERROR {exc}")
    if problems:
        raise typer.Exit(1)
    typer.echo("OK")


def main() -> None:
    """Console entry point: configuration and data problems become one clear line, exit code 2."""
    from bot.retrieval.index_store import IndexMismatch, IndexMissing
    from bot.retrieval.lexicon import LexiconError

    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (ConfigError, CliError, IndexMissing, IndexMismatch, LexiconError) as exc:
        _err(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
