"""When to ask a question back instead of guessing (issue 19, scope 3): which of the first guides of a
retrieval are close enough, and not told apart by the question, to be offered as choices.

Tuned on the train+dev splits of tests/eval/ambiguous.jsonl, domain.jsonl and dialogues.jsonl (the test split only
reports; figures in docs/BENCHMARKS.md). A short question (≤ `max_words`) is asked back when its first guides score
within `max(margin, wide)` and the question does not tell them apart — for guides of one topic, no title word of
either is in it (`confusable`); for guides of two topics (VNeID / bank / Zalo…), it names no service at all and the
other guide holds every word of it the first holds ("quên mật khẩu" fits the VNeID, bank-app and Zalo guides alike;
"quên mật khẩu VNeID" and "đổi mật khẩu VNeID" are answered at once; "đăng ký tạm trú online" is not asked back for
a VNeID guide that never says "tạm trú"). A longer question is asked back only when its first guides are equal
(within 0.02) and alike. Length and the service named are read from the question's own words (`typed_words`:
abbreviations expanded, not the synonyms retrieval appends; answers4). A question naming its app or office ("tải app
VNeID ở đâu", `names_app`: a service name that is not a threat word such as "lừa đảo", "hack") is asked back only
between guides within `margin`, not `wide` (answers5).

Besides, a short question that names no service but whose action exists in several ("Đổi số điện thoại thế nào?",
"đăng nhập không được"): the dense model may put one service far ahead, so the close-score rule never sees the
others. Among the first `depth` guides, the best one of each other topic is offered when it holds every action
and object word of the question the first guide holds and its lexical score is at least `across` of the best
(`_add_across`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from bot.core.text import fold, tokens
from bot.core.types import Passage, Retrieval

# Folded words (and "_"-joined syllable pairs) by which citizens name a topic's service.
TOPIC_NAMES: dict[str, frozenset[str]] = {
    # "mức 1 / mức 2" are VNeID's account levels ("đăng ký mức 2 ở đâu" is about VNeID; answers5)
    "vneid": frozenset({"vneid", "dinh_danh", "dddt", "ddt", "muc_1", "muc_2"}),
    "dichvucong": frozenset({"dvc", "dichvucong", "vu_cong", "dvcqg"}),
    "payments": frozenset({"ngan_hang", "atm", "momo", "zalopay", "vietqr", "qr", "chuyen_khoan", "vi_dien",
                           "ebanking", "banking"}),
    "safety": frozenset({"lua_dao", "lua", "gia_mao", "hack", "zalo", "facebook"}),
    "local": frozenset({"to_cong", "tinh_nguyen", "binh_dan"}),
}


# Words of a question that name neither an action nor its object ("thế nào", "không được", "ở đâu").
_QUESTION_WORDS = frozenset({
    "thi", "lam", "the", "nao", "sao", "gi", "la", "co", "khong", "ko", "duoc", "dc", "o", "dau", "cho", "va",
    "cua", "khi", "bao", "nhieu", "nhu", "nhe", "hoac", "bi", "toi", "minh", "ban", "can", "nhung", "cac", "mot",
    "ai", "voi", "tren", "vao", "ra", "de", "neu", "con", "hay", "da", "se", "dang", "a", "ad", "vay", "nen",
    "phai", "roi", "nua", "lai", "r", "oi", "giup", "em", "anh", "chi", "how", "what", "do", "i", "my",
    "to", "is", "an", "it", "of", "in",
})


def typed_words(r: Retrieval) -> list[str]:
    """The question's own words, folded, abbreviations expanded ("sdt" → "so dien thoai") but without the
    synonyms retrieval appends ("chuyển tiền" → "chuyển khoản", "tk bị khoá" → "khoá tài khoản"): those say
    nothing about how long the question is or which service it names."""
    return [fold(w) for w in tokens(r.query.normalized or r.query.original)]


def _own_terms(r: Retrieval) -> set[str]:
    words = typed_words(r)
    return set(words) | {f"{a}_{b}" for a, b in itertools.pairwise(words)}


# Words of TOPIC_NAMES that name a threat, not an app or office ("bị hack tài khoản" still fits Zalo, VNeID, the bank).
_THREAT_WORDS = frozenset({"lua_dao", "lua", "gia_mao", "hack"})


def names_app(r: Retrieval) -> bool:
    """True when the question names an app or office (VNeID, a bank, Zalo, the portal…), not only a threat."""
    return bool(_own_terms(r) & (frozenset().union(*TOPIC_NAMES.values()) - _THREAT_WORDS))


def names_service(r: Retrieval) -> bool:
    """True when the question names a service (VNeID, a bank, Zalo…: `TOPIC_NAMES`) in its own words."""
    return any(_names_topic(r, topic) for topic in TOPIC_NAMES)


def _matched(r: Retrieval, p: Passage) -> float:
    """The share of the question's action and object words found in a guide's title, summary and passage (its
    title and summary alone were too strict on train+dev: ambiguous questions asked back 0.80 → 0.54)."""
    words = [w for w in dict.fromkeys(r.query.folded_tokens) if "_" not in w and w not in _QUESTION_WORDS]
    if not words:
        return 0.0
    have = set(tokens(fold(f"{p.title} {p.summary} {p.text}")))
    return sum(w in have for w in words) / len(words)


def _base(doc_id: str) -> str:
    return doc_id.removesuffix("-en")


def _names_topic(r: Retrieval, topic: str) -> bool:
    return bool(_own_terms(r) & TOPIC_NAMES.get(topic, frozenset()))


def _told_apart(r: Retrieval, top: Passage, p: Passage) -> bool:
    if p.topic == top.topic:
        return p.doc_id not in r.confusable
    # a question that names a service is not vague; nor one whose words the other topic's guide lacks
    return names_service(r) or _matched(r, p) < _matched(r, top)


def close_guides(r: Retrieval, *, margin: float, max_words: int, wide: float, across: float = 0.0,
                 depth: int = 8) -> list[Passage]:
    """The first guide and those a citizen may equally have meant (at most three in all); one = no question back.
    `margin` 0 turns asking back off; `across` 0 turns off the rule for actions that exist in several services."""
    if margin <= 0 or len(r.passages) < 2:
        return list(r.passages[:1])
    words = len(typed_words(r))
    top = r.passages[0]
    close: list[Passage] = [top]
    # the wide band is for a question naming no app: one naming its app ("tải app VNeID ở đâu") is asked back
    # only between guides within `margin` (answers5)
    band = margin if names_app(r) else max(margin, wide)
    for p in r.passages[1:]:
        gap = top.score - p.score
        if gap > max(margin, wide) or len(close) >= 3:
            break
        if p.lang != top.lang or any(_base(p.doc_id) == _base(c.doc_id) for c in close):
            continue
        tie = p.doc_id in r.confusable and gap <= 0.02  # a longer question whose guides are equal and alike
        if tie or (words <= max_words and gap <= band and not _told_apart(r, top, p)):
            close.append(p)
    if across > 0 and words <= max_words and not names_service(r):
        _add_across(r, close, across, depth)
    return close


def _add_across(r: Retrieval, close: list[Passage], across: float, depth: int) -> None:
    """A short question that names no service but whose action exists in several ("đổi số điện thoại",
    "đăng nhập không được", "quên mật khẩu": VNeID, the bank app, Zalo): the best guide of each other topic
    among the first `depth` whose words match the question's as well as the first guide's do and whose lexical
    score is at least `across` of the best — however far behind the first the dense model puts it."""
    top = close[0]
    need = _matched(r, top)
    topics = {c.topic for c in close}
    for p in r.passages[1:depth]:
        if len(close) >= 3:
            break
        if p.topic in topics or p.lang != top.lang or any(_base(p.doc_id) == _base(c.doc_id) for c in close):
            continue
        if p.lexical >= across and need > 0 and _matched(r, p) >= need:
            close.append(p)
            topics.add(p.topic)


def chosen(reply: str, options: Sequence[tuple[str, str, str]]) -> str:
    """The option `(doc_id, topic, title)` a typed reply to a clarifying question picks ("zalo ạ" → the Zalo
    guide, "thẻ ATM", "app ngân hàng"): the title holding more than half of the reply's words and the most of
    them (options are in ranking order: the first of equals); "" when none does, or when the reply is a
    follow-up ("thế còn tạm vắng?")."""
    words = [fold(w) for w in tokens(reply)]
    if words[:2] in (["the", "con"], ["vay", "con"], ["what", "about"], ["how", "about"]) or words[-2:] == ["thi", "sao"]:
        return ""
    content = {w for w in words if w not in _QUESTION_WORDS}
    if not content:
        return ""
    scores = [len(content & set(tokens(fold(title)))) for _, _, title in options]
    best = max(scores, default=0)
    if best * 2 <= len(content):
        return ""
    return options[scores.index(best)][0]
