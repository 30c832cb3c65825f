"""The shape of an answer: what was asked (a fee, a deadline, an age, a number to call, where to go) and
the one or two sentences from the guide's `facts` and `summary` that answer exactly that; and the short
replies that correct the previous answer ("sai rồi", "không được", "không đúng ý tôi").

Pure functions over folded (tone-less, lower-case) text.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from bot.core.text import fold, tokens
from bot.core.types import Fact, Passage

# What a question asks for, by the fact kind that answers it. Checked in order: "bao nhiêu tuổi" is an
# age before "bao nhiêu" is a fee.
_ASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("age", re.compile(r"\b(may|bao nhieu) tuoi\b|\bdu tuoi\b|\bhow old\b|\bage\b")),
    ("hotline", re.compile(r"\b(so may|goi so|so nao|hotline|tong dai|duong day nong|what number)\b")),
    ("deadline", re.compile(r"\b(bao lau|may ngay|bao nhieu ngay|thoi han|khi nao (co|xong|nhan)|bao gio (co|xong)"
                            r"|han chot|het han khi nao|how long|deadline)\b")),
    ("limit", re.compile(r"\b(han muc|toi da|toi thieu|limit)\b")),
    ("fee", re.compile(r"\b(bao nhieu tien|bao nhieu|le phi|mat phi|het phi|phi|ton|mat tien|gia bao nhieu|muc dong"
                        r"|dong bao nhieu|how much|fee|fees|cost|free|mien phi)\b")),
)

_CORRECTION = re.compile(
    r"^(?:(?:van|cung|nhung)\s+)?(?:"
    r"(?:khong|ko|k|kg|hok|hong|chua)\s+(?:duoc|dc|ok|thanh cong|dung|dung y|dung y toi|dung y minh|phai|phai cai nay"
    r"|phai y toi|phai vay|lam duoc|lam dc|vao duoc|vao dc)"
    r"|sai|sai roi|sai r|nham roi|nham|khong phai cai toi hoi|ko phai cai toi hoi"
    r"|wrong|not this|not what i asked|that is wrong|it does not work|it did not work|does not work|didn t work"
    r")(?:\s+(?:roi|r|a|ad|ah|nhe|nha|oi|ban|em|ca|luon|het|y toi|y minh|cai toi hoi))*$"
)
_FAILED = re.compile(r"^(?:(?:van|cung)\s+)?(?:khong|ko|k|kg|hok|chua)\s+(?:duoc|dc|ok|thanh cong|lam duoc|lam dc"
                     r"|vao duoc|vao dc)\b|does not work|did not work|didn t work")


def asked_kind(question: str) -> str:
    """The fact kind a question asks for ("fee", "deadline", "age", "hotline", "limit"), or ""."""
    f = " ".join(tokens(fold(question)))
    for kind, pat in _ASKS:
        if pat.search(f):
            return kind
    return ""


def correction(text: str) -> str:
    """"failed" for "không được" (the steps did not work), "wrong" for "sai rồi" / "không đúng ý tôi",
    "" for anything else."""
    f = " ".join(tokens(fold(text)))
    if not f or len(f.split()) > 8 or not _CORRECTION.match(f):
        return ""
    return "failed" if _FAILED.match(f) else "wrong"


def _date(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso.strip())
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else iso


def cite(fact: Fact, lang: str = "vi") -> str:
    """The fact with where it comes from and when it was checked."""
    host = urlparse(fact.source).netloc.removeprefix("www.") if fact.source else ""
    parts = []
    if host:
        parts.append(("theo " if lang == "vi" else "source: ") + host)
    if fact.checked_on:
        parts.append(("kiểm tra ngày " if lang == "vi" else "checked on ") + _date(fact.checked_on))
    text = fact.text.rstrip()
    return f"{text} ({', '.join(parts)})" if parts else text


def direct_answer(question: str, p: Passage, lang: str = "vi") -> str:
    """One or two sentences answering exactly what was asked: the fact of the asked kind (with its
    source and date), else the guide's summary; "" when the guide has neither."""
    kind = asked_kind(question)
    if kind and p.facts:
        picked = [f for f in p.facts if f.kind == kind]
        if not picked and kind == "fee":
            picked = [f for f in p.facts if f.kind == "limit"]
        if picked:
            # the fact sharing most words with the question first ("cấp lại" vs "cấp đổi")
            q = set(tokens(fold(question)))
            best = max(picked, key=lambda f: len(q & set(tokens(fold(f.text)))))
            return cite(best, lang)
    return p.summary.strip()
