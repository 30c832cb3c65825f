"""In-process answer latency (analyse + embed + retrieve + decide + compose) on the real-data knowledge
base and on a 10x larger synthetic one; ingest build time and re-ingest after changing one guide.

Real-data knowledge base: the dichvucong.gov.vn FAQ answers (without their question text) + the portal's
procedure records (../shared/data) + the bundled guides (knowledge/guides). Questions (>= 1,000): a fixed
sample of FAQ questions as written, stripped of tone marks and in synthetic teencode (the generators of
bench/faq_retrieval.py), plus every question of tests/eval/domain.jsonl.

Synthetic 10x: every chunk of the real index copied N-1 more times as another document, each copy with
~15% of its words dropped and its vector moved by Gaussian noise (cosine ~0.95 to the original), written
as a normal index build. It measures how faiss (exact search), BM25 and fusion scale with the corpus,
not answer quality.

    python bench/answer_latency.py                 # ingest (cached after the first run) + both latencies
    python bench/answer_latency.py --cold          # empty the embedding cache first: a true full build
    python bench/answer_latency.py --no-synthetic  # the real-data knowledge base only

The embedding cache lives in var/bench/realkb/bench.db; the first run embeds ~10,500 chunks (30-60 min).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import numpy as np
from _report import loadavg, pct, rss_mb, write_jsonl_parts, write_section
from faq_retrieval import DATA, FAQ, PROCEDURES, load_faq, stripped, teencode

DOMAIN = ROOT / "tests" / "eval" / "domain.jsonl"


def build_kb(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # the question text is withheld, as in bench/faq_retrieval.py; files split under the ingest's size limit
    write_jsonl_parts(folder, "faq", [json.dumps({"id": f"faq-{r['faq_id']}", "question": "", "answer": r["answer"],
                                                  "url": r["url"], "topic": "dichvucong"}, ensure_ascii=False)
                                      for r in load_faq()])
    write_jsonl_parts(folder, "procedures", PROCEDURES.read_text(encoding="utf-8").splitlines())
    shutil.copytree(ROOT / "knowledge" / "guides", folder / "guides")


def questions(n_faq: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vrng = random.Random(seed + 3)
    out: list[str] = []
    for r in rng.sample(load_faq(), n_faq):
        out += [r["question"], stripped(r["question"]), teencode(r["question"], vrng)]
    out += [json.loads(line)["q"] for line in DOMAIN.open(encoding="utf-8") if line.strip()]
    return out


class Summary:
    """The numbers of `binhdan ingest`'s last line."""

    def __init__(self, line: str) -> None:
        nums = {k: int(v) for v, k in re.findall(r"(\d+) (documents|chunks|embedded|from cache)", line)}
        self.documents, self.chunks = nums["documents"], nums["chunks"]
        self.embedded, self.cached = nums["embedded"], nums["from cache"]
        self.seconds = float(re.findall(r"([\d.]+) s\. Build", line)[0])  # the pipeline, without start-up


def ingest_cli(kb: Path) -> tuple[float, Summary]:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest", "--kb", str(kb)], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "BINHDAN_APP__LOG_LEVEL": "WARNING"})
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"binhdan ingest failed: {r.stderr[-2000:]}")
    return seconds, Summary(next(x for x in r.stdout.splitlines() if x.startswith("Xong / done")))


def measure(service: object, qs: list[str]) -> dict[str, float]:
    answer = service.answer  # type: ignore[attr-defined]
    for q in qs[:30]:
        answer(q)  # warm-up
    lat = []
    for q in qs:
        t = time.perf_counter()
        answer(q)
        lat.append((time.perf_counter() - t) * 1000)
    return {"n": len(lat), "p50": round(pct(lat, .5), 1), "p95": round(pct(lat, .95), 1),
            "p99": round(pct(lat, .99), 1), "mean": round(sum(lat) / len(lat), 1), "load": loadavg()}  # type: ignore[dict-item]


def measure_in_subprocess(index_dir: Path, *, threads: int, n_faq: int, seed: int) -> dict[str, object]:
    r = subprocess.run([sys.executable, __file__, "--measure", str(index_dir), "--threads", str(threads),
                        "--faq-questions", str(n_faq), "--seed", str(seed)], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"measurement failed: {r.stderr[-3000:]}")
    out: dict[str, object] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


