"""`facts:` in a guide's front matter: every time-sensitive fact with its source and re-check date, and the
heuristic that finds fees, hotlines, legal acts, ages and deadlines in the citizen text that need one.

```yaml
facts:
  - text: Lệ phí cấp đổi thẻ căn cước là 50.000 đồng.
    kind: fee            # fee | deadline | limit | hotline | legal | age | menu | other
    source: https://...  # the page that states it
    checked_on: 2026-12-02
    check_by: 2027-06-02 # fee/menu: at most 6 months after checked_on; the others at most 12
```
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ingest.kbcheck.report import Report, _looks_reachable, add_months, as_date, folded

KINDS = ("fee", "deadline", "limit", "hotline", "legal", "age", "menu", "other")
SHORT_LIVED = {"fee": 6, "menu": 6}  # months until check_by at most; every other kind: 12
LONG_LIVED = 12


def parse_facts(where: str, raw: object, today: dt.date, rep: Report) -> list[dict[str, Any]]:
    """The well-formed facts (errors for malformed ones, a warning for each passed check_by)."""
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        rep.error("facts", f"{where}: facts must be a list of mappings (text, kind, source, checked_on, check_by)")
        return []
    good: list[dict[str, Any]] = []
    for n, f in enumerate(raw, 1):
        label = f"{where}: facts #{n}"
        if not isinstance(f, dict):
            rep.error("facts", f"{label} is not a mapping")
            continue
        problems = []
        if not isinstance(f.get("text"), str) or not f["text"].strip():
            problems.append("lacks 'text'")
        kind = f.get("kind")
        if kind not in KINDS:
            problems.append(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        src = f.get("source")
        if not isinstance(src, str) or not _looks_reachable(src):
            problems.append(f"source {src!r} is not an http(s) URL")
        checked, check_by = as_date(f.get("checked_on")), as_date(f.get("check_by"))
        if checked is None:
            problems.append("checked_on is not a date (YYYY-MM-DD)")
        elif checked > today:
            problems.append(f"checked_on {checked} is in the future")
        if check_by is None:
            problems.append("check_by is not a date (YYYY-MM-DD)")
        if checked is not None and check_by is not None:
            months = SHORT_LIVED.get(str(kind), LONG_LIVED)
            if check_by <= checked:
                problems.append(f"check_by {check_by} is not after checked_on {checked}")
            elif check_by > add_months(checked, months):
                problems.append(f"check_by {check_by} is more than {months} months after checked_on {checked} "
                                f"(a {kind} fact must be re-checked sooner)")
        if problems:
            rep.error("facts", f"{label}: {'; '.join(problems)}")
            continue
        extra = set(f) - {"text", "kind", "source", "checked_on", "check_by", "note"}
        if extra:
            rep.warn("facts", f"{label}: unknown keys {sorted(extra)}")
        if check_by is not None and check_by < today:
            rep.warn("facts-due", f"{label}: check_by {check_by} has passed; re-check {f['text'][:60]!r}")
        good.append(f)
    return good


# ---- what the citizen text states ---------------------------------------------------------------
# Patterns run on folded text (lower case, no tone marks). Each maps to the fact kinds that cover it.
_MONEY = re.compile(r"\b\d(?:[\d.,]*\d)?\s*(?:dong|d|vnd|nghin|ngan|trieu|ty|k)\b(?!\s*(?:nguoi|ho|luot|tai khoan|lan))")
_HOTLINE = re.compile(r"\b(?:1900|1800)[\s.]?\d{2,4}(?:[\s.]?\d{2,4})?\b|\b0\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}\b|"
                      r"\b(?:\+84|84)[\s.]?\d{2,3}[\s.]?\d{3}[\s.]?\d{3,4}\b")
_SHORT_NUMBER = re.compile(r"(?:goi|so|duong day|hotline|tong dai|call|dial|nhan tin|sms|bao)[^.\n]{0,25}"
                           r"\*{0,2}\b(?:11[1345]|156|5656|18001567)\b")
_LEGAL = re.compile(r"\b\d{1,4}/\d{4}/(?:nd|tt|qd|qh|nq|ttlt|l|ubtvqh)[\w\-]*|"
                    r"\b(?:luat|nghi dinh|thong tu|quyet dinh|nghi quyet|decree|circular|decision|resolution|law)"
                    r"\s+(?:so\s+|no\.?\s*)?\d{1,4}(?:/\d{4})?\b|"
                    r"\bluat\s+(?:[a-z]+\s+){1,5}(?:nam\s+)?\d{4}\b|\b(?:[a-z]+\s+){1,4}law\s+(?:of\s+)?\d{4}\b")
_AGE = re.compile(r"\b\d{1,3}\s*tuoi\b|\b\d{1,3}\s*(?:years? old|years of age|or older|and over)\b|"
                  r"\b(?:under|over|aged)\s+\d{1,3}\b(?![.,]\d)(?!\s*(?:times|%|minutes|days|hours|months|million|thousand|dong|vnd|"
                  r"[kmg]b\b|mb|kb|gb|cm|mm|km|kg|pages?|photos?|files?|characters?|digits?))")
_DEADLINE = re.compile(r"\b(?:trong(?: vong)?|cham nhat|toi da|han|sau|truoc|within|after|no later than|"
                       r"by)\s+\d{1,3}\s*(?:ngay|gio|thang|nam|tuan|working days?|days?|hours?|months?|weeks?)\b|"
                       r"\b(?:den het|truoc ngay|han cuoi|cham nhat|until|by|before|from|tu)\s+(?:ngay\s+)?"
                       r"\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")

CLAIMS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("fee or amount of money", _MONEY, ("fee", "limit", "legal")),  # "legal": a fine set by a decree
    ("phone or hotline number", _HOTLINE, ("hotline",)),
    ("phone or hotline number", _SHORT_NUMBER, ("hotline",)),
    ("legal act", _LEGAL, ("legal",)),
    ("age threshold", _AGE, ("age",)),
    ("deadline or date", _DEADLINE, ("deadline", "legal")),
)


_SOURCE_LINE = re.compile(r"^\s*\**(?:nguon|source|sources)\**\s*:.*$", re.MULTILINE)


def stated_claims(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(what, the snippet, kinds that cover it) for each time-sensitive claim found in the text (the
    closing `Nguồn: …` line names sources and their dates, and is not a claim)."""
    f = _SOURCE_LINE.sub(lambda m: " " * len(m.group(0)), folded(text))
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for what, rx, kinds in CLAIMS:
        m = rx.search(f)
        if m:
            out.append((what, text[m.start():m.end()].strip(), kinds))
    return out


def check_required_facts(where: str, text: str, facts: list[dict[str, Any]], rep: Report) -> None:
    have = {str(f.get("kind")) for f in facts}
    for what, snippet, kinds in stated_claims(text):
        if not have.intersection(kinds):
            rep.error("facts-required", f"{where}: states a {what} ({snippet!r}) but has no facts entry of kind "
                                        f"{' or '.join(kinds)}")
