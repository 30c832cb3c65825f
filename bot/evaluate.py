"""The `binhdan eval` driver: runs the project and two baselines over a labelled question file and,
on request, fits the confidence calibration on the dev half (reporting the test half)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.bootstrap import build_embedder, build_retriever, calibration, index_dir, load_live_index
from bot.config import Settings
from bot.core.answering import Calibration, features
from bot.core.evaluation import EvalItem, by_style, choose_threshold, fit_logistic, run, split_of
from bot.retrieval.baselines import BaselineRetriever


class EvalFileError(ValueError):
    pass


def load_items(path: Path) -> list[EvalItem]:
    """Read `{q, gold, style?}` lines. Raises EvalFileError naming the line."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read ({exc})") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(EvalItem(q=str(d["q"]), gold=tuple(str(g) for g in d.get("gold") or []),
                                  style=str(d.get("style") or "all")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalFileError(f"{path}:{n}: expected {{\"q\": str, \"gold\": [doc_id…], \"style\"?}}") from exc
    return items


def evaluate(settings: Settings, file: Path, *, index: Path | None = None, calibrate: bool = False,
             split: str = "all", baselines: bool = True) -> dict[str, Any]:
    items = load_items(file)
    embedder = build_embedder(settings)
    loaded = load_live_index(settings, embedder, index_dir(settings, index))
    retriever = build_retriever(settings, embedder, index=loaded)
    cal = calibration(settings)

    def project(q: str) -> tuple[list[str], bool, tuple[float, ...]]:
        r = retriever.retrieve(q, limit=10)
        return [p.doc_id for p in r.passages], cal.confidence(r) >= cal.threshold and bool(r.passages), features(r)

    result: dict[str, Any] = {"file": str(file), "index": loaded.manifest.get("build_id"),
                              "model_id": loaded.manifest.get("model_id"), "n": len(items)}
    t0 = time.perf_counter()
    outcomes = run(items, project)
    result["seconds_per_query"] = round((time.perf_counter() - t0) / max(1, len(items)), 4)
    if calibrate:
        dev = [o for o in outcomes if split_of(o.item.q) == "dev"]
        x = [list(o.features) for o in dev]
        # "covered" means the knowledge base covers the question: in-domain vs off-topic. A covered answer
        # whose first guide is not the best one still lists the right guide among its related topics
        # most of the time (hit@3), which serves a citizen better than "I don't know".
        y = [int(bool(o.item.gold)) for o in dev]
        w = fit_logistic(x, y)
        fitted = Calibration(weights=(w[0], w[1], w[2], w[3]), threshold=0.5)
        probs = [fitted.confidence_from(o.features) for o in dev]
        t = choose_threshold(probs, y, [not o.item.gold for o in dev])
        cal = Calibration(weights=fitted.weights, threshold=t)
        for o in outcomes:
            o.covered = bool(o.ranked) and cal.confidence_from(o.features) >= t
        result["calibration"] = {"weights": [round(v, 4) for v in w], "threshold": t,
                                 "fitted_on": "dev half (sha256(q)[0] even), label = in-domain", "n_dev": len(dev)}
    if split != "all":
        outcomes = [o for o in outcomes if split_of(o.item.q) == split]
    result["split"] = split
    result["project"] = {k: v.as_dict() for k, v in by_style(outcomes).items()}
    if baselines:
        kept = {o.item.q for o in outcomes}
        sub = [it for it in items if it.q in kept]
        for name, b in (("bm25_folded", BaselineRetriever(loaded, kind="bm25")),
                        ("dense_only", BaselineRetriever(loaded, kind="dense", embedder=embedder))):
            def rank(q: str, b: BaselineRetriever = b) -> tuple[list[str], bool, tuple[float, ...]]:
                return [p.doc_id for p in b.retrieve(q, limit=10).passages], True, ()
            result[name] = {k: v.as_dict() for k, v in by_style(run(sub, rank)).items()}
    return result


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['file']}: {result['n']} questions, split={result['split']}, index {result['index']} "
             f"({result['model_id']}), {result['seconds_per_query'] * 1000:.1f} ms/query"]
    header = (f"{'system':<13}{'style':<13}{'n':>5}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR@10':>8}{'off→nc':>8}"
              f"{'answd':>7}{'right':>7}")
    lines.append(header)
    for system in ("project", "bm25_folded", "dense_only"):
        if system not in result:
            continue
        for style, sc in result[system].items():
            nc = sc["offtopic_not_covered"]
            lines.append(f"{system:<13}{style:<13}{sc['n']:>5}{sc['hit@1']:>8.3f}{sc['hit@3']:>8.3f}"
                         f"{sc['hit@5']:>8.3f}{sc['mrr@10']:>8.3f}{'' if nc is None else f'{nc:.3f}':>8}"
                         + (f"{sc['answered']:>7.3f}{sc['answered_right']:>7.3f}" if system == "project" else ""))
    if "calibration" in result:
        c = result["calibration"]
        lines.append(f"calibration (put in config.yaml answer.calibration / answer.threshold): "
                     f"{c['weights']} threshold {c['threshold']}")
    return "\n".join(lines)


