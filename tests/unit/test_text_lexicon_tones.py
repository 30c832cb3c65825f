from pathlib import Path

import pytest

from bot.core.text import fold, has_tone_marks, tokens
from bot.retrieval.analyzer import QueryAnalyzer, is_english, lexical_tokens
from bot.retrieval.lexicon import LexiconError, load_lexicon
from bot.retrieval.tones import ToneModel

ROOT = Path(__file__).resolve().parents[2]


def test_fold_and_tokens() -> None:
    assert fold("Quên Mật Khẩu Đăng Nhập") == "Quen Mat Khau Dang Nhap"
    assert tokens("VNeID: quên  mật-khẩu?") == ["vneid", "quên", "mật", "khẩu"]
    assert has_tone_marks("đăng ký") and not has_tone_marks("dang ky")
    assert lexical_tokens(["mật", "khẩu"]) == ["mat", "khau", "mat_khau"]


def test_fold_drops_every_combining_mark_and_keeps_every_other_character() -> None:
    import unicodedata

    def reference(text: str) -> str:  # the definition: NFD, combining marks removed, đ/Đ → d/D
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

    every = "".join(chr(c) for c in range(0x20, 0x110000) if not 0xD800 <= c < 0xE000)
    assert fold(every) == reference(every)
    assert fold("ĐƯỜNG dây nóng 113") == "DUONG day nong 113" and fold("ascii only") == "ascii only"


def test_tone_restoration_picks_the_first_best_path_like_a_plain_viterbi() -> None:
    import itertools
    import math

    m = ToneModel.fit(["quên mật khẩu", "quen biết", "mật ong", "khẩu trang", "mất khẩu"])

    def brute(words: list[str]) -> list[str]:  # every path scored with _logp; the first best wins
        options = [m.candidates.get(w, [w]) or [w] for w in words]
        best, best_path = -math.inf, []
        for path in itertools.product(*options):
            score = sum(m._logp(prev, w) for prev, w in zip(("<s>", *path), path, strict=False))
            if score > best + 1e-12:
                best, best_path = score, list(path)
        return best_path

    for q in ("quen mat khau", "mat khau", "quen", "khau trang mat ong"):
        assert m.restore_tokens(q.split()) == brute(q.split()), q


def test_bundled_lexicon_loads_and_has_at_least_150_entries() -> None:
    lex = load_lexicon(ROOT / "knowledge" / "lexicon")
    assert lex.size >= 150
    assert lex.apply(["ko", "dc"]) == ["không", "được"]
    assert lex.apply(["mk"]) == ["mật", "khẩu"]


def test_expansion_only_when_the_knowledge_base_lacks_the_short_form(tmp_path: Path) -> None:
    (tmp_path / "abbreviations.tsv").write_text("abbr\texpansion\tmode\tnote\ngplx\tgiấy phép lái xe\texpand\tx\n")
    lex = load_lexicon(tmp_path)
    assert lex.apply(["gplx"]) == ["gplx", "giấy", "phép", "lái", "xe"]
    assert lex.apply(["gplx"], known={"gplx"}) == ["gplx"]


def test_malformed_lexicon_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "abbreviations.tsv").write_text("abbr\texpansion\tmode\nko\tkhông\tsometimes\n")
    with pytest.raises(LexiconError, match=r"abbreviations.tsv:2"):
        load_lexicon(tmp_path)


def test_tone_restoration_learns_from_the_corpus() -> None:
    corpus = ["Quên mật khẩu VNeID thì làm sao.", "Bạn quên mật khẩu thì bấm quên mật khẩu.",
              "Mất điện thoại thì khóa tài khoản.", "Mật khẩu phải có chữ hoa."] * 3
    m = ToneModel.fit(corpus)
    assert m.restore("quen mat khau thi lam sao") == "quên mật khẩu thì làm sao"
    assert m.restore("mat dien thoai") == "mất điện thoại"
    assert m.restore("zzz mat khau") == "zzz mật khẩu"  # unknown words pass through


def test_english_detection() -> None:
    assert is_english(tokens("how do I reset my password"), "how do I reset my password")
    assert not is_english(tokens("lam sao de doi mat khau"), "lam sao de doi mat khau")
    assert not is_english(tokens("quên mật khẩu"), "quên mật khẩu")


def test_analyzer_restores_expands_and_folds() -> None:
    lex = load_lexicon(ROOT / "knowledge" / "lexicon")
    tones = ToneModel.fit(["Không đăng nhập được VNeID vì quên mật khẩu."] * 3)
    q = QueryAnalyzer(lex, tones, vocabulary=frozenset({"vneid"})).analyze("ko dang nhap dc vneid vi quen mk")
    assert q.kind == "unaccented" and q.lang == "vi"
    assert q.restored.startswith("không đăng nhập được vneid vì quên mật khẩu")
    assert "mat_khau" in q.folded_tokens
