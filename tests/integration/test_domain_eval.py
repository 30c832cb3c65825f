"""Acceptance of the knowledge base: the bundled guides, the real default embedder and the domain
evaluation set (tests/eval/domain.jsonl). Measured on the held-out test half; the confidence was
calibrated on the dev half (`binhdan eval --calibrate`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(bundled_env: dict[str, str]) -> dict[str, str]:
    return bundled_env


def _eval(env: dict[str, str], split: str) -> dict:  # type: ignore[type-arg]
    r = subprocess.run([sys.executable, "-m", "bot.cli", "eval", "tests/eval/domain.jsonl", "--json",
                        "--split", split], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_domain_eval_meets_the_knowledge_base_targets(env: dict[str, str]) -> None:
    res = _eval(env, "all")
    project = res["project"]
    print(json.dumps(project, indent=1))
    assert project["overall"]["hit@3"] >= 0.90
    for style in ("accented", "unaccented", "teencode", "english"):
        assert project[style]["hit@3"] >= 0.85, style
    assert project["offtopic"]["offtopic_not_covered"] >= 0.90
    for style in ("overall", "unaccented", "teencode"):  # the project beats both baselines
        assert project[style]["hit@3"] >= res["bm25_folded"][style]["hit@3"]
        assert project[style]["hit@3"] > res["dense_only"][style]["hit@3"]


def test_held_out_half_also_meets_them(env: dict[str, str]) -> None:
    project = _eval(env, "test")["project"]
    assert project["overall"]["hit@3"] >= 0.90
    assert project["offtopic"]["offtopic_not_covered"] >= 0.90
