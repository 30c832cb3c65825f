"""The ingest pipeline on SQLite and PostgreSQL with the fake embedder: incremental, atomic, strict."""

from pathlib import Path

import pytest

from bot.bootstrap import build_answer_service, ingest, load_live_index
from bot.retrieval.embedders import FakeEmbedder
from bot.retrieval.index_store import IndexMismatch, current_build, load_index
from ingest.pipeline import IngestFailed
from tests.conftest import make_settings


def test_incremental_ingest_embeds_only_what_changed(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    emb = FakeEmbedder()
    first = ingest(s, embedder=emb, paths=[mini_kb])
    assert first.added == 7 and first.embedded == first.chunks > 0 and not first.errors
    second = ingest(s, embedder=emb, paths=[mini_kb])
    assert (second.added, second.changed, second.unchanged, second.embedded) == (0, 0, 7, 0)

    guide = mini_kb / "guides" / "payments" / "chuyen-nham.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("Chụp lại", "Chụp ngay"), encoding="utf-8")
    third = ingest(s, embedder=emb, paths=[mini_kb])
    assert third.changed == 1 and third.embedded == 1

    (mini_kb / "guides" / "vneid" / "muc-2.md").unlink()
    fourth = ingest(s, embedder=emb, paths=[mini_kb])
    assert fourth.removed == 1
    idx = load_index(s.path(s.index.dir), expected_model_id=emb.model_id)
    assert "test-vneid-muc-2" not in {c.doc_id for c in idx.chunks}
    assert idx.manifest["counts"]["documents"] == 6 and idx.manifest["model_id"] == emb.model_id


def test_broken_file_is_skipped_or_fails_leaving_the_index_intact(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    emb = FakeEmbedder()
    ingest(s, embedder=emb, paths=[mini_kb])
    live = current_build(s.path(s.index.dir))
    (mini_kb / "guides" / "vneid" / "broken.md").write_text("---\nid: [x\n---\nbody\n", encoding="utf-8")
    with pytest.raises(IngestFailed) as exc:
        ingest(s, embedder=emb, paths=[mini_kb], on_error="fail")
    assert "broken.md" in str(exc.value)
    assert current_build(s.path(s.index.dir)) == live
    skipped = ingest(s, embedder=emb, paths=[mini_kb], on_error="skip")
    assert len(skipped.errors) == 1 and "broken.md" in skipped.errors[0] and skipped.documents == 7


def test_failure_while_embedding_leaves_index_and_database_unchanged(tmp_path: Path, db_url: str,
                                                                     mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    live = current_build(s.path(s.index.dir))

    class Exploding(FakeEmbedder):
        def embed_passages(self, texts):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed")

    guide = mini_kb / "guides" / "payments" / "chuyen-nham.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nThêm dòng.\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        ingest(s, embedder=Exploding(), paths=[mini_kb])
    assert current_build(s.path(s.index.dir)) == live
    again = ingest(s, embedder=FakeEmbedder(), paths=[mini_kb])
    assert again.changed == 1  # the failed run did not record the change


def test_index_built_with_another_model_is_refused(tmp_path: Path, mini_kb: Path) -> None:
    s = make_settings(tmp_path)
    ingest(s, embedder=FakeEmbedder(dim=32), paths=[mini_kb])
    with pytest.raises(IndexMismatch, match="fake/hash-32"):
        load_live_index(s, FakeEmbedder(dim=64), s.path(s.index.dir))


def test_answers_come_from_the_index_with_sources(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    s = make_settings(tmp_path, db_url=db_url)
    emb = FakeEmbedder()
    ingest(s, embedder=emb, paths=[mini_kb])
    svc = build_answer_service(s, embedder=emb, index=load_live_index(s, emb, s.path(s.index.dir)))
    a = svc.answer("chuyen khoan nham thi lam gi")
    assert a.sources[0].doc_id == "test-tt-chuyen-nham"
    assert a.sources[0].url == "https://sbv.gov.vn"


def test_a_document_without_a_head_is_neither_lifted_nor_lowered_by_the_head_field(
        tmp_path: Path, mini_kb: Path) -> None:
    """Guides have a head (title, `questions`, summary) scored as its own field. A FAQ answer whose question
    is withheld has only a title cut from its own opening: it gets the same score with or without the head
    field, so curated guides beside it do not push it down for lacking one (bench/faq_retrieval.py)."""
    import json
    import shutil

    from bot.bootstrap import build_retriever

    kb = tmp_path / "kb-with-portal-faq"
    shutil.copytree(mini_kb, kb)
    answer = ("Công dân nộp hồ sơ cấp phiếu lý lịch tư pháp trực tuyến trên Cổng dịch vụ công, chọn nơi nhận "
              "kết quả và thanh toán lệ phí bằng thẻ ngân hàng hoặc ví điện tử; kết quả trả qua bưu điện.")
    (kb / "faq" / "portal.jsonl").write_text(json.dumps(
        {"id": "faq-lltp", "question": "", "answer": answer, "url": "https://dichvucong.gov.vn/p/home/x.html",
         "topic": "dichvucong"}, ensure_ascii=False) + "\n", encoding="utf-8")
    scores = {}
    for weight in ("0", "0.3"):
        s = make_settings(tmp_path / weight, BINHDAN_RETRIEVAL__TITLE_WEIGHT=weight)
        emb = FakeEmbedder()
        ingest(s, embedder=emb, paths=[kb])
        r = build_retriever(s, emb, index=load_live_index(s, emb, s.path(s.index.dir)))
        question = "thanh toán lệ phí bằng ví điện tử, kết quả trả qua bưu điện"  # words of the answer's tail
        scores[weight] = {p.doc_id: p.score for p in r.retrieve(question, limit=10).passages}
    assert "faq-lltp" in scores["0"]
    assert scores["0.3"]["faq-lltp"] == pytest.approx(scores["0"]["faq-lltp"])
    headed = [d for d in scores["0"] if d != "faq-lltp" and d in scores["0.3"]]
    assert any(scores["0.3"][d] != pytest.approx(scores["0"][d]) for d in headed)  # the field does act on guides


def test_phrasings_are_indexed_as_head_vectors_and_portal_answers_are_labelled(tmp_path: Path, mini_kb: Path) -> None:
    """A guide's title and `questions` and a portal FAQ's question get their own vector (question-to-question
    similarity, `retrieval.head_dense`); a FAQ answer without its question gets none. An answer from a portal
    FAQ or procedure record says so ("Thông tin từ Cổng Dịch vụ công", issue 19 item 6); a guide's does not."""
    from bot.bootstrap import build_retriever

    question = "Gia hạn thẻ bảo hiểm y tế hộ gia đình ở đâu?"
    found = {}
    for share in ("0", "1"):
        s = make_settings(tmp_path / share, BINHDAN_RETRIEVAL__HEAD_DENSE=share, BINHDAN_ANSWER__THRESHOLD="0")
        emb = FakeEmbedder()
        summary = ingest(s, embedder=emb, paths=[mini_kb])
        idx = load_live_index(s, emb, s.path(s.index.dir))
        assert summary.heads == len(idx.head_docs) == len(idx.heads) > 0
        assert "faq-bhyt-1" in idx.head_docs and "faq-gplx-1" not in idx.head_docs
        assert idx.head_docs.count("test-vneid-quen-mat-khau") >= 2  # its title and its questions
        assert ingest(s, embedder=emb, paths=[mini_kb]).heads_embedded == 0  # cached like the chunks
        top = build_retriever(s, emb, index=idx).retrieve(question, limit=3).passages[0]
        found[share] = top
        svc = build_answer_service(s, embedder=emb, index=idx)
        a = svc.answer(question)
        assert a.sources[0].doc_id == "faq-bhyt-1" and a.kind == "portal"
        assert a.text.startswith("Thông tin từ Cổng Dịch vụ công:\n")
        g = svc.answer("chuyen khoan nham thi lam gi")
        assert g.sources[0].doc_id == "test-tt-chuyen-nham" and g.kind == "" and "Cổng Dịch vụ công:" not in g.text
    assert found["0"].doc_id == found["1"].doc_id == "faq-bhyt-1"
    assert found["1"].dense == pytest.approx(found["0"].dense)  # shown (and calibrated) as the chunk's own


def test_the_best_similarity_to_a_phrasing_is_a_calibration_feature(tmp_path: Path, mini_kb: Path) -> None:
    """`Retrieval.head_sim` (issue 19, answers4): the question's best similarity to any guide's title or `questions`
    (head vectors), whether or not it lifts the ranking (`head_dense` 0), and the last feature of the calibration."""
    import numpy as np

    from bot.bootstrap import build_retriever
    from bot.core.answering.service import features

    s = make_settings(tmp_path, BINHDAN_RETRIEVAL__HEAD_DENSE="0")
    emb = FakeEmbedder()
    ingest(s, embedder=emb, paths=[mini_kb])
    idx = load_live_index(s, emb, s.path(s.index.dir))
    retriever = build_retriever(s, emb, index=idx)
    for question in ("Quên mật khẩu VNeID phải làm sao?", "giá vàng hôm nay bao nhiêu"):
        r = retriever.retrieve(question, limit=3)
        qv = emb.embed_queries([r.query.restored])[0]
        assert r.head_sim == pytest.approx(float(np.max(idx.heads @ qv)), abs=1e-5)
        assert features(r)[-1] == r.head_sim
    phrased = retriever.retrieve("Quên mật khẩu VNeID phải làm sao?", limit=3)  # one of the guide's `questions`
    assert phrased.head_sim > retriever.retrieve("giá vàng hôm nay bao nhiêu", limit=3).head_sim
