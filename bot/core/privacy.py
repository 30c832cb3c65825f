"""Personal-data redaction: the one place where citizens' identifiers are removed before storage.

Replaces with typed placeholders:

- `[CCCD]`  12-digit citizen ID numbers (also typed in groups: "001 203 004 567")
- `[CMND]`  9-digit old ID numbers
- `[SĐT]`   Vietnamese phone numbers: 0xx…, 84…, +84…, (+84)…, with spaces, dots or dashes; landlines 02xx
- `[OTP]`   one-time codes given in context ("mã OTP là 123456", "123456 là mã xác thực")
- `[MẬT KHẨU]` passwords given in context ("mật khẩu là …", "mk: …")
- `[THẺ]`   bank card numbers (13–19 digits, Luhn-valid)
- `[STK]`   bank account numbers in context ("stk", "số tài khoản", "tk ngân hàng" …)
- `[MÃ SỐ]` social-insurance, health-insurance and tax numbers in context ("mã số BHXH", "MST" …)
- `[EMAIL]` e-mail addresses

Context words match with and without tone marks (the text is folded to ASCII for matching, one
character for one character, so positions line up). Ordinary numbers are kept: money ("1.500.000
đồng", "100000000đ"), dates, years, procedure codes ("1.000028"), hotlines ("1900 1234"), quantities.
`redact` never raises and is idempotent (it runs to a fixed point). Pure standard library.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

PLACEHOLDERS = ("[CCCD]", "[CMND]", "[SĐT]", "[OTP]", "[MẬT KHẨU]", "[THẺ]", "[STK]", "[MÃ SỐ]", "[EMAIL]")
SENSITIVE = ("[OTP]", "[MẬT KHẨU]", "[CCCD]", "[CMND]", "[THẺ]")  # worth a "never share these" warning


def _fold(text: str) -> str:
    """Tone marks stripped and lower-cased, one character out for each character in."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[:1] or ch
        low = base.lower()
        out.append(low if len(low) == 1 else base)
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


