"""When to ask a question back instead of guessing (issue 19, scope 3): which of the first guides of a
retrieval are close enough, and not told apart by the question, to be offered as choices.

One rule, tuned on the train+dev splits of tests/eval/ambiguous.jsonl, domain.jsonl and dialogues.jsonl (the test
split only reports; figures in docs/BENCHMARKS.md): a short question (≤ `max_words`) is asked back when its first
guides score within `max(margin, wide)` and the question does not tell them apart — for guides of one topic, no
title word of either is in it (`confusable`); for guides of two topics (VNeID / bank / Zalo…), it names no service
at all ("quên mật khẩu" fits the VNeID, bank-app and Zalo guides alike; "quên mật khẩu VNeID" and "đổi mật khẩu
VNeID" are answered at once). A longer question is asked back only when its first guides are equal (within 0.02)
and alike.
"""

from __future__ import annotations

from bot.core.types import Passage, Retrieval

# Folded words (and "_"-joined syllable pairs) by which citizens name a topic's service.
TOPIC_NAMES: dict[str, frozenset[str]] = {
    "vneid": frozenset({"vneid", "dinh_danh", "dddt", "ddt"}),
    "dichvucong": frozenset({"dvc", "dichvucong", "vu_cong", "dvcqg"}),
    "payments": frozenset({"ngan_hang", "atm", "momo", "zalopay", "vietqr", "qr", "chuyen_khoan", "vi_dien",
                           "ebanking", "banking"}),
    "safety": frozenset({"lua_dao", "lua", "gia_mao", "hack", "zalo", "facebook"}),
    "local": frozenset({"to_cong", "tinh_nguyen", "binh_dan"}),
}


def _base(doc_id: str) -> str:
    return doc_id.removesuffix("-en")


def _names_topic(r: Retrieval, topic: str) -> bool:
    return bool(set(r.query.folded_tokens) & TOPIC_NAMES.get(topic, frozenset()))


def _told_apart(r: Retrieval, top: Passage, p: Passage) -> bool:
    if p.topic == top.topic:
        return p.doc_id not in r.confusable
    return any(_names_topic(r, topic) for topic in TOPIC_NAMES)  # a question that names a service is not vague


def close_guides(r: Retrieval, *, margin: float, max_words: int, wide: float) -> list[Passage]:
    """The first guide and those a citizen may equally have meant (at most three in all); one = no question back.
    `margin` 0 turns asking back off."""
    if margin <= 0 or len(r.passages) < 2:
        return list(r.passages[:1])
    words = len([w for w in r.query.folded_tokens if "_" not in w])
    top = r.passages[0]
    close: list[Passage] = [top]
    for p in r.passages[1:]:
        gap = top.score - p.score
        if gap > max(margin, wide) or len(close) >= 3:
            break
        if p.lang != top.lang or any(_base(p.doc_id) == _base(c.doc_id) for c in close):
            continue
        tie = p.doc_id in r.confusable and gap <= 0.02  # a longer question whose guides are equal and alike
        if tie or (words <= max_words and gap <= max(margin, wide) and not _told_apart(r, top, p)):
            close.append(p)
    return close
