"""Retrieval benchmark on real portal data (../shared/data), as citizens would type the questions.

Knowledge base: the answers of the 2,467 dichvucong.gov.vn FAQs WITHOUT their question text, plus the
855 administrative-procedure records as distractors. Queries: a fixed sample of FAQ questions in three
variants — as written, tone marks stripped, and synthetic teencode (see `teencode()`). Gold: the FAQ's
own answer. Reports hit@1, hit@5, MRR@10 for the project and two baselines (BM25 over accent-folded
syllables alone; the dense model alone), full ingest time, re-ingest time after changing one document,
in-process answer latency p50/p95/p99 and peak RSS.

    python bench/faq_retrieval.py                 # full run (first run embeds everything: ~25 min)
    python bench/faq_retrieval.py --reduced       # CI size: 200 queries, gold + 800 distractors
    python bench/faq_retrieval.py --reduced --check   # exit 1 if the project falls below a baseline
    python bench/faq_retrieval.py --paraphrases [--reduced]   # as the product indexes the FAQ (see below)

`--paraphrases`: the FAQs are indexed the way the product indexes them (ingest/readers/tables.py: the
question as title and `questions`, the answer as body) and the queries are PARAPHRASES of the questions,
never the verbatim text (bench/_paraphrase.py: a deterministic citizen-style rewrite of the sampled
questions, and the hand-written tests/eval/faq_paraphrases.jsonl), each with tone marks, stripped and in
teencode. Figures per split (by FAQ id: train+dev for tuning, test for reporting) and the confusion
pairs of the test split.

The embedding cache lives in var/bench/<name>.db, so a second run only embeds what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _paraphrase import generated, hand_written
from _report import write_jsonl_parts

from bot.config import load_settings
from bot.core.answering.service import AnswerService
from bot.core.evaluation import EvalItem, by_style, in_split, run
from bot.core.text import fold

DATA = Path(os.environ.get("BINHDAN_SHARED_DATA", ROOT.parent / "shared" / "data"))
FAQ = DATA / "dvcqg-faq-vietps" / "faq_qa.jsonl"
PROCEDURES = DATA / "dvcqg-tthc-procedures" / "procedures.jsonl"

# Synthetic teencode: how citizens shorten words in chat. Independent of knowledge/lexicon on purpose
# (several forms here are NOT in the lexicon), applied to the accented text before tone marks go.
TEENCODE = [
    ("căn cước công dân", ["cccd"]), ("chứng minh nhân dân", ["cmnd"]), ("giấy phép lái xe", ["gplx", "bang lai"]),
    ("bảo hiểm y tế", ["bhyt"]), ("bảo hiểm xã hội", ["bhxh"]), ("ủy ban nhân dân", ["ubnd"]),
    ("số điện thoại", ["sdt", "sđt"]), ("điện thoại", ["dt", "đt"]), ("mật khẩu", ["mk"]),
    ("tài khoản", ["tk"]), ("đăng ký", ["dk", "đk", "dang ki"]), ("không", ["ko", "k", "hok", "khong"]),
    ("được", ["dc", "đc", "duoc"]), ("gì", ["j", "gi"]), ("với", ["vs"]), ("vậy", ["v", "z"]),
    ("rồi", ["r", "roi"]), ("như thế nào", ["ntn", "nhu the nao"]), ("làm", ["lm", "lam"]),
    ("biết", ["bit", "bik"]), ("thì", ["thi", "thj"]), ("mình", ["mik", "minh"]), ("anh", ["a"]),
    ("em", ["e"]), ("chị", ["c"]), ("người", ["ng", "nguoi"]), ("trước", ["trc"]), ("bây giờ", ["bh", "bjo"]),
    ("thủ tục", ["thu tuc", "tt"]), ("hồ sơ", ["hs", "ho so"]), ("giấy tờ", ["giay to", "gt"]),
]
POLITE = re.compile(
    r"^(xin (cho )?(tôi |em )?hỏi|cho (tôi|em) hỏi|tôi (muốn|xin) hỏi|xin hỏi|kính gửi[^,.:]*[,.:]?)\s*", re.IGNORECASE
)


def teencode(q: str, rng: random.Random) -> str:
    """Lower-case, drop polite openers, shorten common words (p=0.8 each), strip tone marks and
    punctuation: "Tôi không được cấp lại CCCD" -> "toi ko dc cap lai cccd"."""
    t = POLITE.sub("", q.strip().lower())
    for long, shorts in TEENCODE:
        def pick(m: re.Match[str], shorts: list[str] = shorts) -> str:
            return rng.choice(shorts) if rng.random() < 0.8 else m.group()

        t = re.sub(rf"\b{re.escape(long)}\b", pick, t)
    t = fold(t)
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def stripped(q: str) -> str:
    return fold(q)


def load_faq() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in FAQ.open(encoding="utf-8")]
    return [r for r in rows if len(r["answer"].strip()) >= 30 and len(r["question"].strip()) >= 10]


def build_kb(folder: Path, faq: list[dict[str, str]], gold_ids: set[str], *, reduced: bool,
             distractors: int, seed: int, with_questions: bool = False, procedures: int | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    if reduced:
        others = [r for r in faq if r["faq_id"] not in gold_ids]
        keep = gold_ids | {r["faq_id"] for r in rng.sample(others, min(distractors, len(others)))}
        rows = [r for r in faq if r["faq_id"] in keep]
    else:
        rows = faq
    # without `with_questions` the question text is withheld: the answer alone must be found
    write_jsonl_parts(folder, "faq", [json.dumps({"id": f"faq-{r['faq_id']}", "question": r["question"] if with_questions
                                                  else "", "answer": r["answer"], "url": r["url"], "topic": "dichvucong"},
                                                 ensure_ascii=False) for r in rows])
    procs = [line for line in PROCEDURES.open(encoding="utf-8")]
    n_procs = procedures if procedures is not None else (40 if reduced else len(procs))
    if n_procs < len(procs):
        procs = random.Random(seed + 2).sample(procs, n_procs)
    write_jsonl_parts(folder, "procedures", procs)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


STYLES = ("as_written", "stripped", "teencode")
PARA_STYLES = ("gen", "gen_stripped", "gen_teencode", "hand", "hand_stripped", "hand_teencode")


def verbatim_items(sample: list[dict[str, str]], rng: random.Random) -> list[EvalItem]:
    items: list[EvalItem] = []
    for r in sample:
        gold = (f"faq-{r['faq_id']}",)
        items.append(EvalItem(r["question"], gold, "as_written"))
        items.append(EvalItem(stripped(r["question"]), gold, "stripped"))
        items.append(EvalItem(teencode(r["question"], rng), gold, "teencode"))
    return items


def paraphrase_items(sample: list[dict[str, str]], hand: list[tuple[str, str]],
                     rng: random.Random) -> list[tuple[str, EvalItem]]:
    """(split, item): the generated and the hand-written paraphrases in three styles each; the split is
    the FAQ id's, so all paraphrases of one FAQ share it."""
    out: list[tuple[str, EvalItem]] = []
    for src, pairs in (("gen", [(r["faq_id"], generated(r["question"], rng)) for r in sample]), ("hand", hand)):
        for fid, q in pairs:
            gold, split = (f"faq-{fid}",), "test" if in_split(fid, "test") else "train+dev"
            out.append((split, EvalItem(q, gold, src)))
            out.append((split, EvalItem(stripped(q), gold, f"{src}_stripped")))
            out.append((split, EvalItem(teencode(q, rng), gold, f"{src}_teencode")))
    return out


