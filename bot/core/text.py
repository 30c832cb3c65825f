"""Vietnamese text helpers that the core and the adapters share (standard library only)."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\w+", re.UNICODE)
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u200b-\u200f\u2028\u2029\ufeff]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Remove tone marks and other diacritics ('Mật khẩu' -> 'Mat khau', 'đ' -> 'd')."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (Vietnamese syllables, numbers, Latin words)."""
    return _TOKEN.findall(nfc(text).lower())


def has_tone_marks(text: str) -> bool:
    """True when the text contains Vietnamese diacritics (including đ)."""
    return any(fold(ch) != ch for ch in nfc(text) if ch.isalpha())


def clean(text: str) -> str:
    """NFC, control characters removed, whitespace collapsed."""
    text = _CONTROL.sub(" ", nfc(text))
    return re.sub(r"\s+", " ", text).strip()


def letter_ratio(text: str) -> float:
    """Share of non-space characters that are letters: near 0 for binary junk or symbols."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if c.isalpha()) / len(chars)
