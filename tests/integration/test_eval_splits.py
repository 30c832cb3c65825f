"""`binhdan eval --also-split`: another split's report from the same answers equals the report of a separate
`--split` run (the domain acceptance reads the held-out half that way instead of asking everything twice)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.bootstrap import ingest
from bot.core.evaluation import split_of
from bot.evaluation.domain import evaluate
from bot.retrieval.embedders import FakeEmbedder
from tests.cache import ROOT
from tests.cli_inproc import run_cli
from tests.conftest import make_settings

QUESTIONS = [
    ("Tôi quên mật khẩu VNeID thì lấy lại thế nào?", "test-vneid-quen-mat-khau", "accented"),
    ("quen mat khau vneid lam sao", "test-vneid-quen-mat-khau", "unaccented"),
    ("mk vneid quen r lam j dc ko", "test-vneid-quen-mat-khau", "teencode"),
    ("I forgot my VNeID password, what do I do?", "test-vneid-quen-mat-khau-en", "english"),
    ("How can I reset the VNeID password?", "test-vneid-quen-mat-khau-en", "english"),
    ("Làm sao nâng cấp tài khoản định danh mức 2?", "test-vneid-muc-2", "accented"),
    ("dinh danh muc 2 lam o dau", "test-vneid-muc-2", "unaccented"),
    ("Tài khoản mức 2 cần giấy tờ gì?", "test-vneid-muc-2", "accented"),
    ("Tôi chuyển nhầm tiền sang tài khoản lạ phải làm gì?", "test-tt-chuyen-nham", "accented"),
    ("chuyen nham tien cho nguoi khac co lay lai duoc khong", "test-tt-chuyen-nham", "unaccented"),
    ("ck nham stk r, ngan hang co tra lai ko", "test-tt-chuyen-nham", "teencode"),
    ("Chuyển khoản nhầm thì báo ngân hàng thế nào?", "test-tt-chuyen-nham", "accented"),
    ("Hôm nay thời tiết Hà Nội ra sao?", "", "offtopic"),
    ("cach nau pho bo ngon", "", "offtopic"),
    ("Who won the football match yesterday?", "", "offtopic"),
    ("Giá vàng hôm nay bao nhiêu một chỉ?", "", "offtopic"),
]


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps({"q": q, "gold": [g] if g else [], "style": s}, ensure_ascii=False) + "\n"
                            for q, g, s in QUESTIONS), encoding="utf-8")
    return path


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """What make_settings(tmp_path) sets, for the CLI."""
    return {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
            "BINHDAN_APP__DATA_DIR": str(tmp_path / "data"), "BINHDAN_EMBEDDER__KIND": "fake",
            "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5"}


def test_also_split_reports_what_a_separate_split_run_reports(tmp_path: Path, mini_kb: Path) -> None:
    splits = {split_of(q) for q, _, _ in QUESTIONS}
    assert "test" in splits and splits & {"train", "dev"}  # the file has both halves, so the filter is exercised
    s = make_settings(tmp_path)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    file = _file(tmp_path)
    one = evaluate(s, file, split="all", also=("test", "train+dev"))
    alone = {name: evaluate(s, file, split=name) for name in ("all", "test", "train+dev")}
    for name in ("test", "train+dev"):
        other, separate = one["also"][name], alone[name]
        assert other["split"] == name and "bm25_folded" not in other and "dense_only" not in other
        assert other == {k: v for k, v in separate.items() if k in other}, name
        assert set(separate) - set(other) == {"file", "index", "model_id", "n", "seconds_per_query", "bm25_folded",
                                              "dense_only"}
    assert one["also"]["test"]["project"]["overall"]["n"] < one["project"]["overall"]["n"]
    assert one["also"]["test"]["project"] != one["also"]["train+dev"]["project"]
    # the main report and its baselines are those of a run without --also-split
    skip = {"also", "seconds_per_query"}
    assert {k: v for k, v in one.items() if k not in skip} == {k: v for k, v in alone["all"].items() if k not in skip}


def test_also_split_is_checked_and_reaches_the_json(tmp_path: Path, mini_kb: Path) -> None:
    s = make_settings(tmp_path)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    env = _env(s.database_url, tmp_path)
    file = str(_file(tmp_path))
    bad = run_cli(["eval", file, "--json", "--also-split", "holdout"], env)
    assert bad.returncode == 2 and "--split must be" in bad.stdout + bad.stderr
    r = run_cli(["eval", file, "--json", "--no-baselines", "--also-split", "test"], env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["split"] == "all" and set(out["also"]) == {"test"} and out["also"]["test"]["split"] == "test"
    text = run_cli(["eval", file, "--no-baselines", "--also-split", "test"], env)
    assert text.returncode == 0 and "split=test (the same answers): overall n=" in text.stdout


def test_questions_only_leaves_out_the_ambiguous_questions_and_dialogues_beside_the_file(
        tmp_path: Path, mini_kb: Path) -> None:
    s = make_settings(tmp_path)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    file = _file(tmp_path)
    for name in ("ambiguous.jsonl", "dialogues.jsonl"):  # the domain set's own, beside this file
        (tmp_path / name).write_text((ROOT / "tests" / "eval" / name).read_text(encoding="utf-8"), encoding="utf-8")
    full = evaluate(s, file, baselines=False)
    assert full["ambiguous"]["n"] > 0 and full["dialogues"]["turns"] > 0
    only = evaluate(s, file, baselines=False, extras=False, also=("test",))
    assert "ambiguous" not in only and "dialogues" not in only and "ambiguous" not in only["also"]["test"]
    assert only["project"] == full["project"] and only["topics"] == full["topics"]
    env = _env(s.database_url, tmp_path)
    for flag, present in (([], True), (["--questions-only"], False)):
        r = run_cli(["eval", str(file), "--json", "--no-baselines", *flag], env)
        assert r.returncode == 0, r.stderr
        assert ("dialogues" in json.loads(r.stdout)) is present, flag
