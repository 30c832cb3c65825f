"""The shape of an answer: what was asked (a fee, a deadline, an age, a number to call, where to go) and
the one or two sentences from the guide's `facts` and `summary` that answer exactly that; and the short
replies that correct the previous answer ("sai rồi", "không được", "không đúng ý tôi").

Pure functions over folded (tone-less, lower-case) text.
"""

from __future__ import annotations

import re
from functools import lru_cache
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

# Corrections, as folded word sequences: what the reply starts with (after "vẫn", "nhưng" …), and the words
# that may follow it without making it a new question ("sai rồi ạ", "không phải cái đó", "ko đúng ý tôi hỏi").
_WRONG_HEADS = (
    "khong dung", "ko dung", "k dung", "kg dung", "hok dung", "hong dung", "chua dung", "khong chinh xac",
    "khong phai", "ko phai", "k phai", "kg phai", "hok phai", "hong phai", "chang phai",
    "sai", "nham", "lac de", "khong lien quan", "ko lien quan", "cai khac", "khong phai cai khac",
    "wrong", "not this", "not that", "not what i asked", "not what i meant", "that is wrong", "that s wrong",
    "not right", "no that is wrong", "no that s wrong",
)
_FAILED_HEADS = (
    *(f"{neg} {verb}" for neg in ("khong", "ko", "k", "kg", "hok", "hong", "chua")
      for verb in ("duoc", "dc", "ok", "thanh cong", "lam duoc", "lam dc", "vao duoc", "vao dc", "chay",
                   "hoat dong", "xong")),
    "loi", "bi loi", "bao loi", "van the", "it does not work", "it did not work",
    "does not work", "did not work", "didn t work", "doesn t work", "still not working", "not working",
)
_LEAD_WORDS = frozenset({"van", "cung", "nhung", "ma", "the", "vay", "no", "oi", "ad", "em", "ban", "hic", "huhu",
                         "but", "still"})
_TAIL_WORDS = frozenset({
    "roi", "r", "a", "ad", "ah", "nhe", "nha", "oi", "ban", "em", "ca", "luon", "het", "y", "toi", "minh", "cai",
    "do", "nay", "kia", "hoi", "can", "muon", "noi", "vay", "dau", "ma", "gi", "bot", "hic", "huhu", "nhi",
    "chu", "la", "nua", "lam", "dieu", "thu", "viec", "van", "cung", "ak", "admin", "di", "that",
    "it", "is", "this", "what", "i", "asked", "meant", "at", "all", "still", "again", "lai", "ha", "hix", "day",
})
_HEADS = sorted([*((h.split(), "wrong") for h in _WRONG_HEADS), *((h.split(), "failed") for h in _FAILED_HEADS)],
                key=lambda h: -len(h[0]))


def asked_kind(question: str) -> str:
    """The fact kind a question asks for ("fee", "deadline", "age", "hotline", "limit"), or ""."""
    f = " ".join(tokens(fold(question)))
    for kind, pat in _ASKS:
        if pat.search(f):
            return kind
    return ""


def correction(text: str) -> str:
    """"failed" for "không được" (the steps did not work), "wrong" for "sai rồi" / "không đúng ý tôi" /
    "không phải cái đó", "" for anything else (a reply that adds a subject is a new question)."""
    words = tokens(fold(text))
    if not words or len(words) > 8:
        return ""
    tries = [words]
    while len(words) > 1 and words[0] in _LEAD_WORDS:
        words = words[1:]
        tries.append(words)
    for ws in tries:
        for head, kind in _HEADS:
            if ws[: len(head)] == head and all(w in _TAIL_WORDS for w in ws[len(head):]):
                return kind
    return ""


_SEPARATOR = re.compile(r"[,;:.!?]|\s(?:mà|ma)\s", re.IGNORECASE)
_ASKED = ("toi muon hoi", "minh muon hoi", "em muon hoi", "toi hoi", "minh hoi", "em hoi", "toi can", "minh can",
          "em can", "y toi la", "y minh la", "ma la", "la", "ve", "i mean", "i meant", "i asked about", "i asked")


def corrected(text: str) -> str:
    """What a correction says was meant instead ("không phải VNeID, ngân hàng cơ" → "ngân hàng cơ"; "sai rồi,
    tôi hỏi mức 1" → "mức 1"), or "" when it says nothing more (or is no correction)."""
    words = tokens(text)
    folded = [fold(w) for w in words]
    if not words or len(words) > 16:
        return ""
    i = 0
    while i < len(folded) - 1 and folded[i] in _LEAD_WORDS:
        i += 1
    head = next((h for h, kind in _HEADS if kind == "wrong" and folded[i:i + len(h)] == h), None)
    if head is None:
        return ""
    i += len(head)
    # the first separator after the head: "không phải VNeID, ngân hàng cơ", "không phải mức 2 mà là mức 1"
    m = next((m for m in _SEPARATOR.finditer(text) if len(tokens(text[:m.start()])) >= i), None)
    if m is not None:
        rest = tokens(text[m.end():])
    else:
        while i < len(folded) and folded[i] in _TAIL_WORDS and not _asked_at(folded, i):
            i += 1
        if not _asked_at(folded, i):
            return ""
        rest = words[i:]
    rest_f = [fold(w) for w in rest]
    while rest and (n := _asked_at(rest_f, 0)):
        rest, rest_f = rest[n:], rest_f[n:]
    return " ".join(rest) if any(w not in _TAIL_WORDS for w in rest_f) else ""


def _asked_at(folded: list[str], i: int) -> int:
    """The length of the "tôi hỏi" / "mà là" that starts at `i`, or 0."""
    for a in _ASKED:
        n = len(a.split())
        if folded[i:i + n] == a.split():
            return n
    return 0


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


def cut(text: str, limit: int, more: str) -> str:
    """Cut at a line boundary under `limit` characters so no numbered step is broken."""
    if len(text) <= limit:
        return text
    out: list[str] = []
    size = 0
    for line in text.split("\n"):
        if size + len(line) + 1 > limit - len(more) - 2:
            break
        out.append(line)
        size += len(line) + 1
    if not out:  # a single enormous line: cut at a sentence or word boundary
        head = text[: limit - len(more) - 2]
        cut = max(head.rfind(". "), head.rfind(" "))
        out = [head[: cut if cut > 0 else len(head)].rstrip()]
    return "\n".join(out).rstrip() + "\n" + more


_HEADING_MARKS = re.compile(r"^#{1,6}\s*", re.MULTILINE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def strip_headings(text: str) -> str:
    return _HEADING_MARKS.sub("", text).strip()


@lru_cache(maxsize=4096)
def snippet(text: str) -> str:
    return _SPACES.sub(" ", strip_headings(text))[:200]
