"""Where the whole answer's time goes, in-process (analyse + embed + retrieve + decide + compose): pyinstrument
over every question of tests/eval/domain.jsonl (and, when ../shared/data is there, FAQ questions as written /
unaccented / teencode), answered against the bundled knowledge base with the default embedder (one thread,
query cache off, the live retriever as `binhdan serve` has it). Prints the call tree in percent of the total
(robust to a shared machine) and the functions with the most self time; writes both to docs/BENCHMARKS.md.

    python bench/answer_profile.py                 # builds var/bench/bundled-<kind>/ once (a few minutes)
    python bench/answer_profile.py --kind e5-small-q4 --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _report import loadavg, write_section

DOMAIN = ROOT / "tests" / "eval" / "domain.jsonl"


def bundled_index(kind: str, work: Path) -> Path:
    """The bundled knowledge base indexed with `kind` (built once; `binhdan ingest` is incremental)."""
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{work / 'kb.db'}", "BINHDAN_INDEX__DIR": str(work / "index"),
           "BINHDAN_EMBEDDER__KIND": kind, "BINHDAN_EMBEDDER__THREADS": "1", "BINHDAN_APP__LOG_LEVEL": "WARNING"}
    r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=ROOT, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"binhdan ingest failed: {r.stderr[-2000:]}")
    return work / "index"


def questions(n_faq: int) -> list[str]:
    qs = [json.loads(line)["q"] for line in DOMAIN.open(encoding="utf-8") if line.strip()]
    try:
        from answer_latency import questions as real

        return [q[:1000] for q in real(n_faq, 20261128)] if n_faq else qs
    except (OSError, SystemExit):  # no shared data here: the domain set alone
        return qs


def service(index: Path, kind: str):  # type: ignore[no-untyped-def]
    from bot.bootstrap import build_answer_service, build_embedder, build_live_retriever, load_live_index
    from bot.config import load_settings

    base = load_settings()
    s = base.model_copy(update={
        "embedder": base.embedder.model_copy(update={"kind": kind, "threads": 1, "query_cache_size": 0}),
        "index": base.index.model_copy(update={"dir": index, "reload_check_s": 0})})
    emb = build_embedder(s)
    ix = load_live_index(s, emb, index)
    return build_answer_service(s, embedder=emb, index=ix, log_questions=False,
                                retriever=build_live_retriever(s, emb, ix)), emb


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kind", default="", help="embedder.kind (default: the configured one)")
    ap.add_argument("--index", type=Path, default=None, help="an index to use instead of building the bundled KB's")
    ap.add_argument("--faq-questions", type=int, default=60, help="FAQ questions (x3 variants); 0 = domain set only")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    from bot.config import load_settings

    kind = a.kind or load_settings().embedder.kind
    index = a.index or bundled_index(kind, ROOT / "var" / "bench" / f"bundled-{kind}")
    svc, emb = service(index, kind)
    qs = questions(a.faq_questions)
    for q in qs[:20]:
        svc.answer(q)  # warm-up: first calls fill caches, page the model in
    load = loadavg()
    prof = Profiler(interval=0.0005)
    wall = time.perf_counter()
    prof.start()
    for q in qs:
        svc.answer(q)
    prof.stop()
    wall = time.perf_counter() - wall
    # CPU time (what a quiet machine would take, roughly), answers and the query embedding inside them:
    # a second pass, unprofiled.
    spent = [0.0]
    embed = emb.embed_queries

    def timed(texts):  # type: ignore[no-untyped-def]
        t = time.process_time()
        try:
            return embed(texts)
        finally:
            spent[0] += time.process_time() - t

    emb.embed_queries = timed  # type: ignore[method-assign]
    cpu = time.process_time()
    for q in qs:
        svc.answer(q)
    cpu = time.process_time() - cpu
    tree = prof.output(ConsoleRenderer(unicode=True, color=False, time="percent_of_total",
                                       processor_options={"filter_threshold": 0.01}))
    flat = prof.output(ConsoleRenderer(unicode=True, color=False, flat=True, time="percent_of_total",
                                       processor_options={"filter_threshold": 0.005}))
    flat_top = "\n".join(line for line in flat.splitlines() if line.strip() and "%" in line)
    flat_top = "\n".join(flat_top.splitlines()[:15])
    tree_body = "\n".join(line for line in tree.splitlines()[tree.splitlines().index("") + 1:] if line.strip()
                          and not line.startswith(("  _", " /_", "/  ", "Profile at")))
    n = len(qs)
    summary = (f"{n} answers with `{kind}` ({emb.model_id}), one thread, query cache off: wall {wall / n * 1000:.1f} ms "
               f"per answer, CPU {cpu / n * 1000:.1f} ms per answer, of which the query embedding "
               f"{spent[0] / n * 1000:.1f} ms ({spent[0] / cpu:.0%}); load average {load} → {loadavg()}.")
    print(summary)
    print(tree_body)
    print(flat_top)
    if not a.no_write:
        write_section(f"answer-profile-{kind}", f"Answer path profile, `{kind}` (`bench/answer_profile.py`)",
                      "\n".join([summary, "", "Call tree (pyinstrument, % of the total; frames under 1 % hidden):",
                                 "", "```", tree_body, "```", "", "Most self time (pyinstrument --flat):", "",
                                 "```", flat_top, "```"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