def confusions(items: list[EvalItem], ranked: dict[str, list[str]], titles: dict[str, str],
               limit: int = 15) -> list[str]:
    """The test misses at hit@1: gold → what ranked first (titles cut), and where gold ranked."""
    out = []
    for it in items:
        r = ranked[it.q]
        if r and r[0] not in it.gold:
            pos = next((i + 1 for i, d in enumerate(r) if d in it.gold), 0)
            out.append(f"[{it.style}] {it.q[:70]!r}: {it.gold[0]} ({titles.get(it.gold[0], '')[:50]}) → "
                       f"{r[0]} ({titles.get(r[0], '')[:50]}); gold at {pos or '>10'}")
    return out[:limit]


def setup(args: argparse.Namespace) -> tuple[Any, ...]:
    """Write the knowledge base, ingest it (timed, and again after changing one document), load it.
    Returns (settings, embedder, index, sample, gold_ids, timings)."""
    n_queries = args.queries or (200 if args.reduced else 600)
    name = ("faq-para-" if args.paraphrases else "faq-") + ("reduced" if args.reduced else "full")
    work = args.workdir or ROOT / "var" / "bench" / name
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BINHDAN_DATABASE__URL"] = f"sqlite:///{work / 'bench.db'}"
    os.environ["BINHDAN_INDEX__DIR"] = str(work / "index")
    from bot.bootstrap import build_embedder, ingest, load_live_index

    settings = load_settings()
    faq = load_faq()
    rng = random.Random(args.seed)
    sample = rng.sample(faq, n_queries)
    gold_ids = {r["faq_id"] for r in sample}
    if args.paraphrases:
        gold_ids |= {fid for fid, _ in hand_written()}
    kb = work / "kb"
    shutil.rmtree(kb, ignore_errors=True)
    build_kb(kb, faq, gold_ids, reduced=args.reduced, distractors=args.distractors, seed=args.seed,
             with_questions=args.paraphrases, procedures=args.procedures)
    embedder = build_embedder(settings)
    t0 = time.perf_counter()
    summary = ingest(settings, embedder=embedder, paths=[kb])
    full_ingest_s = time.perf_counter() - t0
    # Re-ingest after changing one document.
    faq_file = kb / "faq-01.jsonl"
    lines = faq_file.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["answer"] += f" (Cập nhật {time.time():.0f}.)"
    lines[0] = json.dumps(first, ensure_ascii=False)
    faq_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    re_summary = ingest(settings, embedder=embedder, paths=[kb])
    reingest_s = time.perf_counter() - t0
    index = load_live_index(settings, embedder, settings.path(settings.index.dir))
    timings = {"name": name, "summary": summary, "re_summary": re_summary, "full_ingest_s": full_ingest_s,
               "reingest_s": reingest_s}
    return settings, embedder, index, sample, gold_ids, timings


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reduced", action="store_true", help="CI size: 200 queries, gold + 800 distractors")
    ap.add_argument("--paraphrases", action="store_true", help="index questions + answers, query paraphrases")
    ap.add_argument("--queries", type=int, default=None)
    ap.add_argument("--distractors", type=int, default=800)
    ap.add_argument("--procedures", type=int, default=None, help="procedure records (default: 40 reduced, all)")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--check", action="store_true", help="exit 1 if the project is below a baseline")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()
    if not FAQ.exists():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    from bot.bootstrap import build_retriever, calibration
    from bot.retrieval.baselines import BaselineRetriever

    settings, embedder, index, sample, _, tm = setup(args)
    retriever = build_retriever(settings, embedder, index=index)
    vrng = random.Random(args.seed + 3)
    if args.paraphrases:
        tagged = paraphrase_items(sample, hand_written(), vrng)
        splits = {"train+dev": [it for s, it in tagged if s == "train+dev"], "test": [it for s, it in tagged if s == "test"]}
        styles = PARA_STYLES
    else:
        splits = {"all": verbatim_items(sample, vrng)}
        styles = STYLES
    items = [it for group in splits.values() for it in group]
    ranked: dict[str, list[str]] = {}

    def project(q: str) -> tuple[list[str], bool, tuple[float, ...]]:
        ranked[q] = [p.doc_id for p in retriever.retrieve(q, limit=10).passages]
        return ranked[q], True, ()

    systems = {"project": project}
    for bname, b in (("bm25_folded", BaselineRetriever(index, kind="bm25")),
                     ("dense_only", BaselineRetriever(index, kind="dense", embedder=embedder))):
        def rank(q: str, b: BaselineRetriever = b) -> tuple[list[str], bool, tuple[float, ...]]:
            return [p.doc_id for p in b.retrieve(q, limit=10).passages], True, ()
        systems[bname] = rank
    results = {split: {name: {k: v.as_dict() for k, v in by_style(run(group, fn)).items()}
                       for name, fn in systems.items()} for split, group in splits.items()}
    titles = {c.doc_id: c.title for c in index.chunks}
    confused = confusions(splits.get("test", []), ranked, titles) if args.paraphrases else []

    service = AnswerService(retriever, calibration=calibration(settings), max_chars=settings.answer.max_chars)
    questions = [it.q for it in items]
    for q in questions[:20]:
        service.answer(q)  # warm-up
    lat = []
    for q in questions:
        t = time.perf_counter()
        service.answer(q)
        lat.append((time.perf_counter() - t) * 1000)
    summary, re_summary = tm["summary"], tm["re_summary"]
    out = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "mode": tm["name"], "queries": len(sample), "variants": 3, "styles": list(styles),
        "kb": {"documents": summary.documents, "chunks": summary.chunks},
        "ingest_full_s": round(tm["full_ingest_s"], 1), "embedded_in_full_run": summary.embedded,
        "reingest_one_change_s": round(tm["reingest_s"], 2), "reingest_embedded": re_summary.embedded,
        "latency_ms": {"n": len(lat), "p50": round(pct(lat, .5), 1), "p95": round(pct(lat, .95), 1),
                       "p99": round(pct(lat, .99), 1)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "results": results if args.paraphrases else results["all"],
        "confusions_test": confused,
    }
    print(render(out))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.check:
        bad = []
        for split, res in results.items():
            for v in styles:
                p = res["project"][v]
                for bname in ("bm25_folded", "dense_only"):
                    b = res[bname][v]
                    for m in ("hit@1", "hit@5"):
                        if p[m] < b[m]:
                            bad.append(f"{split} {v} {m}: project {p[m]} < {bname} {b[m]}")
        if bad:
            print("FAIL: " + "; ".join(bad), file=sys.stderr)
            return 1
        print("CHECK OK: the project beats both baselines on hit@1 and hit@5 in every variant")
    return 0


