"""When the bot asks back (core/answering/clarify.py): close guides of a short question, and guides a short
question does not tell apart because it names no service; never when it names one, never for long questions."""

from __future__ import annotations

from bot.core.answering.clarify import close_guides
from bot.core.types import Passage, QueryAnalysis, Retrieval


def _q(*tokens: str) -> QueryAnalysis:
    text = " ".join(t for t in tokens if "_" not in t)
    return QueryAnalysis(text, text, text, tokens, "unaccented", "vi")


def _p(doc_id: str, topic: str, score: float) -> Passage:
    return Passage(doc_id, f"{doc_id}#0", doc_id, "", "", "vi", topic, "guide", score)


GUIDES = (_p("vneid-quen-mat-khau", "vneid", 0.92), _p("tt-quen-mat-khau-ngan-hang", "payments", 0.70),
          _p("at-bao-mat-zalo", "safety", 0.62), _p("vneid-doi-mat-khau", "vneid", 0.55))


def ids(r: Retrieval, **kw: float) -> list[str]:
    return [p.doc_id for p in close_guides(r, margin=kw.get("margin", 0.05), max_words=8, wide=kw.get("wide", 0.35))]


def test_a_question_that_names_no_service_gets_the_guides_of_each_topic_to_choose_from() -> None:
    r = Retrieval(_q("quen", "mat", "khau", "quen_mat", "mat_khau"), GUIDES, confusable=("tt-quen-mat-khau-ngan-hang",))
    assert ids(r) == ["vneid-quen-mat-khau", "tt-quen-mat-khau-ngan-hang", "at-bao-mat-zalo"]
    assert ids(r, wide=0.25) == ["vneid-quen-mat-khau", "tt-quen-mat-khau-ngan-hang"]  # Zalo is 0.30 behind
    assert ids(r, margin=0) == ["vneid-quen-mat-khau"]  # margin 0 = never ask back


def test_a_question_that_names_the_service_is_answered_at_once() -> None:
    r = Retrieval(_q("quen", "mat", "khau", "vneid", "quen_mat", "mat_khau"), GUIDES)
    assert ids(r) == ["vneid-quen-mat-khau"]
    bank = Retrieval(_q("quen", "mat", "khau", "ngan", "hang", "ngan_hang"), GUIDES)
    assert ids(bank) == ["vneid-quen-mat-khau"]  # names the bank's topic: not ambiguous (ranking's job)


def test_guides_of_one_topic_are_offered_only_when_no_title_word_tells_them_apart() -> None:
    same = (_p("dvc-bhyt", "dichvucong", 0.9), _p("dvc-bhyt-het-han", "dichvucong", 0.7))
    apart = Retrieval(_q("the", "het", "han"), same)  # "het han" is in the second title only: not confusable
    assert ids(apart) == ["dvc-bhyt"]
    alike = Retrieval(_q("bao", "hiem"), same, confusable=("dvc-bhyt-het-han",))
    assert ids(alike) == ["dvc-bhyt", "dvc-bhyt-het-han"]


def test_a_long_question_is_not_asked_back_unless_its_guides_are_equal_and_alike() -> None:
    long = _q(*["toi", "quen", "mat", "khau", "roi", "bay", "gio", "phai", "lam", "the", "nao", "moi", "duoc"])
    assert ids(Retrieval(long, GUIDES)) == ["vneid-quen-mat-khau"]
    tie = (_p("dvc-thuong-tru", "dichvucong", 0.80), _p("dvc-tam-tru", "dichvucong", 0.79))
    assert ids(Retrieval(long, tie, confusable=("dvc-tam-tru",))) == ["dvc-thuong-tru", "dvc-tam-tru"]
    assert ids(Retrieval(long, tie)) == ["dvc-thuong-tru"]
