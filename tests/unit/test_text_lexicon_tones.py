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
