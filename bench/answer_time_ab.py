"""Answer time of one checkout, for an interleaved comparison of two (issue 19: "no answer-time regression beyond
10%"): `AnswerService.answer` over every question of tests/eval/domain.jsonl, once to warm up, then timed. Run it
alternately from each checkout on the same index, the query-vector cache off:

    export BINHDAN_INDEX__DIR=$PWD/var/index BINHDAN_EMBEDDER__QUERY_CACHE_SIZE=0
    (cd /work/main && PYTHONPATH=$PWD python bench/answer_time_ab.py main)
    (cd /work/wt/<branch> && PYTHONPATH=$PWD python bench/answer_time_ab.py branch)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from bot.bootstrap import build_answer_service, build_embedder, index_dir, load_live_index
from bot.config import load_settings


def main() -> None:
    label = sys.argv[1] if len(sys.argv) > 1 else "this checkout"
    s = load_settings()
    emb = build_embedder(s)
    svc = build_answer_service(s, embedder=emb, index=load_live_index(s, emb, index_dir(s, None)), log_questions=False)
    lines = Path("tests/eval/domain.jsonl").read_text(encoding="utf-8").splitlines()
    qs = [json.loads(line)["q"] for line in lines if line.strip()]
    for q in qs:
        svc.answer(q, keep=False)
    ts = []
    for q in qs:
        t = time.perf_counter()
        svc.answer(q, keep=False)
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    print(f"{label}: n={len(ts)} mean {statistics.mean(ts):.2f} ms  p50 {ts[len(ts) // 2]:.2f}  "
          f"p95 {ts[int(len(ts) * 0.95)]:.2f}")


if __name__ == "__main__":
    main()
