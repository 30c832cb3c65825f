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

The text is first normalised (`normalise`): NFKC (full-width digits become ASCII), every other
Unicode decimal digit (Arabic-Indic ٠١٢, Devanagari …) becomes its ASCII digit, invisible format
characters (zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls) are removed, so
"0912\u200b345678" or "０９１２…" cannot slip through. Context words match with and without tone
marks (the text is folded to ASCII for matching, one character for one character, so positions line up)
and only as whole words ("là" is not the start of "làm"). Without a keyword, a lone 6–8 digit number is
taken for a one-time code and a lone 10–11 or 13–19 digit one for an account number (unless it is an
amount: a currency word after it, or a round number ending in 000). OTPs typed spaced or dotted after a
keyword ("4 8 2 9 1 5", "48.29.15") are found. `redact_continuation` finds a number split across two
messages from the stored (already redacted) previous message.

Ordinary numbers are kept: money ("1.500.000 đồng", "50k", "100000000đ"), dates, years, times,
percentages, procedure codes ("1.001234.000.00.00.H12"), commune and postal codes (≤ 5 digits), public
hotlines (111, 113, 114, 115, 1900xxxx, 1800xxxx: not personal data), version numbers, vehicle plates
("22A-123.45": kept — a plate identifies a vehicle, it is not a secret the bot asks for, and citizens
ask about fines by plate). `redact` never raises and is idempotent (it runs to a fixed point). Pure
standard library.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

PLACEHOLDERS = ("[CCCD]", "[CMND]", "[SĐT]", "[OTP]", "[MẬT KHẨU]", "[THẺ]", "[STK]", "[MÃ SỐ]", "[EMAIL]")
SENSITIVE = ("[OTP]", "[MẬT KHẨU]", "[CCCD]", "[CMND]", "[THẺ]")  # worth a "never share these" warning


_KEEP_CONTROLS = "\n\t\r"


