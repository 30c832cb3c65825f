"""The scam checker: one forwarded message in, a verdict with reasons and advice out.

Verdicts: `danger` (clear signs), `suspicious`, `no_signs` (never "safe": absence of signs is no
guarantee) and `official` (only official links/numbers and no risky request). A request real services
never make, a look-alike or reported link, or two kinds of bait/pressure give `danger`; one gives
`suspicious`. Pure standard library; the lists arrive as plain values from the composition root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.scamcheck.domains import DomainJudge, LinkFinding
from bot.core.scamcheck.extract import Extracted, deobfuscate, extract
from bot.core.scamcheck.patterns import ALREADY_ACTED, AUTHORITY, find_patterns
from bot.core.scamcheck.texts import ADVICE, URGENT, VERDICTS, reason_text
from bot.core.text import fold

DANGER, SUSPICIOUS, NO_SIGNS, OFFICIAL = "danger", "suspicious", "no_signs", "official"
_MOBILE = re.compile(r"0[35789]\d{8}")
_LOGIN_PATH = re.compile(r"log ?in|dang-?nhap|signin|xac-?thuc|verify|account|tai-?khoan|otp", re.IGNORECASE)
# Which safety guide explains a finding best, in order of preference.
_GUIDES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bait_legal", ("at-gia-danh-cong-an",)),
    ("bait_relative", ("at-gia-mao-nguoi-than",)),
    ("bait_wrong_transfer", ("tt-chuyen-nham",)),
    ("bait_job", ("at-lua-dao-dau-tu-viec-lam",)),
    ("bait_invest", ("at-lua-dao-dau-tu-viec-lam",)),
    ("bait_loan", ("at-app-vay-tien", "at-lua-dao-app-vay", "at-app-gia")),
    ("bait_fine", ("at-phat-nguoi-gia", "at-lua-dao-phat-nguoi", "at-tin-nhan-gia")),
    ("ask_otp", ("at-khong-chia-se-otp",)),
    ("ask_install", ("at-app-gia",)),
    ("link_install_file", ("at-app-gia",)),
    ("ask_screen_share", ("at-app-gia",)),
    ("link_lookalike", ("at-web-gia",)),
    ("link_mixed_script", ("at-web-gia",)),
)


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str  # high | medium | low | info
    text: str


@dataclass(frozen=True)
class CheckResult:
    verdict: str
    reasons: tuple[Reason, ...]
    urls: tuple[str, ...]
    phones: tuple[str, ...]
    advice: str
    headline: str
    urgent: bool = False  # the citizen says money or a code already went out
    urgent_advice: str = ""
    guide_id: str = ""
    lookalike_hosts: tuple[str, ...] = ()  # kept for statistics (never the citizen's other text)

    def as_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "reasons": [{"code": r.code, "text": r.text} for r in self.reasons],
                "urls": list(self.urls), "phones": list(self.phones), "advice": self.advice,
                "urgent": self.urgent, "guide_id": self.guide_id}


@dataclass(frozen=True)
class ScamLists:
    """Official and reported items (plain values; loaded from knowledge/ and the database by adapters)."""

    official_domains: tuple[str, ...]
    official_phones: Mapping[str, str] = field(default_factory=dict)  # digits -> owner
    reported_domains: tuple[str, ...] = ()
    reported_phones: frozenset[str] = frozenset()


def fold_text(text: str) -> str:
    """De-obfuscated, tone marks removed, lower case, whitespace collapsed."""
    return re.sub(r"\s+", " ", fold(deobfuscate(text)).lower()).strip()


class ScamChecker:
    def __init__(self, lists: ScamLists, *, guide_ids: Iterable[str] = ()) -> None:
        self.lists = lists
        self.judge = DomainJudge(lists.official_domains, lists.reported_domains)
        self.guide_ids = frozenset(guide_ids)

    def _link_reasons(self, findings: list[LinkFinding], login_asked: bool, lang: str) -> list[Reason]:
        out: list[Reason] = []
        for f in findings:
            host = f.link.host
            if f.official:
                out.append(Reason("link_official", "info", reason_text("link_official", lang, host=host)))
                continue
            flags = [("link_reported", "high", f.reported), ("link_lookalike", "high", bool(f.lookalike)),
                     ("link_mixed_script", "high", f.mixed_script), ("link_install_file", "high", f.install_file),
                     ("link_ip", "high", f.link.is_ip), ("link_shortener", "medium", f.shortener),
                     ("link_risky_tld", "medium", f.risky_tld),
                     ("link_http_login", "medium", f.link.scheme == "http" and (login_asked or bool(
                         _LOGIN_PATH.search(f.link.path))))]
            hit = False
            for code, sev, on in flags:
                if on:
                    hit = True
                    out.append(Reason(code, sev, reason_text(code, lang, host=host, name=f.lookalike)))
            if not hit:
                out.append(Reason("link_unknown", "low", reason_text("link_unknown", lang, host=host)))
        return out

    def _phone_reasons(self, ex: Extracted, folded: str, lang: str) -> list[Reason]:
        out: list[Reason] = []
        claims = bool(AUTHORITY.search(folded))
        for p in ex.phones:
            if p in self.lists.reported_phones:
                out.append(Reason("phone_reported", "high", reason_text("phone_reported", lang, name=p)))
            elif p in self.lists.official_phones:
                owner = self.lists.official_phones[p]
                out.append(Reason("phone_official", "info", reason_text("phone_official", lang, name=p, host=owner)))
            elif p.startswith("+"):
                out.append(Reason("phone_foreign", "medium", reason_text("phone_foreign", lang, name=p)))
            elif claims:
                sev = "medium" if _MOBILE.fullmatch(p) else "low"  # services use 1900/1800 numbers, scammers mobiles
                out.append(Reason("phone_not_official", sev, reason_text("phone_not_official", lang, name=p)))
        return out

    def check(self, text: str, *, lang: str = "vi") -> CheckResult:
        folded = fold_text(text)
        ex = extract(text, folded)
        pats = find_patterns(folded)
        codes = {p.code for p, _ in pats}
        findings = [self.judge.judge(link) for link in ex.links]
        reasons = self._link_reasons(findings, "ask_open_link" in codes, lang) + self._phone_reasons(ex, folded, lang)
        risky_link = any(r.code != "link_official" and r.code.startswith("link_") for r in reasons)
        unofficial = any(not f.official for f in findings)
        strong = set()  # bait named in two different ways ("vay online", "chỉ cần CCCD") counts twice
        for pat, hits in pats:
            sev = pat.severity
            if sev == "medium" and len(hits) >= 2:
                strong.add(pat.code)
            if pat.code in ("ask_install", "bait_upgrade", "ask_fee") and (unofficial or "ask_callback" in codes):
                sev = "high" if pat.code == "ask_install" else "medium"
            if pat.code == "ask_callback" and any(_MOBILE.fullmatch(p) or p.startswith("+") for p in ex.phones):
                sev = "medium"
            reasons.append(Reason(pat.code, sev, reason_text(pat.code, lang)))
        verdict = self._verdict(reasons, risky_link, bool(findings or ex.phones), len(strong))
        lang_i = 1 if lang == "en" else 0
        shown = () if verdict == NO_SIGNS else tuple(sorted((r for r in reasons if r.severity != "info" or verdict == OFFICIAL),
                             key=lambda r: ("high", "medium", "low", "info").index(r.severity)))
        urgent = bool(ALREADY_ACTED.search(folded))
        return CheckResult(
            verdict=verdict, reasons=shown[:6], urls=tuple(link.text for link in ex.links), phones=ex.phones,
            advice=ADVICE[verdict][lang_i], headline=VERDICTS[verdict][lang_i], urgent=urgent,
            urgent_advice=URGENT[lang_i] if urgent else "", guide_id=self._guide({r.code for r in reasons}, verdict),
            lookalike_hosts=tuple(f.link.host for f in findings if f.lookalike or f.reported or f.mixed_script),
        )

    @staticmethod
    def _verdict(reasons: list[Reason], risky_link: bool, has_items: bool, strong: int = 0) -> str:
        high = sum(r.severity == "high" for r in reasons)
        medium = len({r.code for r in reasons if r.severity == "medium"}) + strong
        low = len({r.code for r in reasons if r.severity == "low"})
        if high or medium >= 2 or (medium and risky_link) or (medium and low >= 2):
            return DANGER
        if medium or low >= 2:
            return SUSPICIOUS
        if has_items and not low and all(r.severity == "info" for r in reasons) and reasons:
            return OFFICIAL
        return NO_SIGNS

    def _guide(self, codes: set[str], verdict: str) -> str:
        if verdict in (NO_SIGNS, OFFICIAL):
            return ""
        for code, ids in _GUIDES:
            if code in codes:
                for gid in ids:
                    if gid in self.guide_ids or not self.guide_ids:
                        return gid
        for gid in ("at-tin-nhan-gia", "at-khi-bi-lua"):
            if gid in self.guide_ids or not self.guide_ids:
                return gid
        return ""
