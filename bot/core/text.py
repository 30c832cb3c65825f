"""Vietnamese text helpers that the core and the adapters share (standard library only)."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\u200b-\u200f\u2028\u2029\ufeff]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _FoldMap(dict[int, int | None]):
    """str.translate table, filled lazily: combining marks → removed, đ/Đ → d/D, anything else → itself
    (bounded: past 20,000 distinct characters new ones are looked up without being remembered)."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.combining(chr(code)) else code
        if len(self) < 20_000:
            self[code] = value
        return value


_FOLD_MAP = _FoldMap({ord("đ"): ord("d"), ord("Đ"): ord("D")})


def fold(text: str) -> str:
    """Remove tone marks and other diacritics ('Mật khẩu' -> 'Mat khau', 'đ' -> 'd')."""
    if text.isascii():  # most folded and unaccented text: nothing to do
        return text
    return unicodedata.normalize("NFD", text).translate(_FOLD_MAP)


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