def normalise(text: str) -> str:
    """NFKC, ASCII digits, no invisible characters: the form that is matched and stored.

    A zero-width joiner between two symbols (an emoji sequence such as 👨‍👩‍👧) is kept; everywhere else
    format characters (category Cf) are dropped, and so are control characters other than newline/tab and
    combining marks put on a digit."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat == "Nd":
            out.append(ch if "0" <= ch <= "9" else str(unicodedata.decimal(ch, 0)))
        elif cat == "Cf":
            if ch == "\u200d" and 0 < i < n - 1 and _symbol(text[i - 1]) and _symbol(text[i + 1]):
                out.append(ch)
        elif cat == "Cc":
            if ch in _KEEP_CONTROLS:
                out.append(ch)
        elif cat.startswith("M") and out and "0" <= out[-1] <= "9":
            continue
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _symbol(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk", "Mn", "Me") or ch == "\ufe0f"


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
_OTP_CTX = re.compile(r"\b(?:" + _OTP_WORDS + r")\b[^0-9\n\[\]]{0,25}?" + _L + r"([0-9](?:[ .\-]?[0-9]){3,11})" + _R)
_OTP_BEFORE = re.compile(_L + r"([0-9]{4,8})" + _R + r"\s*(?:la|:|-)?\s*(?:ma\s+)?(?:" + _OTP_WORDS + r")\b")
_PASS_WORDS = r"mat khau|mk|pass(?:word)?|mat ma|pw|pwd"
_PASS_CTX = re.compile(
    r"\b(?:" + _PASS_WORDS + r")\b(?:\s+(?:cua\s+(?:toi|em|minh|tui|tao|anh|chi|con|bac|co|chu|ong|ba)|moi|cu|"
    r"hien tai|dang nhap|vneid|ngan hang|tai khoan|app|ung dung|dang dung))*"
    r"\s*(?:(?:thi la|dat la|doi thanh|doi la|thanh|sang|la|is)\b:?|[:=\-])\s*(\S+)"
)
# one Vietnamese syllable written in plain letters ("ngày", "số", "gì"): a word of the question, not a
# password ("mật khẩu là ngày sinh à?"); passwords have digits, symbols or run syllables together
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")
_ENGLISH_WORDS = {"the", "same", "wrong", "incorrect", "correct", "forgotten", "required", "needed", "expired",
                  "invalid", "how", "what", "which", "too", "not", "my", "your", "mine", "it", "this", "that",
                  "changed", "reset", "lost", "locked", "ok", "okay"}
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


# no keyword: a lone run of digits of the lengths of one-time codes and account numbers
_BARE = re.compile(r"(?<![0-9A-Za-z/_\-])(?<![0-9][.,])([0-9]{6,8}|[0-9]{10,11}|[0-9]{13,19})(?![0-9A-Za-z/_])(?![.,][0-9])")
_BARE_SKIP = re.compile(r"\b(?:ma buu chinh|buu chinh|postal|zip|ma ho so|so ho so|ho so so|cong van|quyet dinh|"
                        r"van ban|so hieu|ma thu tuc|ma xa|ma don vi|ma so doanh nghiep|so seri|serial|imei|"
                        r"phien ban|version|hoa don|so don|don hang|ma don|ma van don|van don)\b[^0-9\n]{0,12}$")
_PUBLIC_NUMBER = re.compile(r"1[89]00[0-9]{2,6}|11[1-5]")  # hotlines, emergency numbers
# a start of a number after an identity/phone word (a number split across two messages): 4+ digits (a
# 3-digit one is the province code of an ID card, "008")
_PARTIAL_CTX = re.compile(
    r"\b(?:(cccd|can cuoc|cmnd|chung minh(?: thu| nhan dan)?|dinh danh|so giay to)|"
    r"(sdt|so dien thoai|dien thoai|so dt|so phone|zalo))\b"
    r"(?:\s+(?:cua\s+\w+|moi|cu|la|:))*[\s:=\-]*" + _L + r"([0-9](?:[ .\-]?[0-9]){3,})" + _R
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DATE8 = re.compile(r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])(?:19|20)[0-9]{2}")  # 01011990: a date
# one digit at a time: "0 9 1 2 3 4 5 6 7 8", "0 0 1 2 0 3 0 0 4 5 6 7"
_SPACED_DIGITS = re.compile(r"(?<![0-9])[0-9](?: [0-9]){8,18}(?![0-9])")


def _is_money(text: str, start: int, end: int) -> bool:
    """A number written or labelled as an amount of money (or a percentage), or a date."""
    s = text[start:end]
    return bool(_MONEY.fullmatch(s) or _DATE.fullmatch(s) or _CURRENCY.match(text, end))


def _digits(s: str) -> str:
    return re.sub(r"[^0-9]", "", s)


def _plain_word(token: str) -> bool:
    core = _fold(token.strip(".,;!?)\"'")).lower()
    return core.isalpha() and core.isascii() and (core in _ENGLISH_WORDS or bool(_SYLLABLE.fullmatch(core)))


def _otp_length(s: str) -> int:
    """How much of a digit run with separators after an OTP keyword is the code: all of it when written
    in equal groups with one separator ("482 915", "48.29.15", "4 8 2 9 1 5") and 4–8 digits long, else
    its first group when that has 4–8 digits (0: not a code)."""
    groups = re.split(r"([ .\-])", s)
    parts, seps = groups[0::2], set(groups[1::2])
    digits = sum(len(g) for g in parts)
    if len(parts) == 1:
        return len(s) if 4 <= len(s) <= 8 else 0
    if len(seps) == 1 and 4 <= digits <= 8 and len({len(g) for g in parts[:-1]}) == 1 \
            and len(parts[-1]) <= len(parts[0]) and len(parts[0]) <= 3:
        return len(s)
    if len(parts) == 2 and len(parts[0]) == 3 and len(parts[1]) == 3:
        return len(s)
    return len(parts[0]) if 4 <= len(parts[0]) <= 8 else 0


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
    for m in _SPACED_DIGITS.finditer(text):
        d = _digits(m.group())
        if d in "01234567890123456789" or d in "98765432109876543210":  # counting, not a number
            continue
        add(m.start(), m.end(), "[CMND]" if len(d) == 9 else "[SĐT]" if len(d) in (10, 11) and d[0] == "0"
            else "[CCCD]" if len(d) == 12 else "[THẺ]" if _luhn_ok(d) and len(d) >= 13 else "[STK]")
    for m in _PASS_CTX.finditer(folded):
        token = text[m.start(1):m.end(1)]
        core = token.rstrip(".,;!?)\"'")
        if core and not core.startswith("[") and _fold(core).lower() not in _PASS_SKIP and not \
                (core.isdigit() and len(core) <= 2) and not _plain_word(core):
            add(m.start(1), m.start(1) + len(core), "[MẬT KHẨU]")
    for m in _PASS_BARE.finditer(folded):
        token = text[m.start(1):m.end(1)]
        if _password_like(token):
            core = token.rstrip(".,;!?)\"'")
            add(m.start(1), m.start(1) + len(core), "[MẬT KHẨU]")
    for m in _OTP_CTX.finditer(folded):
        end = m.start(1) + _otp_length(m.group(1))
        if end > m.start(1) and not _is_money(text, m.start(1), end):
            add(m.start(1), end, "[OTP]")
    for m in _OTP_BEFORE.finditer(folded):
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
    for m in _PARTIAL_CTX.finditer(folded):
        num = m.group(3)
        if _YEAR.fullmatch(num) or _PUBLIC_NUMBER.fullmatch(_digits(num)) or _is_money(text, m.start(3), m.end(3)):
            continue
        add(m.start(3), m.end(3), "[CCCD]" if m.group(1) else "[SĐT]")
    for m in _BARE.finditer(text):
        num = m.group(1)
        if _PUBLIC_NUMBER.fullmatch(num) or _DATE8.fullmatch(num) or _is_money(text, m.start(1), m.end(1)) or \
                (num.endswith("000") and len(num) <= 11) or _BARE_SKIP.search(folded, 0, m.start(1)):
            continue
        add(m.start(1), m.end(1), "[OTP]" if len(num) <= 8 else "[STK]")
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
    """Return `text` (normalised: see `normalise`) with personal data replaced by placeholders. Idempotent; never raises."""
    if not text:
        return text
    current = normalise(text)
    for _ in range(10):  # each pass removes digits or tokens, so this reaches a fixed point quickly
        nxt = _redact_once(current)
        if nxt == current:
            break
        current = nxt
    return current


_NUMBER_TAGS = ("[CCCD]", "[CMND]", "[SĐT]", "[OTP]", "[THẺ]", "[STK]", "[MÃ SỐ]")
_LEAD = re.compile(r"\s*([0-9](?:[ .\-]?[0-9])*)(?![0-9])")
_TAIL = re.compile(r"(?:(?<![0-9A-Za-z])([0-9](?:[ .\-]?[0-9])*)|(\[[^\[\]]{2,10}\]))[\s.,;:!?…-]*$")


def redact_continuation(previous: str, text: str) -> tuple[str, str]:
    """A number split across two messages ("sdt em la 0912 345" then "678"): `previous` is the stored,
    already redacted text of the person's previous message, `text` the new message, already redacted.
    Returns (previous, text) with the pieces replaced: when `previous` ended with a redacted number the
    new message's leading digits (3 or more) continue it; when it ended with digits that, joined to the
    leading digits, make a phone, ID, card or account number, both pieces become that placeholder. The
    raw digits of a message are never needed: only what was stored (redacted) is read."""
    lead = _LEAD.match(text)
    if lead is None or not previous:
        return previous, text
    tail = _TAIL.search(previous)
    if tail is None:
        return previous, text
    lead_digits = _digits(lead.group(1))
    if tail.group(2):
        if tail.group(2) not in _NUMBER_TAGS or len(lead_digits) < 3:
            return previous, text
        return previous, text[:lead.start(1)] + tail.group(2) + text[lead.end(1):]
    joined = _digits(tail.group(1)) + lead_digits
    if len(joined) < 9 or len(lead_digits) < 2:
        return previous, text
    tag = redact(joined)
    if tag not in ("[CCCD]", "[CMND]", "[SĐT]", "[THẺ]", "[STK]"):
        return previous, text
    return (previous[:tail.start(1)] + tag + previous[tail.end(1):],
            text[:lead.start(1)] + tag + text[lead.end(1):])


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


class AlreadyRedacted:
    """The `Redactor` behind the message edge (bot.runtime.processor): the text was redacted as it entered."""

    def redact(self, text: str) -> str:
        return text
