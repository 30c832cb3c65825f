"""Is a link official, a look-alike of an official one, or otherwise risky?

The official list comes from `knowledge/official_domains.txt` (each entry sourced there): a host is
official when it is a listed domain or a sub-domain of one. A look-alike borrows an official name:
`vneid.gov.vn.xyz.com` (official name inside another domain), `dichvucong-gov.vn` (dots turned into
hyphens), `vietcornbank.com` (one letter off, or "rn" for "m"), `vnеid.gov.vn` with a Cyrillic "е"
(mixed scripts, punycode). Pure standard library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.scamcheck.extract import Link

PUBLIC_SUFFIXES = ("com.vn", "net.vn", "org.vn", "gov.vn", "edu.vn", "info.vn", "biz.vn", "name.vn", "pro.vn",
                   "health.vn", "ac.vn", "int.vn", "co.uk", "com.au", "com.sg", "com.cn")
SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.ly", "cutt.ly", "rb.gy", "shorturl.at", "is.gd", "tiny.cc", "goo.gl", "s.id",
    "ow.ly", "buff.ly", "rebrand.ly", "shorte.st", "v.gd", "t.co", "bom.so", "tinyurl.vn", "link1s.com",
    "short.link", "lnkd.in", "bl.ink", "urlz.fr", "gg.gg", "qr.net", "shorten.asia", "u.to", "clck.ru",
})
RISKY_TLDS = frozenset({
    "xyz", "top", "club", "online", "site", "shop", "store", "vip", "icu", "buzz", "click", "link", "live", "cc",
    "tk", "ml", "ga", "cf", "gq", "pw", "ws", "cyou", "sbs", "cfd", "bond", "win", "bid", "loan", "work", "fun",
    "space", "website", "monster", "rest", "lol", "quest", "help", "support", "tips", "cam", "mom", "finance",
    "money", "cash", "credit", "loans", "market", "trade", "exchange", "asia", "info", "me", "pro", "app",
})
INSTALL_EXTENSIONS = (".apk", ".xapk", ".apks", ".ipa", ".exe", ".msi", ".bat", ".scr", ".jar", ".dmg", ".cmd")
# Names that scams borrow; official hosts of these live on the official list.
BRANDS = frozenset({
    "vneid", "dichvucong", "bocongan", "congan", "chinhphu", "baohiemxahoi", "vssid", "bhxh", "csgt", "gdt",
    "thuedientu", "etax", "evn", "evnhanoi", "evnhcmc", "evnspc", "evnnpc", "evncpc", "vietcombank", "vcb", "bidv",
    "vietinbank", "agribank", "techcombank", "mbbank", "vpbank", "acb", "sacombank", "tpbank", "vib", "shb",
    "hdbank", "ocb", "msb", "seabank", "lienvietpostbank", "lpbank", "momo", "zalopay", "vnpay", "viettelmoney",
    "shopeepay", "viettel", "vinaphone", "mobifone", "vnpt", "zalo", "napas", "vietqr", "sbv", "tuyenquang",
    "vietnampost", "ghtk", "ghn", "shopee", "lazada", "tiki", "tiktok", "facebook", "messenger",
})
_CONFUSABLE = str.maketrans({
    "0": "o", "1": "l", "3": "e", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l", "!": "i",
    # Cyrillic and Greek letters that look Latin
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u", "ν": "v", "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "в": "b", "м": "m", "т": "t", "н": "h", "к": "k",
})


@dataclass(frozen=True)
class LinkFinding:
    link: Link
    official: bool
    reported: bool
    lookalike: str  # the official name it imitates, "" when none
    how: str  # why it is a look-alike: inside | hyphen | similar | homoglyph | brand
    shortener: bool
    risky_tld: bool
    install_file: bool
    mixed_script: bool


def _matches(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def registrable_labels(host: str) -> list[str]:
    """The labels before the public suffix: 'login.vneid-gov.com.vn' -> ['login', 'vneid-gov']."""
    for suffix in PUBLIC_SUFFIXES:
        if host.endswith("." + suffix):
            return host[: -len(suffix) - 1].split(".")
    return host.split(".")[:-1]


def skeleton(text: str) -> str:
    """What a label looks like: homoglyphs mapped to Latin, 'rn' read as 'm', 'vv' as 'w', diacritics dropped."""
    s = unicodedata.normalize("NFKD", text.lower().translate(_CONFUSABLE))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("rn", "m").replace("vv", "w").replace("cl", "d")


def _scripts(label: str) -> set[str]:
    out = set()
    for ch in label:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            out.add(name.split(" ", 1)[0] if name else "?")
    return out


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


class DomainJudge:
    """Judges hosts against the official list, the reported list and the brand names."""

    def __init__(self, official: Iterable[str], reported: Iterable[str] = ()) -> None:
        self.official = tuple(sorted({d.strip().lower().lstrip(".") for d in official if d.strip()}))
        self.reported = tuple(sorted({d.strip().lower().lstrip(".") for d in reported if d.strip()}))
        names = set(BRANDS)
        for d in self.official:
            labels = registrable_labels(d)
            if labels and labels[-1] not in ("gov", "com", "net", "org"):
                names.add(labels[-1])
        self.brands = frozenset(n for n in names if len(n) >= 3)
        self._full = tuple(d for d in self.official if d != "gov.vn")

    def is_official(self, host: str) -> bool:
        return _matches(host, self.official)

    def lookalike(self, host: str) -> tuple[str, str]:
        flat = host.replace("-", ".")
        if ".gov.vn." in "." + host + ".":
            return "gov.vn", "inside"
        for d in self._full:
            if host.startswith(d + ".") or ("." + d + ".") in ("." + host + "."):
                return d, "inside"
            if d in flat and not self.is_official(host):
                return d, "hyphen"
        if "gov.vn" in flat or flat.endswith(".gov") or ".gov." in flat:
            return "gov.vn", "hyphen"
        labels = registrable_labels(host)
        for i, label in enumerate(labels):
            parts = [p for p in label.split("-") if p] + [label.replace("-", "")]
            for part in parts:
                sk = skeleton(part)
                for brand in self.brands:
                    if part == brand == label and i == len(labels) - 1 and host.endswith(".vn"):
                        continue  # "ghtk.vn": the brand's own name under .vn (registered with ID at VNNIC), unlisted
                    if part == brand or sk == brand:
                        return brand, "brand" if part == brand else "homoglyph"
                    if len(brand) >= 5 and len(part) >= 5 and part not in self.brands:
                        limit = 1 if len(brand) < 8 else 2
                        if edit_distance(sk, brand, limit) <= limit:
                            return brand, "similar"
        return "", ""

    def judge(self, link: Link) -> LinkFinding:
        host = link.host
        official = not link.is_ip and self.is_official(host)
        reported = _matches(host, self.reported)
        name, how = ("", "") if official or link.is_ip else self.lookalike(host)
        labels = host.split(".")
        return LinkFinding(
            link=link, official=official, reported=reported, lookalike=name, how=how,
            shortener=host in SHORTENERS or host.removeprefix("www.") in SHORTENERS,
            risky_tld=not official and labels[-1] in RISKY_TLDS,
            install_file=link.path.lower().split("?", 1)[0].endswith(INSTALL_EXTENSIONS),
            mixed_script=any(len(_scripts(lbl)) > 1 for lbl in labels) or (link.punycode and not official),
        )
