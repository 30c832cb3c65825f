"""`binhdan serve` (HTTP, and by default the workers) and `binhdan worker` (the queues without HTTP)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bot.cli.common import CliError, ensure_index, err, settings


def serve(
    host: Annotated[str | None, typer.Option(help="Default: server.host")] = None,
    port: Annotated[int | None, typer.Option(help="Default: server.port")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="HTTP worker processes (default: server.workers)")] = None,
    run_workers: Annotated[bool | None, typer.Option(
        "--run-workers/--no-run-workers",
        help="Process the inbox/outbox and poll Telegram in these processes (default: server.run_workers); "
             "--no-run-workers when `binhdan worker` runs beside")] = None,
) -> None:
    """Run the server: web chat, webhooks, Telegram polling, inbox and outbox workers."""
    import os

    import uvicorn

    from bot.storage.db import make_engine, upgrade

    if run_workers is not None:  # the worker processes read their settings from the environment
        os.environ["BINHDAN_SERVER__RUN_WORKERS"] = "true" if run_workers else "false"
    s = settings()
    if s.database.migrate_on_start:
        upgrade(make_engine(s.database_url))
    h, p = host or s.server.host, port or s.server.port
    n = workers or s.server.workers
    from bot.runtime.background import oversubscription

    if (warning := oversubscription(n, s.embedder.threads)) is not None:
        err(warning)
    common: dict[str, Any] = {"host": h, "port": p, "log_level": s.app.log_level.lower(), "proxy_headers": True,
                              "timeout_graceful_shutdown": int(s.server.shutdown_grace_s) + 5,
                              "access_log": s.server.access_log, "log_config": None}
    typer.echo(f"binhdan: web chat on http://{h}:{p}/" + (f" ({n} worker processes)" if n > 1 else ""), err=True)
    if n == 1:
        from bot.web.app import create_app

        uvicorn.run(create_app(s), **common)
        return
    if s.database_url.startswith("sqlite"):
        err("warning: several workers on SQLite take turns to write; use PostgreSQL (database.url) to scale out")
    ensure_index(s)  # built once here, not by every worker at the same time
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # /metrics adds up every worker's figures
        import shutil

        mp = s.path(s.app.data_dir) / "prometheus" / str(p)
        shutil.rmtree(mp, ignore_errors=True)
        mp.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(mp)
    uvicorn.run("bot.web.app:create_app_from_env", factory=True, workers=n, **common)


def worker(
    metrics_port: Annotated[int | None, typer.Option(help="Serve Prometheus metrics on this port")] = None,
    wait_index: Annotated[float, typer.Option(help="Seconds to wait for the index to be built elsewhere")] = 600,
) -> None:
    """Process the inbox and outbox, poll Telegram (one process at a time) and follow index builds, without
    HTTP. Run any number beside `binhdan serve --no-run-workers`; SIGTERM finishes the work in hand."""
    import asyncio
    import time

    from bot.bootstrap import build_embedder, build_services, index_dir, load_live_index
    from bot.retrieval.index_store import IndexMissing
    from bot.runtime.background import run_worker, serving_settings

    s = serving_settings(settings())
    embedder = build_embedder(s)
    deadline = time.monotonic() + wait_index
    while True:  # a worker never builds the index: `binhdan serve` or `binhdan ingest` does
        try:
            index = load_live_index(s, embedder, index_dir(s))
            break
        except IndexMissing:
            if time.monotonic() > deadline:
                raise CliError(f"no index at {index_dir(s)}: run `binhdan ingest` (or start `binhdan serve`)") from None
            time.sleep(2.0)
    asyncio.run(run_worker(build_services(s, index=index, embedder=embedder), metrics_port=metrics_port))
