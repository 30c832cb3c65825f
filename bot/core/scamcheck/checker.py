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
_MOBILE = re.compile(r"0[35789]\d{8}|\[SĐT\]")  # a redacted number in the chat is a mobile or landline
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
    suspect_hosts: tuple[str, ...] = ()  # every host that is not official: what a volunteer may report

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


# Words whose folded forms collide with a scam verb: "tại" (at) must not read as "tải" (download).
_AT = re.compile(r"\bt[ạẠ]i\b", re.IGNORECASE)
# Letters written as look-alike symbols inside words: "d!eu", "t1en", "h0", "kh0ng".
_LEET_I = re.compile(r"(?<=[a-z])[!1|](?=[a-z])")
_LEET_O = re.compile(r"(?<=\b[a-z])0(?=[a-z]|\b)|(?<=[a-z]{2})0(?=[a-z]|\b)")


def fold_text(text: str) -> str:
    """De-obfuscated, tone marks removed, lower case, whitespace collapsed; accented "tại" becomes "tai_"."""
    folded = fold(_AT.sub("tai_", deobfuscate(text))).lower()
    folded = _LEET_I.sub("i", _LEET_O.sub("o", folded))  # "d!eu k!en NHAN T1EN h0 tro" -> "dieu kien nhan tien ho tro"
    return re.sub(r"\s+", " ", re.sub(r"(?<=[a-z])_(?=[a-z])", " ", folded)).strip()


class ScamChecker:
    def __init__(self, lists: ScamLists, *, guide_ids: Iterable[str] = ()) -> None:
        self.lists = lists
        self.judge = DomainJudge(lists.official_domains, lists.reported_domains)
        self.guide_ids = frozenset(guide_ids)

    def set_lists(self, lists: ScamLists) -> None:
        """Use new lists from now on (the reported items changed); checks under way finish with either."""
        self.judge = DomainJudge(lists.official_domains, lists.reported_domains)
        self.lists = lists

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
        unofficial = any(not f.official for f in findings)
        # Only official links and no unlisted number claimed as an authority: the message is most likely a
        # genuine notice or warning, and a single bait word ("phạt nguội", "hoàn tiền") in it is context.
        official_context = bool(findings) and not unofficial and not any(
            r.code in ("phone_not_official", "phone_reported") for r in reasons)
        roles: dict[str, str] = {r.code: ("ask" if r.severity in ("medium", "high") else "link")
                                 for r in reasons if r.code.startswith("link_") and r.code != "link_official"}
        roles.update({r.code: "ask" for r in reasons if r.code in ("phone_not_official", "phone_reported", "phone_foreign")
                      and r.severity != "low"})
        for pat, hits in pats:
            sev = pat.severity
            if pat.role == "bait" and sev == "medium" and len(hits) >= 2:
                sev = "strong"  # bait named in two different ways ("vay online", "chỉ cần CCCD")
            if pat.code == "ask_install" and (unofficial or "ask_callback" in codes):
                sev = "high"
            if pat.code == "ask_callback" and any(_MOBILE.fullmatch(p) or p.startswith("+") for p in ex.phones):
                sev = "medium"
            if official_context and (pat.role == "bait" or pat.code == "ask_open_link"):
                continue  # e.g. "CSGT không gửi tin nhắn yêu cầu nộp phạt", with the official address
            roles[pat.code] = pat.role
            reasons.append(Reason(pat.code, "medium" if sev == "strong" else sev, reason_text(pat.code, lang)))
            if sev == "strong":
                reasons.append(Reason(pat.code + "+", "medium", ""))
        if ex.accounts and codes & {"ask_money", "ask_fee", "ask_transfer_verify"}:
            reasons.append(Reason("ask_transfer_account", "high", reason_text("ask_transfer_account", lang)))
            roles["ask_transfer_account"] = "ask"
        verdict = self._verdict(reasons, roles, bool(findings or ex.phones))
        lang_i = 1 if lang == "en" else 0
        visible = [r for r in reasons if r.text and (r.severity != "info" or verdict == OFFICIAL)]
        shown = () if verdict == NO_SIGNS else tuple(sorted(
            visible, key=lambda r: ("high", "medium", "low", "info").index(r.severity)))
        urgent = bool(ALREADY_ACTED.search(folded))
        return CheckResult(
            verdict=verdict, reasons=shown[:6], urls=tuple(link.text for link in ex.links), phones=ex.phones,
            advice=ADVICE[verdict][lang_i], headline=VERDICTS[verdict][lang_i], urgent=urgent,
            urgent_advice=URGENT[lang_i] if urgent else "", guide_id=self._guide({r.code for r in reasons}, verdict),
            lookalike_hosts=tuple(f.link.host for f in findings if f.lookalike or f.reported or f.mixed_script),
            suspect_hosts=tuple(dict.fromkeys(f.link.host for f in findings if not f.official)),
        )

    @staticmethod
    def _verdict(reasons: list[Reason], roles: Mapping[str, str], has_items: bool) -> str:
        """A scam pairs a reason to obey (bait) with something it wants (ask); either alone is only suspicious."""
        def codes(role: str, *sevs: str) -> set[str]:
            return {r.code for r in reasons if roles.get(r.code.rstrip("+"), "") == role and r.severity in sevs}

        if any(r.severity == "high" for r in reasons):
            return DANGER
        ask_m, ask_l = codes("ask", "medium"), codes("ask", "low") | codes("link", "low")
        bait_m, bait_l = codes("bait", "medium"), codes("bait", "low")
        press_m, press_l = codes("pressure", "medium"), codes("pressure", "low")
        if (bait_m and (ask_m or ask_l)) or (bait_l and ask_m) or len(ask_m) >= 2 or len(bait_m) >= 2 \
                or (press_m and (ask_m or bait_m)) or (ask_m and ask_l and (bait_l or press_l)):
            return DANGER
        if "link_unknown" in ask_l:
            ask_l = ask_l - {"ask_open_link"}  # "tra cứu tại X": the invitation and the unknown link are one sign
        if ask_m or bait_m or press_m or len(ask_l | bait_l | press_l) >= 2 or (bait_l and ask_l):
            return SUSPICIOUS
        if has_items and reasons and all(r.severity == "info" for r in reasons):
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
