"""The texts catalogue (bot/core/texts/): every key in both languages with the same placeholders, one lookup,
the province from the caller, and no sentence for users written elsewhere in the hand-off code."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.core.texts import LANGS, TEXTS, t
from tests.conftest import ROOT

VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]", re.IGNORECASE)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key_with_the_same_placeholders() -> None:
    assert LANGS == ("vi", "en")
    assert set(TEXTS["vi"]) == set(TEXTS["en"])
    differ = {k: (placeholders(v), placeholders(TEXTS["en"][k])) for k, v in TEXTS["vi"].items()
              if placeholders(v) != placeholders(TEXTS["en"][k])}
    assert differ == {}
    assert all(v.strip() for lang in LANGS for v in TEXTS[lang].values())


def test_lookup_falls_back_to_vietnamese_and_fills_placeholders() -> None:
    assert t("vi", "tk_opened", id=3, where="của tỉnh").startswith("Tôi đã gửi yêu cầu của bạn (phiếu số 3)")
    assert t("fr", "btn_menu") == t("vi", "btn_menu") == "Danh mục"
    with pytest.raises(KeyError):
        t("vi", "no_such_key")


def test_the_province_comes_from_the_caller() -> None:
    assert "Tuyên Quang" not in TEXTS["vi"]["greeting"] and "{province}" in TEXTS["vi"]["greeting"]
    assert "tỉnh Hà Giang" in t("vi", "greeting", province="Hà Giang")
    assert "Hà Giang province" in t("en", "greeting", province="Hà Giang")


HANDOFF_CODE = [*sorted((ROOT / "bot/core/handoff").glob("*.py")), *sorted((ROOT / "bot/core/helpdesk").glob("*.py")),
                ROOT / "bot/storage/tickets.py", ROOT / "bot/storage/ticket_proposals.py",
                ROOT / "bot/storage/helpdesk.py", ROOT / "bot/storage/helpdesk_files.py"]


def _literals(path: Path) -> list[str]:
    """The string constants of a module, its docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


@pytest.mark.parametrize("path", HANDOFF_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_vietnamese_sentence_outside_the_catalogue(path: Path) -> None:
    assert [s for s in _literals(path) if VIETNAMESE.search(s)] == []
