"""`binhdan eval`: retrieval and answer quality on a question set (the drivers are in bot/evaluation/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import IndexOpt, settings


def eval_cmd(
    file: Annotated[Path, typer.Argument(help="JSON Lines {q, gold: [doc_id…], style?}")],
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Fit the confidence on the train+dev splits")] = False,
    split: Annotated[str, typer.Option("--split", help="all | train | dev | test (or joined: train+dev)")] = "all",
    baselines: Annotated[bool, typer.Option("--baselines/--no-baselines")] = True,
    also: Annotated[list[str] | None, typer.Option(
        "--also-split", help="Also report this split from the same answers (repeatable; JSON key \"also\")")] = None,
    ambiguous: Annotated[Path | None, typer.Option(help="Ambiguous questions (default: ambiguous.jsonl beside FILE)")] = None,
    dialogues: Annotated[Path | None, typer.Option(help="Multi-turn dialogues (default: dialogues.jsonl beside FILE)")] = None,
    questions_only: Annotated[bool, typer.Option(
        "--questions-only", help="FILE's questions alone: no ambiguous questions, no dialogues")] = False,
) -> None:
    """hit@1, hit@3, hit@5, MRR@10 overall and per style, for the project and two baselines."""
    from bot.evaluation.domain import evaluate

    s = settings()
    for one in (split, *(also or [])):
        if one != "all" and any(x not in ("train", "dev", "test") for x in one.split("+")):
            raise typer.BadParameter("--split must be all, train, dev, test or a '+' join of them")
    result = evaluate(s, file, index=index, calibrate=calibrate, split=split, baselines=baselines,
                      ambiguous=ambiguous, dialogues=dialogues, also=tuple(also or ()), extras=not questions_only)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from bot.evaluation.domain import render

    typer.echo(render(result))
