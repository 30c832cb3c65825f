"""Honest figures for the "covered" calibration (issue 19): k-fold cross-validation on the train+dev splits of
tests/eval/domain.jsonl. Each fold's Platt weights and threshold (refuse >= 95% of the off-topic questions of
the other folds) are fitted without that fold; the held-out predictions give the ECE, the in-domain share
answered as covered and the off-topic share refused. The test split is never read here.

    python bench/calibration_cv.py [--folds 5] [--l2 0.05 0.01 0.2] [--margin 0 0.2] [--objective balanced|answered]

Prints one line per setting; `binhdan eval --calibrate --split train+dev` writes the final fit (all of
train+dev) for config.yaml.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from tune_answers import CachedEmbedder

from bot.bootstrap import build_embedder, build_retriever, index_dir, load_live_index
from bot.config import load_settings
from bot.core.answering.service import Calibration, features
from bot.core.evaluation import (
    choose_threshold,
    expected_calibration_error,
    fit_logistic,
    in_split,
    normalise_question,
)
from bot.evaluation.domain import THRESHOLD_MARGIN, THRESHOLD_OBJECTIVE, load_items


def fold_of(q: str, k: int) -> int:
    return hashlib.sha256(("cv:" + normalise_question(q)).encode("utf-8")).digest()[1] % k


def cross_validate(rows: list[tuple[str, int, tuple[float, ...]]], k: int, l2: float, min_off: float,
                   margin: float = 0.0, objective: str = "balanced") -> dict[str, float]:
    probs: list[float] = []
    labels: list[int] = []
    covered: list[bool] = []
    for f in range(k):
        fit = [r for r in rows if fold_of(r[0], k) != f]
        held = [r for r in rows if fold_of(r[0], k) == f]
        y = [r[1] for r in fit]
        w = tuple(fit_logistic([list(r[2]) for r in fit], y, l2=l2))
        cal = Calibration(weights=w)
        p_fit = [cal.confidence_from(r[2]) for r in fit]
        t = choose_threshold(p_fit, y, [not v for v in y], min_offtopic_rejected=min_off, margin=margin,
                             objective=objective)
        for r in held:
            p = cal.confidence_from(r[2])
            probs.append(p)
            labels.append(r[1])
            covered.append(p >= t)
    pos = [c for c, y in zip(covered, labels, strict=True) if y]
    neg = [c for c, y in zip(covered, labels, strict=True) if not y]
    return {"ece": expected_calibration_error(probs, labels), "answered": sum(pos) / max(1, len(pos)),
            "refused": 1 - sum(neg) / max(1, len(neg)), "n": len(rows), "n_off": len(neg)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, nargs="+", default=[0.05])
    ap.add_argument("--min-offtopic", type=float, nargs="+", default=[0.95])
    ap.add_argument("--margin", type=float, nargs="+", default=[THRESHOLD_MARGIN], help="logits (see choose_threshold)")
    ap.add_argument("--objective", choices=("balanced", "answered"), default=THRESHOLD_OBJECTIVE)
    args = ap.parse_args()
    settings = load_settings()
    embedder = CachedEmbedder(build_embedder(settings), ROOT / "var" / "query-vectors.npz")
    loaded = load_live_index(settings, embedder, index_dir(settings, None))  # type: ignore[arg-type]
    retriever = build_retriever(settings, embedder, index=loaded)  # type: ignore[arg-type]
    rows = []
    for it in load_items(ROOT / "tests/eval/domain.jsonl"):
        if not in_split(it.q, "train+dev"):
            continue
        r = retriever.retrieve(it.q, limit=10)
        if r.passages:
            rows.append((it.q, int(bool(it.gold)), features(r)))
    embedder.save()
    for l2 in args.l2:
        for m in args.min_offtopic:
            for margin in args.margin:
                s = cross_validate(rows, args.folds, l2, m, margin, args.objective)
                print(f"{args.folds}-fold CV on train+dev (n={s['n']}, off-topic {s['n_off']}), l2={l2}, threshold "
                      f"({args.objective}) refusing >= {m:.2f} of the fitting folds' off-topic by {margin} logits: "
                      f"ECE {s['ece']:.4f}, in-domain answered {s['answered']:.3f}, off-topic refused {s['refused']:.3f}")


if __name__ == "__main__":
    main()
