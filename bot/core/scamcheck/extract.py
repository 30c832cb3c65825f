"""Find what a forwarded message points to: links (also obfuscated), phone numbers, accounts, amounts.

Scam messages hide their links from filters: `hxxp://`, `vneid[.]gov[.]vn`, `vneid .gov .vn`,
`dichvucong(dot)com`, look-alike letters from other scripts, full-width characters and invisible
characters between letters. `deobfuscate` undoes all of that first; the extractors then read the
clean text. Pure standard library; every input is capped so that a hostile paste costs little.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 6000  # a forwarded SMS/Zalo message is far shorter; longer input is cut here

_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_DEFANG = (
    (re.compile(r"\bh\s+t\s*t\s*p\s*(s?)\s*:\s*/\s*/\s*", re.IGNORECASE), r"http\1://"),
    (re.compile(r"h[xX*]{2}p(s?)(?=\s*[:\[(])", re.IGNORECASE), r"http\1"),
    (re.compile(r"\s*[\[({<]\s*(?:\.|dot|cham)\s*[\])}>]\s*", re.IGNORECASE), "."),
    (re.compile(r"\s*[\[({<]\s*:\s*[\])}>]\s*"), ":"),
    (re.compile(r"\s*[\[({<]\s*/\s*[\])}>]\s*"), "/"),
    (re.compile(r"(?<=[a-z0-9])\s+(?:dot|cham)\s+(?=[a-z0-9])", re.IGNORECASE), "."),
)
# Labels split by spaces around dots ("vneid .gov .vn", "abc . com"): joined when the last label is a TLD.
_TLD_WORDS = """
com net org info biz gov edu vn io co me cc tk ml ga cf gq pw ws tv us uk ru cn in jp kr sg th la kh my id ph
xyz top club online site shop store app link click live vip icu buzz asia mobi pro win bid loan work fun space
website tech today world life ltd group cloud email one digital news press host cyou rest sbs lol fit monster
best cam mom gay bar skin beauty quest hair makeup boats homes autos yachts motorcycles bond cfd help support
tips services center agency finance money bank cash credit loans market trade exchange games cc io ai dev page
ly gl gy gd at to su st fr de it es nl be ch se no fi dk pl cz ua br mx ar cl hk tw mo au nz ca za ng tr pk bd lk
"""
TLDS = frozenset(_TLD_WORDS.split())
# Each joint is "label .", "label . " or "label." (a space BEFORE the dot, or none): "vneid .gov .vn",
# "vcb - xacthuc . com". "15:20. Cảm ơn" (a dot ending a sentence, then a space) is never joined.
_SPACED = re.compile(
    r"(?<![\w.])((?:[a-z0-9](?:[a-z0-9-]|\s-\s){0,62}(?:\s+\.\s*|\.))+)("
    + "|".join(sorted(TLDS, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)
_LABEL = r"(?:xn--[a-z0-9-]{1,59}|[^\W_](?:[\w-]{0,61}[^\W_])?)"
_HOST = rf"(?:{_LABEL}\.){{1,8}}(?:xn--[a-z0-9-]{{2,59}}|[^\W\d_]{{2,24}})"
_URL = re.compile(
    rf"(?:(?P<scheme>https?)://)?(?P<userinfo>[^\s/@:]+@)?(?P<host>{_HOST}|\d{{1,3}}(?:\.\d{{1,3}}){{3}})"
    r"(?::(?P<port>\d{1,5}))?(?P<path>/[^\s<>\"'()\[\]{}]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}»\"'"

_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)(?P<cc>\d{1,3})[\s.-]?(?P<intl>\d(?:[\s.-]?\d){6,11})"
    r"|(?P<vn>0(?:[\s.-]?\d){9,10})"
    r"|(?P<service>1[89]00[\s.-]?\d(?:[\s.-]?\d){3,5})"
    r"|(?P<short>(?<![\d.,])11[1-5](?![\d.,%])))(?!\d)"
)
_ACCOUNT = re.compile(
    r"\b(?:stk|so tk|so tai khoan|tai khoan(?: so)?|tk|account(?: number| no\.?)?)(?:\s+[a-z]+){0,3}?\s*[:.\-]?\s*"
    r"(?P<num>\d(?:[\s.-]?\d){5,18})(?!\d)"
)
_AMOUNT = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s?(?P<unit>trieu|tr\b|ty|ti\b|nghin|ngan\b|k\b|d\b|dong|vnd|usd|\$)",
)


@dataclass(frozen=True)
class Link:
    """One link found in a message, as written (after de-obfuscation) and its parts."""

    text: str  # as it would be typed, e.g. "https://vneid-gov.com/login"
    host: str  # lower-case; IDN labels decoded to Unicode
    scheme: str  # "http", "https" or "" when the message gave none
    path: str
    is_ip: bool
    punycode: bool  # the host was written as xn--… or holds non-ASCII letters


@dataclass(frozen=True)
class Extracted:
    clean: str  # the de-obfuscated text, NFKC, invisible characters removed
    links: tuple[Link, ...]
    phones: tuple[str, ...]  # digits only, "+" kept for international numbers
    accounts: tuple[str, ...]
    amounts: tuple[str, ...]


def deobfuscate(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), invisible characters removed, defanged links restored."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text[:MAX_CHARS]))
    for pattern, repl in _DEFANG:
        text = pattern.sub(repl, text)
    return _SPACED.sub(_join, text)


def _join(m: re.Match[str]) -> str:
    if not re.search(r"\s", m.group(1)):
        return m.group(0)
    return re.sub(r"\s+", "", m.group(1)) + m.group(2)


def _decode_host(host: str) -> tuple[str, bool]:
    host = host.lower().rstrip(".")
    labels = []
    puny = False
    for label in host.split("."):
        if label.startswith("xn--"):
            puny = True
            with contextlib.suppress(UnicodeError, ValueError):
                label = label[4:].encode("ascii").decode("punycode")
        elif not label.isascii():
            puny = True
        labels.append(label)
    return ".".join(labels), puny


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _tld_ok(host: str) -> bool:
    tld = host.rsplit(".", 1)[-1]
    return tld in TLDS or tld.startswith("xn--") or not tld.isascii()


def find_links(clean: str) -> tuple[Link, ...]:
    out: dict[str, Link] = {}
    for m in _URL.finditer(clean):
        raw_host = m.group("host")
        scheme = (m.group("scheme") or "").lower()
        host, puny = _decode_host(raw_host)
        ip = _is_ip(host)
        if not ip and not _tld_ok(host):
            continue
        if not scheme and not ip and "@" in clean[max(0, m.start() - 1):m.start()]:
            continue  # the domain part of an e-mail address
        path = (m.group("path") or "").rstrip(_TRAILING)
        text = (f"{scheme}://" if scheme else "") + host + (f":{m.group('port')}" if m.group("port") else "") + path
        out.setdefault(host + path, Link(text=text, host=host, scheme=scheme, path=path, is_ip=ip, punycode=puny))
        if len(out) >= 20:
            break
    return tuple(out.values())


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip().startswith(("+", "00")):
        digits = digits[2:] if raw.lstrip().startswith("00") else digits
        return "0" + digits[2:] if digits.startswith("84") else "+" + digits
    return digits


REDACTED_PHONE, REDACTED_ACCOUNT = "[SĐT]", "[STK]"  # placeholders of bot.core.privacy.redaction.redact (chat texts)


def find_phones(clean: str) -> tuple[str, ...]:
    found: list[str] = [REDACTED_PHONE] if REDACTED_PHONE in clean else []
    for m in _PHONE.finditer(clean):
        p = normalise_phone(m.group(0))
        if p not in found:
            found.append(p)
    return tuple(found[:20])


def find_accounts(folded: str) -> tuple[str, ...]:
    if "[stk]" in folded:
        return (REDACTED_ACCOUNT,)
    return tuple(dict.fromkeys(re.sub(r"\D", "", m.group("num")) for m in _ACCOUNT.finditer(folded)))[:10]


def find_amounts(folded: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{m.group('num')} {m.group('unit')}" for m in _AMOUNT.finditer(folded)))[:10]


def extract(text: str, folded: str) -> Extracted:
    """`folded` is the de-obfuscated text without tone marks, lower-cased (see checker.fold_text)."""
    clean = deobfuscate(text)
    return Extracted(clean=clean, links=find_links(clean), phones=find_phones(clean),
                     accounts=find_accounts(folded), amounts=find_amounts(folded))
