"""Choose ranking knobs on the portal-FAQ paraphrases of the train+dev split (never test): builds the
question-indexed knowledge base of `bench/faq_retrieval.py --paraphrases` (same work directory, so the
embeddings are cached), then scores a grid of HybridRetriever settings. Query vectors are kept in memory,
so a grid point costs lexical scoring only.

    python bench/tune_faq.py --reduced [--grid title_weight=0,0.3,0.6 dense_weight_accented=0.6,0.7]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _paraphrase import hand_written
from faq_retrieval import paraphrase_items, setup

from bot.core.evaluation import EvalItem, by_style, run


class MemoEmbedder:
    """Query vectors remembered for the whole grid (the product's LRU would cycle through 2,000+ queries)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.memo: dict[str, np.ndarray] = {}

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            self.memo.update(zip(missing, self.inner.embed_queries(missing), strict=True))
        return np.stack([self.memo[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)  # type: ignore[no-any-return]


def score(retriever: Any, items: list[EvalItem]) -> dict[str, dict[str, float]]:
    def rank(q: str) -> tuple[list[str], bool, tuple[float, ...]]:
        return [p.doc_id for p in retriever.retrieve(q, limit=10).passages], True, ()
    return {k: {m: v for m, v in s.as_dict().items() if m in ("n", "hit@1", "hit@5")}
            for k, s in by_style(run(items, rank)).items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reduced", action="store_true")
    ap.add_argument("--queries", type=int, default=None)
    ap.add_argument("--distractors", type=int, default=800)
    ap.add_argument("--procedures", type=int, default=None)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--split", default="train+dev", help="train+dev (tuning) or test (report once)")
    ap.add_argument("--grid", nargs="*", default=[], help="retriever attribute=v1,v2,… (HybridRetriever knobs)")
    args = ap.parse_args()
    args.paraphrases = True
    from bot.bootstrap import build_retriever

    settings, embedder, index, sample, _, _ = setup(args)
    embedder = MemoEmbedder(embedder)
    retriever = build_retriever(settings, embedder, index=index)
    tagged = paraphrase_items(sample, hand_written(), random.Random(args.seed + 3))
    items = [it for s, it in tagged if s == args.split]
    print(f"{len(items)} items of split {args.split}", flush=True)
    keys = [g.split("=", 1)[0] for g in args.grid]
    values = [[float(v) if v.replace(".", "", 1).lstrip("-").isdigit() else v for v in g.split("=", 1)[1].split(",")]
              for g in args.grid]
    base = retriever
    for combo in itertools.product(*values) if keys else [()]:
        retriever = base
        for k, v in zip(keys, combo, strict=True):
            if k == "head_kinds":  # e.g. head_kinds=guide+faq: the other kinds' head vectors left out
                kinds = set(str(v).split("+"))
                kind_of = {c.doc_id: c.kind for c in index.chunks}
                keep = [i for i, d in enumerate(index.head_docs) if kind_of.get(d) in kinds]
                sub = dataclasses.replace(index, heads=index.heads[keep], head_docs=[index.head_docs[i] for i in keep])
                retriever = build_retriever(settings, embedder, index=sub)
                for k2, v2 in zip(keys, combo, strict=True):
                    if k2 != "head_kinds" and not k2.startswith("w_"):
                        setattr(retriever, k2, v2)
            elif k == "dense_synonyms":
                retriever.analyzer.dense_synonyms = bool(v)
            elif k.startswith("w_"):
                retriever.weights = {**retriever.weights, k[2:]: v}
            else:
                setattr(retriever, k, v)
        res = score(retriever, items)
        cells = " ".join(f"{s}={r['hit@1']:.3f}/{r['hit@5']:.3f}" for s, r in sorted(res.items()))
        mean1 = sum(r["hit@1"] for r in res.values()) / len(res)
        mean5 = sum(r["hit@5"] for r in res.values()) / len(res)
        print(f"{dict(zip(keys, combo, strict=True))} mean {mean1:.3f}/{mean5:.3f} | {cells}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
