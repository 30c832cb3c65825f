"""The reduced real-data benchmark (bench/faq_retrieval.py --reduced --check): 200 portal FAQ
questions in three variants; the project must beat BM25-alone and dense-alone on hit@1 and hit@5."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cache import seeded
from tests.conftest import SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.mark.skipif(not (SHARED_DATA / "dvcqg-faq-vietps" / "faq_qa.jsonl").exists(),
                    reason="../shared/data is not present")
def test_reduced_faq_benchmark_beats_both_baselines(tmp_path: Path) -> None:
    # the benchmark's database, seeded with the vectors of earlier runs of the same model files and code
    # (tests/cache.py): it embeds only new texts, and still reads, chunks, indexes and evaluates everything
    with seeded(tmp_path / "bench.db"):
        r = subprocess.run([sys.executable, "bench/faq_retrieval.py", "--reduced", "--check", "--workdir",
                            str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "CHECK OK" in r.stdout