# A number starts where no digit (or "digit." / "digit,", a decimal) is before it, and ends where no
# digit (or ".digit" / ",digit") follows.
_L = r"(?<![0-9])(?<![0-9][.,])"
_R = r"(?![0-9])(?![.,][0-9])"
_SEP = r"[ .\-]?"
_CURRENCY = re.compile(
    r"\s?(?:đ\b|đồng|dong\b|d\b|vn[dđ]|k\b|nghìn|nghin|ngàn|ngan\b(?!\s+hang)|triệu|trieu|tỷ|ty\b|tỉ|usd|\$|%)",
    re.IGNORECASE,
)
_MONEY = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+")
_DATE = re.compile(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1(?:19|20)[0-9]{2}")

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(_L + r"[0-9](?:[ \-]?[0-9]){12,18}" + _R)
_CARD_DOTS = re.compile(_L + r"[0-9]{4}(?:\.[0-9]{4}){3}(?:\.[0-9]{1,3})?" + _R)
_PHONE = re.compile(
    _L + r"(?:\(\s?\+?84\s?\)|\+\s?84|(?<!\+)84|0)" + _SEP + r"(?:\(0\)" + _SEP + r")?"
    r"(?:2" + _SEP + r"(?:[0-9]" + _SEP + r"){8}[0-9]|[1-9]" + _SEP + r"(?:[0-9]" + _SEP + r"){7}[0-9])" + _R
)
_ID12 = re.compile(_L + r"[0-9]{12}" + _R)
_ID12_GROUPED = re.compile(_L + r"0[0-9]{2}(?:[ .\-]?[0-9]){9}" + _R)
_ID9 = re.compile(_L + r"(?:[0-9]{9}|0[0-9]{2} [0-9]{3} [0-9]{3})" + _R)

# Context patterns run on the folded text.
_NUM = r"((?:[0-9][ .\-]?){%d,%d}[0-9])"
_OTP_WORDS = (r"otp|smart ?otp|ma xac (?:thuc|nhan|minh)|ma kich hoat|ma bao mat|ma giao dich|passcode|"
              r"ma pin|pin|verification code|code xac nhan|ma code|ma so xac thuc")
_OTP_CTX = re.compile(r"\b(?:" + _OTP_WORDS + r")\b[^0-9\n\[\]]{0,25}?" + _L + r"([0-9]{3} ?[0-9]{3}|[0-9]{4,8})" + _R)
_OTP_BEFORE = re.compile(_L + r"([0-9]{4,8})" + _R + r"\s*(?:la|:|-)?\s*(?:ma\s+)?(?:" + _OTP_WORDS + r")\b")
_PASS_WORDS = r"mat khau|mk|pass(?:word)?|mat ma|pw|pwd"
_PASS_CTX = re.compile(
    r"\b(?:" + _PASS_WORDS + r")\b(?:\s+(?:cua\s+(?:toi|em|minh|tui|tao|anh|chi|con|bac|co|chu|ong|ba)|moi|cu|"
    r"hien tai|dang nhap|vneid|ngan hang|tai khoan|app|ung dung|dang dung))*"
    r"\s*(?:la|:|=|-|la:|thi la|dat la|doi thanh|doi la|thanh|sang)\s*(\S+)"
)
_PASS_BARE = re.compile(r"\b(?:" + _PASS_WORDS + r")\s+(\S+)")
_PASS_SKIP = {
    "gi", "j", "sao", "nao", "bao", "the", "chu", "so", "day", "mot", "cai", "nhu", "gom", "phai", "co", "khong",
    "ko", "k", "bi", "da", "duoc", "dc", "can", "nen", "se", "moi", "cu", "dang", "roi", "ntn", "what", "is",
    "a", "an", "of", "ma", "bang", "va", "hay", "hoac", "nhieu", "it", "toi", "em", "minh", "cua",
}
_ACCOUNT_CTX = re.compile(
    r"\b(?:stk|so tk|so tai khoan|tai khoan(?: ngan hang)?|tk(?: ngan hang)?|account(?: number| no)?|acc)\b"
    r"[^0-9\n\[\]]{0,30}?" + _L + _NUM % (5, 19) + _R
)
_CODE_CTX = re.compile(
    r"\b(?:bhxh|bhyt|bao hiem xa hoi|bao hiem y te|ma so thue|mst|so so|ma so bhxh|the bhyt|so the bhyt)\b"
    r"[^0-9\n\[\]]{0,20}?(?<![0-9])([a-z]{0,3}[0-9](?:[ .\-]?[0-9]){7,14})" + _R
)


def _is_money(text: str, start: int, end: int) -> bool:
    """A number written or labelled as an amount of money (or a percentage), or a date."""
    s = text[start:end]
    return bool(_MONEY.fullmatch(s) or _DATE.fullmatch(s) or _CURRENCY.match(text, end))


def _digits(s: str) -> str:
    return re.sub(r"[^0-9]", "", s)


def _password_like(token: str) -> bool:
    core = token.strip(".,;!?)\"'")
    if not core or core.startswith("[") or core.lower() in _PASS_SKIP:
        return False
    has_digit = any(c.isdigit() for c in core)
    has_alpha = any(c.isalpha() for c in core)
    special = any(c in "@#$%^&*!~_+=" for c in core)
    return (len(core) >= 4 and has_digit and (has_alpha or len(core) >= 6)) or (special and len(core) >= 4)


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    folded = _fold(text)

    def add(start: int, end: int, tag: str) -> None:
        if start >= end:
            return
        for s, e, _ in spans:
            if start < e and s < end:
                return
        spans.append((start, end, tag))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "[EMAIL]")
    for m in _PASS_CTX.finditer(folded):
        token = text[m.start(1):m.end(1)]
        core = token.rstrip(".,;!?)\"'")
        if core and not core.startswith("[") and _fold(core) not in _PASS_SKIP and not \
                (core.isdigit() and len(core) <= 2):
            add(m.start(1), m.start(1) + len(core), "[MẬT KHẨU]")
    for m in _PASS_BARE.finditer(folded):
        token = text[m.start(1):m.end(1)]
        if _password_like(token):
            core = token.rstrip(".,;!?)\"'")
            add(m.start(1), m.start(1) + len(core), "[MẬT KHẨU]")
    for rx in (_OTP_CTX, _OTP_BEFORE):
        for m in rx.finditer(folded):
            if not _is_money(text, m.start(1), m.end(1)):
                add(m.start(1), m.end(1), "[OTP]")
    for rx in (_CARD, _CARD_DOTS):
        for m in rx.finditer(text):
            digits = _digits(m.group())
            if 13 <= len(digits) <= 19 and _luhn_ok(digits) and not _MONEY.fullmatch(m.group()):
                add(m.start(), m.end(), "[THẺ]")
    for m in _ACCOUNT_CTX.finditer(folded):
        if len(_digits(m.group(1))) >= 6 and not _is_money(text, m.start(1), m.end(1)):
            add(m.start(1), m.end(1), "[STK]")
    for m in _CODE_CTX.finditer(folded):
        if not _is_money(text, m.start(1), m.end(1)):
            add(m.start(1), m.end(1), "[MÃ SỐ]")
    for m in _ID12.finditer(text):
        add(m.start(), m.end(), "[CCCD]")
    for m in _ID12_GROUPED.finditer(text):
        if len(_digits(m.group())) == 12 and not _is_money(text, m.start(), m.end()):
            add(m.start(), m.end(), "[CCCD]")
    for m in _PHONE.finditer(text):  # no amount of money starts with 0 or +84: no currency check here
        add(m.start(), m.end(), "[SĐT]")
    for m in _ID9.finditer(text):
        if not _is_money(text, m.start(), m.end()):
            add(m.start(), m.end(), "[CMND]")
    return spans


def _redact_once(text: str) -> str:
    spans = _spans(text)
    if not spans:
        return text
    out, pos = [], 0
    for s, e, tag in sorted(spans):
        out.append(text[pos:s])
        out.append(tag)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def redact(text: str) -> str:
    """Return `text` (NFC) with personal data replaced by placeholders. Idempotent; never raises."""
    if not text:
        return text
    current = unicodedata.normalize("NFC", text)
    for _ in range(10):  # each pass removes digits or tokens, so this reaches a fixed point quickly
        nxt = _redact_once(current)
        if nxt == current:
            break
        current = nxt
    return current


def has_sensitive(redacted_text: str) -> bool:
    """True when redaction found an OTP, a password, an ID or a card number (warn the citizen)."""
    return any(tag in redacted_text for tag in SENSITIVE)


class RegexRedactor:
    """The default `Redactor`: regular expressions with Vietnamese context words."""

    def redact(self, text: str) -> str:
        return redact(text)


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record's message (arguments included) and traceback text,
    and masks configured secrets (bot tokens, webhook secrets). Install it on handlers, so records of
    every logger pass through it."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def _clean(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "[SECRET]")
        return redact(text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True
