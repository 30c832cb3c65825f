"""Text for a speech synthesiser: what an answer says, written the way it is read aloud in Vietnamese.

`speakable(text)` turns an answer (Markdown-ish, with acronyms, phone numbers, dates, amounts and web
addresses) into plain words that espeak-ng's Vietnamese voices read correctly:
"CCCD" → "căn cước công dân", "1900 0368" → "một chín không không, không ba sáu tám",
"15/8/2025" → "ngày mười lăm tháng tám năm hai nghìn không trăm hai mươi lăm",
"50.000 đồng" → "năm mươi nghìn đồng", "https://dichvucong.gov.vn/…" → "địa chỉ dịch vụ công chấm gờ o vê
chấm vê en". Pure: standard library only.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# Acronyms and Latin-letter words as a Vietnamese speaker says them (case-sensitive keys first, then any case).
ACRONYMS: dict[str, str] = {
    "CCCD": "căn cước công dân", "CMND": "chứng minh nhân dân", "CMT": "chứng minh thư",
    "VNeID": "vê en e ai đi", "VNEID": "vê en e ai đi", "OTP": "ô tê pê", "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân", "DVC": "dịch vụ công", "DVCQG": "dịch vụ công quốc gia",
    "GPLX": "giấy phép lái xe", "BHYT": "bảo hiểm y tế", "BHXH": "bảo hiểm xã hội", "QR": "qui a",
    "NFC": "en ép xê", "ATM": "a tê em", "SIM": "sim", "PIN": "pin", "SMS": "ét em ét", "CSGT": "cảnh sát giao thông",
    "TP": "thành phố", "TNV": "tình nguyện viên", "CNTT": "công nghệ thông tin", "VNPT": "vê en pê tê",
    "PDF": "pê đê ép", "ID": "ai đi", "eKYC": "i kờ vai xi", "app": "ứng dụng", "App": "ứng dụng",
    "online": "trực tuyến", "Online": "trực tuyến", "website": "trang web", "Zalo": "da lô", "Telegram": "tê lê gram",
    "email": "thư điện tử", "Email": "thư điện tử", "Wi-Fi": "oai phai", "wifi": "oai phai",
    "Internet": "in tơ nét", "internet": "in tơ nét", "Smartphone": "điện thoại thông minh",
    "smartphone": "điện thoại thông minh", "Hotline": "đường dây nóng", "hotline": "đường dây nóng",
    "VND": "đồng", "VNĐ": "đồng", "vnđ": "đồng", "k": "nghìn",
}
_HOST_WORDS = {
    "gov": "gờ o vê", "vn": "vê en", "com": "com", "net": "nét", "org": "o rờ gờ", "www": "vê kép vê kép vê kép",
    "dichvucong": "dịch vụ công", "vneid": "vê en e ai đi", "bocongan": "bộ công an", "chinhphu": "chính phủ",
    "tuyenquang": "tuyên quang", "dancuquocgia": "dân cư quốc gia", "csdl": "xê ét đê en", "baohiemxahoi": "bảo hiểm xã hội",
}
_UNITS = ((10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"))


def _below_1000(n: int, *, full: bool) -> str:
    """0 < n < 1000; `full` reads a leading "không trăm" (inside a bigger number: 2.050 → "hai nghìn không
    trăm năm mươi")."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones:
            words += (["linh"] if words else []) + [DIGITS[ones]]
        return " ".join(words)
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if ones == 1:
        words.append("một" if tens == 1 else "mốt")
    elif ones == 4:
        words.append("bốn" if tens == 1 else "tư")
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(DIGITS[ones])
    return " ".join(words)


def number_words(n: int) -> str:
    """A whole number in Vietnamese words (northern usage: "nghìn", "linh"). 0 ≤ n < 10^15."""
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0:
        return "không"
    words: list[str] = []
    rest = n
    started = False
    for unit, name in _UNITS:
        if rest >= unit * 1000 and unit == 10**9:  # thousands of billions: "nghìn tỷ"
            words.append(number_words(rest // unit))
            words.append(name)
            rest %= unit
            started = True
            continue
        part, rest = divmod(rest, unit)
        if part:
            words += [_below_1000(part, full=started), name]
            started = True
    if rest:
        words.append(_below_1000(rest, full=started))
    return " ".join(words)


def digits_words(s: str) -> str:
    """Digit by digit; groups (split by spaces, dots or dashes) separated by a pause (comma)."""
    groups = [g for g in re.split(r"[\s.\-]+", s.strip()) if g]
    return ", ".join(" ".join(DIGITS[int(c)] for c in g if c.isdigit()) for g in groups)


def _number_token(s: str) -> int | None:
    """'50.000', '1,500,000', '2500' → int; None for decimals like '2.5' (read separately)."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", s):
        return int(re.sub(r"[.,]", "", s))
    if s.isdigit():
        return int(s)
    return None


# ---- patterns, in the order they are applied ------------------------------------------------------------
_URL = re.compile(r"(?i)\b(?:https?://)?((?:[a-z0-9-]+\.)+(?:gov\.vn|com\.vn|org\.vn|net\.vn|edu\.vn|vn|com|net|org))"
                  r"(?:/[^\s)\]>,]*)?")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\d.,])(?:1[89]00[\s.]?\d{3,4}(?:[\s.]?\d{2,4})?|0\d{1,3}[\s.]?\d{3,4}[\s.]?\d{3,4}"
                    r"|\+84[\s.]?\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}|11[1-5])(?![\d.,]*\d)")
_DATE = re.compile(r"(?<![\d/])(ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_MONTH_YEAR = re.compile(r"(?<![\d/])(tháng\s+)?(\d{1,2})/(\d{4})(?![\d/])")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[h:](\d{2})(?!\d)")
_AMOUNT_K = re.compile(r"(?<![\d.,])(\d+)\s?k\b", re.IGNORECASE)
_PERCENT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s?%")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)(?![\w])")
_STEP = re.compile(r"(?m)^\s*(\d{1,2})[.)]\s+")
_BULLET = re.compile(r"(?m)^\s*[-*•]\s+")
_MARKUP = re.compile(r"\*\*|__|`|^#+\s*", re.MULTILINE)
_LINK_MD = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_WORD = re.compile(r"[A-Za-zĐđ][\w\-]*", re.UNICODE)
_SPACES = re.compile(r"[ \t]+")


def _host_words(host: str) -> str:
    """'dichvucong.gov.vn' → 'dịch vụ công chấm gờ o vê chấm vê en' (short unknown parts spelled)."""
    words = []
    for part in host.lower().removeprefix("www.").split("."):
        known = _HOST_WORDS.get(part)
        words.append(known if known else " ".join(part) if len(part) <= 3 else part)
    return " chấm ".join(words)


def _url(m: re.Match[str]) -> str:
    return f"địa chỉ {_host_words(m.group(1))}"


def _phone(m: re.Match[str]) -> str:
    raw = m.group(0)
    if raw.startswith("+84"):
        return "cộng tám tư, " + digits_words(raw[3:])
    compact = re.sub(r"[\s.]", "", raw)
    if re.fullmatch(r"1[89]00\d+", compact) and not re.search(r"[\s.]", raw):
        return digits_words(compact[:4] + " " + compact[4:])  # 19000368 → "một chín không không, không ba sáu tám"
    return digits_words(raw)


def _date(m: re.Match[str]) -> str:
    day, month, year = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return m.group(0)
    return f"ngày {number_words(day)} tháng {number_words(month)} năm {number_words(year)}"


def _month_year(m: re.Match[str]) -> str:
    month, year = int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return m.group(0)
    return f"tháng {number_words(month)} năm {number_words(year)}"


def _number(m: re.Match[str]) -> str:
    s = m.group(1)
    n = _number_token(s)
    if n is not None:
        return number_words(n)
    if re.fullmatch(r"\d+[.,]\d+", s):
        whole, frac = re.split(r"[.,]", s)
        frac_words = digits_words(frac) if frac.startswith("0") else number_words(int(frac))
        return f"{number_words(int(whole))} phẩy {frac_words}"
    return s


def _word(m: re.Match[str]) -> str:
    w = m.group(0)
    return ACRONYMS.get(w) or ACRONYMS.get(w.upper() if w.isupper() else w, w)


def speakable(text: str, *, max_chars: int = 1500) -> str:
    """`text` as words to read aloud (see the module docstring); cut at a sentence end under `max_chars`."""
    s = unicodedata.normalize("NFC", text)
    s = _LINK_MD.sub(lambda m: m.group(1), s)
    s = _MARKUP.sub("", s)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("So", "Cs", "Co"))  # emoji and symbols
    s = _EMAIL.sub("một địa chỉ thư điện tử", s)
    s = _URL.sub(_url, s)
    s = _STEP.sub(lambda m: f"Bước {number_words(int(m.group(1)))}. ", s)
    s = _BULLET.sub("", s)
    s = _DATE.sub(_date, s)
    s = _MONTH_YEAR.sub(_month_year, s)
    s = _PHONE.sub(_phone, s)
    s = _TIME.sub(lambda m: f"{number_words(int(m.group(1)))} giờ"
                  + (f" {number_words(int(m.group(2)))} phút" if int(m.group(2)) else ""), s)
    s = _AMOUNT_K.sub(lambda m: f"{number_words(int(m.group(1)))} nghìn", s)
    s = _PERCENT.sub(lambda m: f"{_number(re.match(r'(.*)', m.group(1)))} phần trăm", s)  # type: ignore[arg-type]
    s = _NUMBER.sub(_number, s)
    s = re.sub(r"\s*[–—]\s*", ", ", s)
    s = s.replace("&", " và ").replace("/", " hoặc ").replace("→", ", ").replace("«", "").replace("»", "")
    s = _WORD.sub(_word, s)
    s = "\n".join(_SPACES.sub(" ", line).strip() for line in s.splitlines())
    s = re.sub(r"\n{2,}", "\n", s).strip()
    if len(s) > max_chars:
        cut = max(s.rfind(". ", 0, max_chars), s.rfind("\n", 0, max_chars))
        s = s[: cut + 1 if cut > max_chars // 3 else max_chars].rstrip()
    return s
