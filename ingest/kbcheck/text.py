"""Rules on the text citizens read (guide title, summary, questions, body; lesson cards and quiz items):
defanged domains, no editor notes, no example passwords, no ".gov.vn only" teaching.

Each function returns the offending snippets (empty: the text passes), so guides and lessons share them.
"""

from __future__ import annotations

import re

from ingest.kbcheck.report import folded, host_matches

# ---- domains --------------------------------------------------------------------------------------
# TLDs a citizen-facing domain can end in; a fixed list keeps "v.v." or "1.000" from looking like a domain.
_TLDS = ("vn|com|net|org|info|io|me|app|xyz|top|site|online|shop|store|club|cc|co|biz|asia|link|live|pro|tk|ml|"
         "ga|cf|gq|click|vip|fun|icu|website|space|tech|world|gov|edu|int|ru|cn|us|uk|tv|ly|to|in|id|ph|la|kh")
_DOMAIN = re.compile(
    r"(?<![\w@.\-/])(?:(?:https?|hxxps?)://)?((?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+(?:" + _TLDS + r"))(?![\w\-]|\.\w)",
    re.IGNORECASE)
_DEFANGED = re.compile(r"\S*(?:\[\.\]|\[dot\]|hxxps?://)\S*", re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?:[^\[\]\n]|\[[^\]\n]*\])*\]\(\s*([^)\s]+)[^)]*\)")


def undefanged_domains(text: str, official: list[str]) -> list[str]:
    """Non-official domains written so that a chat app would make them clickable (a Markdown link, a bare
    URL or a bare domain). Official domains may be written normally; others must be defanged
    (`vneid-gov[.]com`, `hxxp://`)."""
    out: list[str] = []
    for m in _MD_LINK.finditer(text):
        target = m.group(1)
        host = re.sub(r"^[a-z]+://", "", target, flags=re.IGNORECASE).split("/")[0].split(":")[0].replace("[.]", ".")
        if not host_matches(host, official):
            out.append(m.group(0))
    masked = _DEFANGED.sub(" ", text)
    for m in _DOMAIN.finditer(masked):
        if not host_matches(m.group(1), official):
            out.append(m.group(0))
    return list(dict.fromkeys(out))


# ---- editor notes ---------------------------------------------------------------------------------
# Phrases that belong in `editor_notes`, never in citizen text (compared folded: no case, no tone marks).
EDITOR_NOTES = ("chưa kiểm chứng", "chưa xác minh", "cần xác minh", "có thể đã thay đổi", "cần kiểm tra lại",
                "không rõ nguồn", "nguồn chưa rõ", "theo nguồn chưa rõ", "theo một số nguồn", "chưa rõ nguồn",
                "todo", "fixme", "tbd", "unverified", "not verified", "may have changed", "needs checking",
                "to be checked", "source unclear", "according to some sources")
_NOTE = re.compile(r"\b(?:" + "|".join(re.escape(folded(p)) for p in EDITOR_NOTES) + r")\b")
# Neutral citizen advice that contains one of the phrases (folded): these occurrences are allowed.
_NEUTRAL = (
    re.compile(r"(?:ung dung|app|phan mem|tep|file|link|duong link|trang)[^.\n]{0,25}(?:khong ro nguon|chua ro nguon)"),
    re.compile(r"chua xac minh (?:chinh xac |ro |duoc )?(?:nguoi|danh tinh|ai|thong tin nguoi)"),
    re.compile(r"(?:ban|hay|nen|nguoi dan|moi nguoi|ban nen) can kiem tra lai"),
    re.compile(r"(?:neu|khi|truong hop|co the)\s+(?:co quan\s+)?can xac minh"),
)


def editor_notes(text: str) -> list[str]:
    f = folded(text)
    neutral = [(m.start(), m.end()) for rx in _NEUTRAL for m in rx.finditer(f)]
    out = []
    for m in _NOTE.finditer(f):
        if not any(a <= m.start() < b for a, b in neutral):
            out.append(text[m.start():m.end()])
    return out


# ---- example passwords ----------------------------------------------------------------------------
_PW_WORD = re.compile(r"mat khau|password|passcode|\bmk\b|\bpass\b")
_TOKEN = re.compile(r"[^\s\"'“”‘’«»()\[\],;]+")
_SYMBOL = re.compile(r"[@#$%^&*!?_+=~.\-]")
_EXAMPLE = re.compile(r"(?:vi du|\bvd\b|e\.g\.|for example|such as|chang han|nhu la)\s*[:,]?\s*$")


def _password_like(token: str, *, after_example: bool) -> bool:
    t = token.strip("*_`").rstrip(".:!?")
    if len(t) < 6 or "/" in t or "://" in t or "[.]" in t:
        return False
    if all(part.isdigit() or part.isalpha() for part in re.split(r"[-–]", t)):
        return False  # "6-digit", "Wi-Fi", "COVID-19", "8–20": words, not passwords
    letters = any(c.isalpha() for c in t)
    digits = any(c.isdigit() for c in t)
    if not (letters and digits):
        return False
    if _SYMBOL.search(t[1:]) or (any(c.isupper() for c in t) and any(c.islower() for c in t)):
        return True
    return after_example


def example_passwords(text: str) -> list[str]:
    """Concrete password examples (`Abc@12345`, "ví dụ: Matkhau123") within 80 characters of the word
    mật khẩu / password / passcode. Describe the pattern instead."""
    f = folded(text)
    near = [m.start() for m in _PW_WORD.finditer(f)]
    if not near:
        return []
    out = []
    for m in _TOKEN.finditer(text):
        if not any(abs(m.start() - p) <= 80 for p in near):
            continue
        before = f[max(0, m.start() - 20):m.start()]
        if _password_like(m.group(0), after_example=bool(_EXAMPLE.search(before))):
            out.append(m.group(0))
    return out


# ---- ".gov.vn only" -------------------------------------------------------------------------------
# A bare ".gov.vn" suffix (not part of an address such as dichvucong.gov.vn) taught as the only sign of a
# real site: "chỉ tin trang có đuôi .gov.vn", "trang thật phải kết thúc bằng .gov.vn", "only .gov.vn".
_BARE_SUFFIX = re.compile(r"(?<![\w\-.])\.?gov\.vn\b")
_ONLY_BEFORE = re.compile(r"(?<!dia )\b(?:chi|only|phai|must|always|luon luon)\b")  # "địa chỉ" is "address"
_ONLY_AFTER = re.compile(r"^\W{0,4}(?:moi (?:la|dang tin|that)|la (?:trang|dia chi) (?:that|chinh thuc) duy nhat|only)")


def gov_vn_only(text: str) -> list[str]:
    """Sentences teaching that only .gov.vn addresses are legitimate (banks, e-wallets, telecoms and Zalo
    have their own official addresses: teach "check the exact official address")."""
    f = folded(text)
    out = []
    for m in _BARE_SUFFIX.finditer(f):
        line_start = f.rfind("\n", 0, m.start()) + 1
        before = f[max(line_start, m.start() - 60):m.start()]
        after = f[m.end():m.end() + 40]
        if _ONLY_BEFORE.search(before) or _ONLY_AFTER.search(after):
            out.append(text[max(line_start, m.start() - 60):m.end()].strip())
    return out