def _table(res: dict, styles: list[str]) -> list[str]:  # type: ignore[type-arg]
    lines = ["| system | variant | n | hit@1 | hit@5 | MRR@10 |", "|---|---|---|---|---|---|"]
    for system in ("project", "bm25_folded", "dense_only"):
        for v in styles:
            r = res[system][v]
            lines.append(f"| {system} | {v} | {r['n']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr@10']:.3f} |")
    return lines


def render(out: dict) -> str:  # type: ignore[type-arg]
    lines = [f"## FAQ retrieval ({out['mode']}, {out['date']})",
             f"KB: {out['kb']['documents']} documents, {out['kb']['chunks']} chunks; "
             f"{out['queries']} sampled questions × 3 variants", ""]
    if "project" in out["results"]:
        lines += _table(out["results"], out["styles"])
    else:
        for split, res in out["results"].items():
            lines += [f"### split {split}", "", *_table(res, out["styles"]), ""]
    if out.get("confusions_test"):
        lines += ["", "Confusions (test, first 15 misses at hit@1):", *[f"- {c}" for c in out["confusions_test"]]]
    lat = out["latency_ms"]
    lines += ["", f"- full ingest: {out['ingest_full_s']} s ({out['embedded_in_full_run']} chunks embedded)",
              f"- re-ingest after changing one document: {out['reingest_one_change_s']} s "
              f"({out['reingest_embedded']} chunk(s) embedded)",
              f"- answer latency in-process over {lat['n']} questions: p50 {lat['p50']} ms, "
              f"p95 {lat['p95']} ms, p99 {lat['p99']} ms",
              f"- peak RSS: {out['peak_rss_mb']} MB"]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
