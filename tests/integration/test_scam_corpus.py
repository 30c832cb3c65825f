"""Acceptance of the scam checker (issue 20) on the test corpus, through `binhdan check-message --jsonl`
run as a real process: the same figures as bench/scam_check.py, asserted on the whole corpus and on
its held-out part (`"split": "test"`), so a change of rules that only fits the tuning part fails here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "scam_corpus.jsonl"


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict[str, object]]:
    rows = _rows()
    payload = "".join(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n" for r in rows)
    env = {**os.environ, "BINHDAN_APP__LOG_LEVEL": "WARNING"}
    p = subprocess.run([sys.executable, "-m", "bot.cli", "check-message", "--jsonl"], input=payload, text=True,
                       capture_output=True, env=env, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == len(rows)
    return {r["id"]: json.loads(line) for r, line in zip(rows, lines, strict=True)}


def test_corpus_is_large_varied_and_sourced() -> None:
    rows = _rows()
    scams = [r for r in rows if r["label"] == "scam"]
    genuine = [r for r in rows if r["label"] == "genuine"]
    assert len(scams) >= 110 and len({r["kind"] for r in scams}) >= 12
    assert len(genuine) >= 55
    assert all(r["source"].startswith("http") for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert any(r.get("split") == "test" for r in scams) and any(r.get("split") == "test" for r in genuine)


@pytest.mark.parametrize("split", ["all", "test"])
def test_corpus_meets_the_acceptance_rates(verdicts: dict[str, dict[str, object]], split: str) -> None:
    rows = [r for r in _rows() if split == "all" or r.get("split") == split]
    scams = [verdicts[r["id"]]["verdict"] for r in rows if r["label"] == "scam"]
    genuine = [verdicts[r["id"]]["verdict"] for r in rows if r["label"] == "genuine"]
    flagged = sum(v in ("danger", "suspicious") for v in scams) / len(scams)
    danger = sum(v == "danger" for v in scams) / len(scams)
    gen_danger = sum(v == "danger" for v in genuine) / len(genuine)
    calm = sum(v in ("official", "no_signs") for v in genuine) / len(genuine)
    assert flagged >= 0.95, flagged
    assert danger >= 0.80, danger
    assert gen_danger <= 0.03, gen_danger
    assert calm >= 0.85, calm


def test_every_result_follows_the_json_contract(verdicts: dict[str, dict[str, object]]) -> None:
    for out in verdicts.values():
        assert out["verdict"] in ("danger", "suspicious", "no_signs", "official")
        assert isinstance(out["urls"], list) and isinstance(out["advice"], str) and out["advice"]
        assert all(set(r) == {"code", "text"} and r["text"] for r in out["reasons"])  # type: ignore[union-attr]