def measure_here(index_dir: Path, threads: int, n_faq: int, seed: int) -> dict[str, object]:
    """Load one index as a serving process does (the live retriever) and answer the questions."""
    from bot.bootstrap import build_answer_service, build_embedder, build_live_retriever, load_live_index
    from bot.config import load_settings

    base = load_settings()
    settings = base.model_copy(update={
        "embedder": base.embedder.model_copy(update={"threads": threads}),
        "index": base.index.model_copy(update={"dir": index_dir, "reload_check_s": 0})})
    embedder = build_embedder(settings)
    t0 = time.perf_counter()
    index = load_live_index(settings, embedder, index_dir)
    live = build_live_retriever(settings, embedder, index)
    service = build_answer_service(settings, embedder=embedder, index=index, log_questions=False, retriever=live)
    loaded = time.perf_counter() - t0
    chunks = len(index.chunks)
    del index
    res: dict[str, object] = {"chunks": chunks, "load_s": round(loaded, 1), "threads": threads,
                              **measure(service, questions(n_faq, seed))}
    res["rss_mb"] = round(rss_mb()[0])
    return res


def synthetic(index: object, factor: int, seed: int) -> tuple[list[object], np.ndarray]:
    from dataclasses import replace

    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    chunks = list(index.chunks)  # type: ignore[attr-defined]
    vectors = [index.vectors]  # type: ignore[attr-defined]

    def drop(text: str) -> str:
        return " ".join(w for w in text.split(" ") if rng.random() > 0.15)

    base = list(index.chunks)  # type: ignore[attr-defined]
    for k in range(1, factor):
        for c in base:
            doc = f"{c.doc_id}~s{k}"
            chunks.append(replace(c, doc_id=doc, chunk_id=c.chunk_id.replace(c.doc_id, doc, 1),
                                  text=drop(c.text), search_text=drop(c.search_text), kind="synthetic"))
        noise = nrng.normal(0, 0.3 / np.sqrt(index.vectors.shape[1]), index.vectors.shape).astype(np.float32)  # type: ignore[attr-defined]
        v = index.vectors + noise  # type: ignore[attr-defined]
        vectors.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    return chunks, np.concatenate(vectors).astype(np.float32)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--faq-questions", type=int, default=400, help="FAQ questions (x3 variants)")
    ap.add_argument("--scale", type=int, default=10, help="size of the synthetic knowledge base (x real)")
    ap.add_argument("--no-synthetic", action="store_true")
    ap.add_argument("--cold", action="store_true", help="empty the embedding cache first (a true full build)")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench" / "realkb")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    ap.add_argument("--measure", type=Path, default=None, help=argparse.SUPPRESS)  # internal: one configuration
    ap.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure is not None:
        print(json.dumps(measure_here(args.measure, args.threads, args.faq_questions, args.seed)))
        return 0
    if not FAQ.exists():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    work: Path = args.workdir
    if args.cold:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BINHDAN_DATABASE__URL"] = f"sqlite:///{work / 'bench.db'}"
    os.environ["BINHDAN_INDEX__DIR"] = str(work / "index")
    from bot.config import load_settings
    from bot.retrieval.index_store import load_index, write_index

    settings = load_settings()
    kb = work / "kb"
    build_kb(kb)
    load_full = loadavg()
    full_s, full = ingest_cli(kb)  # the user's command, in its own process (library default threads)
    load_full += f" → {loadavg()}"
    guide = sorted((kb / "guides").rglob("*.md"))[0]
    guide.write_text(guide.read_text(encoding="utf-8").rstrip() + f"\n\nCập nhật lúc {time.time():.0f}.\n",
                     encoding="utf-8")
    load_re = loadavg()
    reingest_s, again = ingest_cli(kb)

    # Latency in a process of its own, configured as a serving process is (bot/runtime/background.serving_settings: one
    # OpenMP thread per embedding; OpenMP's thread count is fixed once it has started in a process).
    index_dir = settings.path(settings.index.dir)
    real = measure_in_subprocess(index_dir, threads=1, n_faq=args.faq_questions, seed=args.seed)
    print(f"real KB ({full.documents} documents, {full.chunks} chunks): {real}")
    qs = questions(args.faq_questions, args.seed)

    syn: dict[str, object] = {}
    if not args.no_synthetic:
        index = load_index(index_dir, expected_model_id=None)
        chunks, vectors = synthetic(index, args.scale, args.seed)
        syn_dir = work / "synthetic"
        shutil.rmtree(syn_dir, ignore_errors=True)
        assert index.tones is not None
        write_index(syn_dir, chunks=chunks, vectors=vectors, model_id=str(index.manifest["model_id"]),  # type: ignore[arg-type]
                    tones=index.tones, keep_builds=1)
        del chunks, vectors, index
        syn = measure_in_subprocess(syn_dir, threads=1, n_faq=args.faq_questions, seed=args.seed)
        print(f"synthetic x{args.scale}: {syn}")

    cold = full.cached == 0
    record = work / "cold-build.json"  # the last build from an empty cache, kept for the warm runs' report
    if cold:
        record.write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M"), "seconds": round(full_s, 1),
                                      "chunks": full.chunks, "embedded": full.embedded, "load": load_full}))
    last_cold = json.loads(record.read_text()) if record.exists() else None
    lines = [
        f"Knowledge base: {full.documents:,} documents, {full.chunks:,} chunks (FAQ answers + procedure records + "
        f"bundled guides); {len(qs):,} questions ({args.faq_questions} FAQ questions × as written / stripped / "
        f"teencode + {len(qs) - 3 * args.faq_questions} of tests/eval/domain.jsonl), one at a time, warm, no "
        "question log.",
        "",
        "| figure | value | load avg (1 / 5 / 15 min) at start |",
        "|---|---|---|",
        f"| full ingest{' (empty embedding cache)' if cold else ''} | {full_s:,.1f} s for {full.chunks:,} chunks"
        + (f", {full.embedded:,} distinct texts embedded ({full.chunks / full_s:.1f} chunks/s)" if full.embedded
           else " (all vectors from the embedding cache)")
        + ("" if cold or not full.embedded else f"; {full.cached:,} from the cache") + f" | {load_full} |",
        f"| re-ingest after changing one guide | {again.seconds:.2f} s in the pipeline, {reingest_s:.1f} s for the "
        f"whole `binhdan ingest` command ({again.embedded} chunk(s) embedded) | {load_re} |",
        f"| answer latency, real KB ({full.chunks:,} chunks) | p50 {real['p50']} ms, "
        f"p95 {real['p95']} ms, p99 {real['p99']} ms (mean {real['mean']}) | {real['load']} |",
    ]
    if syn:
        lines.append(
            f"| answer latency, synthetic ×{args.scale} ({syn['chunks']:,} chunks) | p50 {syn['p50']} ms, "
            f"p95 {syn['p95']} ms, p99 {syn['p99']} ms (mean {syn['mean']}); index load {syn['load_s']} s | "
            f"{syn['load']} |")
    if not cold and last_cold:
        lines.insert(5, f"| full ingest, empty embedding cache (run of {last_cold['date']}) | "
                        f"{last_cold['seconds']:,.1f} s for {last_cold['chunks']:,} chunks, {last_cold['embedded']:,} "
                        f"distinct texts embedded ({last_cold['chunks'] / last_cold['seconds']:.1f} chunks/s) | "
                        f"{last_cold['load']} |")
    lines += ["", f"RSS of the measuring process: {real['rss_mb']} MB with the real-data index"
              + (f", {syn['rss_mb']} MB with the synthetic ×{args.scale} one." if syn else "."),
              "Targets: p95 ≤ 50 ms (real), ≤ 80 ms (×10)."]
    if not cold:
        lines.append("This run found the embeddings cached; `--cold` empties the cache for a full build "
                     "(the embedding dominates it).")
    lines.append("Latency is measured in a fresh process set up as `binhdan serve` answers: the live retriever, "
                 "one OpenMP thread per embedding (`bot/runtime/background.serving_settings`) and per faiss search.")
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("answer-latency", "Answer latency in-process and ingest (`bench/answer_latency.py`)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
