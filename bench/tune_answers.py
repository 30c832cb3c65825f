"""Choose the ranking and clarifying knobs on the train split (never on test): a grid over
retrieval.title_weight and the per-kind dense weights, then answer.clarify_margin against the ambiguous
slice (asked back) and the unambiguous domain questions (not asked back). Query vectors are cached in
var/query-vectors.npz so a grid costs one embedding per question.

    BINHDAN_INDEX__DIR=... python bench/tune_answers.py [--split train]
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np

from bot.bootstrap import build_embedder, build_retriever, index_dir, load_live_index
from bot.config import load_settings
from bot.core.answering.service import AnswerService, Calibration
from bot.core.evaluation import in_split
from bot.evaluation.domain import load_items

ROOT = Path(__file__).resolve().parents[1]
GRID = ((0.0, 0.15, 0.3, 0.5), (0.6, 0.7), (0.35, 0.45, 0.55), (0.8,))


class CachedEmbedder:
    def __init__(self, inner: Any, path: Path) -> None:
        self.inner, self.path = inner, path
        self.model_id, self.dim = inner.model_id, inner.dim
        self.cache: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path, allow_pickle=True)
            self.cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.cache]
        if missing:
            for t, v in zip(missing, self.inner.embed_queries(missing), strict=True):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)  # type: ignore[no-any-return]

    def save(self) -> None:
        keys = list(self.cache)
        np.savez(self.path, keys=np.array(keys, dtype=object), vectors=np.stack([self.cache[k] for k in keys]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    args = ap.parse_args()
    settings = load_settings()
    embedder = CachedEmbedder(build_embedder(settings), ROOT / "var" / "query-vectors.npz")
    loaded = load_live_index(settings, embedder, index_dir(settings, None))  # type: ignore[arg-type]
    items = [it for it in load_items(ROOT / "tests/eval/domain.jsonl") if it.gold and in_split(it.q, args.split)]
    amb = [json.loads(x) for x in (ROOT / "tests/eval/ambiguous.jsonl").read_text("utf-8").splitlines() if x.strip()]
    amb = [a for a in amb if in_split(a["q"], args.split)]
    best: tuple[float, Any] = (-1.0, None)
    r = build_retriever(settings, embedder, index=loaded)  # type: ignore[arg-type]
    for tw, wa, wu, we in itertools.product(*GRID):
        r.title_weight, r.weights = tw, {"accented": wa, "unaccented": wu, "english": we}
        h1 = h3 = 0
        for it in items:
            ranked = [p.doc_id for p in r.retrieve(it.q, limit=3).passages]
            h1 += bool(ranked) and ranked[0] in it.gold
            h3 += any(d in it.gold for d in ranked)
        s1, s3 = h1 / len(items), h3 / len(items)
        print(f"title_weight={tw} dense acc={wa} unacc={wu} en={we}: hit@1 {s1:.3f} hit@3 {s3:.3f}", flush=True)
        if s1 + s3 > best[0]:
            best = (s1 + s3, (tw, wa, wu, we))
    embedder.save()
    assert best[1] is not None
    tw, wa, wu, we = best[1]
    print("best on", args.split, best)
    r.title_weight, r.weights = tw, {"accented": wa, "unaccented": wu, "english": we}
    rs_dom = [r.retrieve(it.q) for it in items]
    rs_amb = [r.retrieve(a["q"]) for a in amb]
    for m in (0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3):
        svc = AnswerService(r, calibration=Calibration(), clarify_margin=m)
        asked = sum(bool(svc.clarify_options(x)) for x in rs_amb) / max(1, len(rs_amb))
        wrongly = sum(bool(svc.clarify_options(x)) for x in rs_dom) / max(1, len(rs_dom))
        print(f"clarify_margin={m}: ambiguous asked back {asked:.3f}, unambiguous asked back {wrongly:.3f}")
    embedder.save()


if __name__ == "__main__":
    main()
