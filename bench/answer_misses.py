"""The questions behind the answer figures of `binhdan eval` (issue 19), one split at a time (train+dev by default;
the test split only reports): in-domain questions refused as not covered (NC) or asked back (AB), off-topic ones
answered or asked back (OFF), and ambiguous questions not asked back (MISS), with the first guides' scores.

    python bench/answer_misses.py [train+dev | train | dev]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.bootstrap import build_embedder, build_retriever, calibration, index_dir, load_live_index
from bot.config import load_settings
from bot.core.answering.clarify import typed_words
from bot.core.evaluation import in_split
from bot.core.types import Retrieval
from bot.evaluation.domain import _service, load_items

ROOT = Path(__file__).resolve().parents[1]


def _guides(r: Retrieval, n: int = 4) -> str:
    return " | ".join(f"{p.doc_id}[{p.topic}] s={p.score:.2f} d={p.dense:.2f} l={p.lexical:.2f}" for p in r.passages[:n])


def main() -> None:
    split = sys.argv[1] if len(sys.argv) > 1 else "train+dev"
    if "test" in split:
        sys.exit("the test split only reports: look at train and dev")
    s = load_settings()
    emb = build_embedder(s)
    ret = build_retriever(s, emb, index=load_live_index(s, emb, index_dir(s, None)))
    cal = calibration(s)
    svc = _service(s, ret, cal)
    for it in load_items(ROOT / "tests/eval/domain.jsonl"):
        if not in_split(it.q, split):
            continue
        r = ret.retrieve(it.q, limit=10)
        c = cal.confidence(r)
        ab = svc.asks_back(r, c)
        if it.gold and c < cal.threshold:
            print(f"NC   {c:.3f} {it.q!r} gold={it.gold[0]}\n       {_guides(r)}")
        if it.gold and ab:
            print(f"AB   {c:.3f} {it.q!r} gold={it.gold[0]} choices={[o.doc_id for o in ab]}")
        if not it.gold and (c >= cal.threshold or ab):
            print(f"OFF  {c:.3f} {it.q!r} asked back={bool(ab)}\n       {_guides(r)}")
    for line in (ROOT / "tests/eval/ambiguous.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(line) if line.strip() else None
        if not d or not in_split(d["q"], split):
            continue
        r = ret.retrieve(d["q"], limit=10)
        c = cal.confidence(r)
        if not svc.asks_back(r, c):
            print(f"MISS {c:.3f} {d['q']!r} words={len(typed_words(r))} candidates={d['candidates']}\n       {_guides(r, 6)}")


if __name__ == "__main__":
    main()
