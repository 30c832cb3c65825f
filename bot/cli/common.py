"""What the command groups share: the one-line error, the settings with logging, the index option, and
building the index (with a progress bar) when a command needs one that does not exist yet.

Only typer and bot.config are imported at module level: every group module is imported when `binhdan`
starts, and light commands (check-message) must not pay for the web, storage or retrieval stack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from bot.config import Settings, load_settings

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory (default: index.dir)")]


class CliError(Exception):
    """A problem to report in one clear line (exit code 2), never a traceback."""


def err(msg: str) -> None:
    typer.echo(f"binhdan: {msg}", err=True)


def fail(msg: str) -> NoReturn:
    """One clear line on stderr and exit status 2 (never a traceback)."""
    err(msg)
    raise typer.Exit(2)


def settings() -> Settings:
    from bot.config import secret_values
    from bot.infra.logs import setup_logging

    s = load_settings()
    setup_logging(s.app.log_level, s.app.log_format, secrets=secret_values(s))
    return s


def progress() -> Any:
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


def do_ingest(s: Settings, paths: list[Path] | None, index: Path | None, on_error: str | None,
              quiet: bool = False) -> Any:
    from bot.bootstrap import build_embedder, ingest
    from ingest.pipeline import IngestFailed

    bar = None if quiet else progress()
    try:
        summary = ingest(s, embedder=build_embedder(s), paths=paths, directory=index, on_error=on_error,
                         progress=bar)
    except IngestFailed as exc:
        for e in exc.errors:
            err(e)
        raise CliError(f"ingest failed, the previous index is unchanged: {exc}") from exc
    finally:
        if bar is not None and bar.bar.live.is_started:
            bar.bar.stop()
    for e in summary.errors:
        err(f"skipped: {e}")
    return summary


def live_index(s: Settings, embedder: Any, index: Path | None) -> Any:
    """The index; the configured one is built first (with a progress bar) when it does not exist."""
    from bot.bootstrap import load_or_build_index

    def build() -> None:
        err("chưa có chỉ mục — đang xây dựng từ kho kiến thức / no index yet, building it now…")
        do_ingest(s, None, None, None)

    return load_or_build_index(s, embedder, index, build=build)


def ensure_index(s: Settings) -> None:
    """Build the configured index now when there is none (before several processes would each try)."""
    from bot.bootstrap import index_dir
    from bot.retrieval.index_store import live_build_id

    if live_build_id(index_dir(s)) is None:
        err("chưa có chỉ mục — đang xây dựng từ kho kiến thức / no index yet, building it now…")
        do_ingest(s, None, None, None)
