"""Scam checker on the test corpus (tests/data/scam_corpus.jsonl): detection rates and time per message.

Targets (issue 20): scams -> danger or suspicious >= 95% and danger >= 80%; genuine messages -> danger
<= 3% and official/no_signs >= 85%. The corpus has a held-out part (`"split": "test"`, every 4th line)
that is not looked at while tuning the rules: its figures are printed beside the tuning part's, and its
misclassified ids only with --show-test.

    python bench/scam_check.py                  # rates per kind and overall, misclassified dev ids, timing
    python bench/scam_check.py --show-test      # also the held-out misclassified ids
    python bench/scam_check.py --corpus other.jsonl   # a corpus written elsewhere, same format
    python bench/scam_check.py --write          # also write the figures into docs/BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _report import loadavg, pct, write_section

from bot.bootstrap import build_scam_checker
from bot.config import load_settings

CORPUS = ROOT / "tests" / "data" / "scam_corpus.jsonl"
TARGETS = {"scam_flagged": 0.95, "scam_danger": 0.80, "genuine_danger_max": 0.03, "genuine_calm": 0.85}


def load(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ok(row: dict[str, str], verdict: str) -> bool:
    """A scam is caught when flagged at all; a genuine message is right when official or no_signs."""
    return verdict in ("danger", "suspicious") if row["label"] == "scam" else verdict in ("official", "no_signs")


def rates(rows: list[dict[str, str]], verdicts: dict[str, str]) -> dict[str, float | int]:
    scams = [r for r in rows if r["label"] == "scam"]
    gen = [r for r in rows if r["label"] == "genuine"]

    def share(items: list[dict[str, str]], good: tuple[str, ...]) -> float:
        return sum(verdicts[r["id"]] in good for r in items) / len(items) if items else float("nan")

    return {"scams": len(scams), "genuine": len(gen),
            "scam_flagged": share(scams, ("danger", "suspicious")), "scam_danger": share(scams, ("danger",)),
            "genuine_danger": share(gen, ("danger",)), "genuine_calm": share(gen, ("official", "no_signs"))}


def meets(r: dict[str, float | int]) -> bool:
    return (float(r["scam_flagged"]) >= TARGETS["scam_flagged"] and float(r["scam_danger"]) >= TARGETS["scam_danger"]
            and float(r["genuine_danger"]) <= TARGETS["genuine_danger_max"]
            and float(r["genuine_calm"]) >= TARGETS["genuine_calm"])


def fmt(name: str, r: dict[str, float | int]) -> str:
    return (f"{name:<8} scams {r['scams']:>3}: flagged {float(r['scam_flagged']):6.1%}  danger {float(r['scam_danger']):6.1%}"
            f"   | genuine {r['genuine']:>3}: danger {float(r['genuine_danger']):5.1%}  official/no_signs "
            f"{float(r['genuine_calm']):6.1%}   {'meets targets' if meets(r) else 'BELOW TARGET'}")


def cli_median_ms(rows: list[dict[str, str]]) -> tuple[float, float]:
    """`binhdan check-message --jsonl` as a process: (start-up + load seconds, per-message ms)."""
    env_py = [sys.executable, "-m", "bot.cli", "check-message", "--jsonl"]
    t0 = time.perf_counter()
    subprocess.run(env_py, input="", text=True, capture_output=True, cwd=ROOT, check=True)
    startup = time.perf_counter() - t0
    payload = "".join(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n" for r in rows * 5)
    t0 = time.perf_counter()
    subprocess.run(env_py, input=payload, text=True, capture_output=True, cwd=ROOT, check=True)
    total = time.perf_counter() - t0
    return startup, (total - startup) * 1000 / (len(rows) * 5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--show-test", action="store_true", help="print the held-out misclassified ids too")
    ap.add_argument("--write", action="store_true", help="write the figures into docs/BENCHMARKS.md")
    ap.add_argument("--no-cli", action="store_true", help="skip the subprocess timing")
    args = ap.parse_args()

    rows = load(args.corpus)
    checker = build_scam_checker(load_settings())
    verdicts: dict[str, str] = {}
    times: list[float] = []
    for r in rows:  # warm-up pass, then the timed one
        checker.check(r["text"])
    for r in rows:
        t0 = time.perf_counter()
        verdicts[r["id"]] = checker.check(r["text"]).verdict
        times.append((time.perf_counter() - t0) * 1000)

    lines: list[str] = []
    splits = {"all": rows, "dev": [r for r in rows if r.get("split", "dev") != "test"],
              "test": [r for r in rows if r.get("split") == "test"]}
    for name, part in splits.items():
        if part:
            lines.append(fmt(name, rates(part, verdicts)))
    lines.append("")
    lines.append("per kind (all splits): n, caught (scam: danger|suspicious; genuine: official|no_signs), danger")
    by_kind: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_kind[(r["label"], r["kind"])].append(r)
    for (label, kind), part in sorted(by_kind.items()):
        caught = sum(ok(r, verdicts[r["id"]]) for r in part) / len(part)
        danger = sum(verdicts[r["id"]] == "danger" for r in part) / len(part)
        lines.append(f"  {label:<8} {kind:<20} {len(part):>3}  {caught:6.1%}  {danger:6.1%}")
    lines.append("")
    wrong_dev = [f"{r['id']}={verdicts[r['id']]}" for r in splits["dev"] if not ok(r, verdicts[r["id"]])
                 or (r["label"] == "scam" and verdicts[r["id"]] != "danger")]
    lines.append(f"dev not as expected ({len(wrong_dev)}; scams below danger included): " + (", ".join(wrong_dev) or "none"))
    wrong_test = [f"{r['id']}={verdicts[r['id']]}" for r in splits["test"] if not ok(r, verdicts[r["id"]])]
    lines.append(f"held-out misclassified: {len(wrong_test)}" + (": " + ", ".join(wrong_test) if args.show_test else
                                                                 " (ids hidden; --show-test)"))
    lines.append("")
    lines.append(f"in-process check time per message: median {pct(times, 0.5):.2f} ms, p95 {pct(times, 0.95):.2f} ms, "
                 f"max {max(times):.2f} ms ({len(times)} messages; load {loadavg()})")
    if not args.no_cli:
        startup, per_msg = cli_median_ms(rows)
        lines.append(f"binhdan check-message --jsonl (process): start-up {startup:.2f} s, then {per_msg:.2f} ms per message")
    out = "\n".join(lines)
    print(out)
    if args.write:
        write_section("scam-check", "Scam checker: corpus rates and time per message (issue 20)", f"```\n{out}\n```")
    return 0 if meets(rates(rows, verdicts)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
