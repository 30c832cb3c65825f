"""Personal-data redaction: the one place where citizens' identifiers are removed before storage.

Replaces ID card numbers, phone numbers, OTP codes and passwords given in context, bank card numbers
(Luhn-valid), bank account numbers in context and e-mail addresses with typed placeholders. Works with
and without tone marks in the surrounding words. Pure standard library so the core can use it.
"""

from __future__ import annotations

import re
import unicodedata

PLACEHOLDERS = ("[CCCD]", "[CMND]", "[SĐT]", "[OTP]", "[MẬT KHẨU]", "[THẺ]", "[STK]", "[EMAIL]")


def _fold(text: str) -> str:
    """Strip tone marks but keep string length (one char in, one char out)."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d" if ch == "đ" else "D")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_SEP = r"[ .\-]?"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d.])(?:\d" + _SEP + r"){12,18}\d(?![\d])")
_PHONE = re.compile(r"(?<![\d.])(?:\+84|84|0)" + _SEP + r"(?:\d" + _SEP + r"){8}\d(?!\d)")
_ID12 = re.compile(r"(?<![\d.])\d{12}(?!\d)")
_ID9 = re.compile(r"(?<![\d.])\d{9}(?!\d)")
# Context words are matched on the accent-folded, lower-cased text.
_OTP_CTX = re.compile(r"\b(?:otp|ma xac (?:thuc|nhan)|ma kich hoat|passcode|ma pin|pin)\b[^\d\n]{0,20}(\d{4,8})\b")
_PASS_CTX = re.compile(r"\b(?:mat khau|mk|pass(?:word)?|mat ma)\b\s*(?:cua \w+\s*)?(?:la|:|=|moi la|la:)\s*(\S+)")
_ACCOUNT_CTX = re.compile(
    r"\b(?:stk|so tai khoan|tai khoan(?: ngan hang)?|tk)\b[^\d\n]{0,20}((?:\d[ .\-]?){5,19}\d)\b"
)


def redact(text: str) -> str:
    """Return `text` with personal data replaced by placeholders. Idempotent; never raises."""
    if not text:
        return text
    spans: list[tuple[int, int, str]] = []
    folded = _fold(text).lower()

    def add(start: int, end: int, tag: str) -> None:
        for s, e, _ in spans:
            if start < e and s < end:
                return
        spans.append((start, end, tag))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "[EMAIL]")
    for m in _PASS_CTX.finditer(folded):
        token = text[m.start(1):m.end(1)]
        if not token.startswith("[") and token.lower() not in {"gi", "gì", "sao", "nao", "nào", "bao"}:
            add(m.start(1), m.end(1), "[MẬT KHẨU]")
    for m in _OTP_CTX.finditer(folded):
        add(m.start(1), m.end(1), "[OTP]")
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits) and not _ID12.fullmatch(digits):
            add(m.start(), m.end(), "[THẺ]")
    for m in _ACCOUNT_CTX.finditer(folded):
        add(m.start(1), m.end(1), "[STK]")
    for m in _ID12.finditer(text):
        add(m.start(), m.end(), "[CCCD]")
    for m in _PHONE.finditer(text):
        add(m.start(), m.end(), "[SĐT]")
    for m in _ID9.finditer(text):
        add(m.start(), m.end(), "[CMND]")
    if not spans:
        return text
    out, pos = [], 0
    for s, e, tag in sorted(spans):
        out.append(text[pos:s])
        out.append(tag)
        pos = e
    out.append(text[pos:])
    return "".join(out)


class RegexRedactor:
    """The default `Redactor`: regular expressions with Vietnamese context words."""

    def redact(self, text: str) -> str:
        return redact(text)
