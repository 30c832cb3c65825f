"""Follow-up questions in context (pure): "thế còn mức 1?" after "đăng ký mức 2 ở đâu" means "đăng ký mức 1
ở đâu", not "đăng ký mức 2 ở đâu còn mức 1" (where the old subject still wins the search).

A follow-up's content is what is left once its leading and trailing markers are dropped ("thế còn … thì sao").
When a content word also occurs in the previous question ("mức", "trú", "tuổi"), the follow-up contrasts that
slot: its words replace the aligned words of the previous question. When no word is shared, the follow-up
either asks about another aspect of the same subject ("lệ phí bao nhiêu", "ở xã thì sao": joined to the
previous question) or names a new subject ("còn eTax Mobile thì sao": the caller tries it on its own first).

A fragment ("trên VNeID", "ở xã", "cho trẻ em", "bằng app ngân hàng") or a bare service name ("zalo ạ") is a
follow-up too: it only makes sense with the previous question. When it names a service (VNeID, the bank app,
Zalo…) and the previous question named another, that service takes the other's place ("quên mật khẩu VNeID" →
"còn Zalo thì sao" → "quên mật khẩu Zalo").
"""

from __future__ import annotations

from itertools import pairwise

from bot.core.answering.clarify import TOPIC_NAMES
from bot.core.text import fold, tokens

_START = ("the con", "vay con", "con", "the", "vay", "neu", "what about", "how about", "and", "what if")
_END = ("thi the nao", "thi lam sao", "thi sao a", "thi sao", "the nao", "duoc khong", "dc ko", "dc k",
        "duoc ko", "khong", "ko", "a", "nhi", "nhe", "vay")
# Words that never carry the subject of a question: they do not anchor a contrast.
_STOP = frozenset({
    "thi", "lam", "the", "nao", "sao", "gi", "la", "co", "khong", "ko", "duoc", "dc", "o", "dau", "cho", "va",
    "cua", "khi", "bao", "nhieu", "nhu", "nhe", "hoac", "bi", "toi", "minh", "ban", "can", "nhung", "cac",
    "mot", "ai", "voi", "tren", "vao", "ra", "de", "neu", "con", "hay", "da", "se", "dang", "a", "ad", "vay",
    "nen", "phai", "roi", "nua", "lai", "what", "about", "how", "an", "of", "for", "is", "do", "i", "my", "to", "in", "and", "if",
})
# Words that ask about an aspect of the subject already in context (a fee, a time, a place, a paper).
_ASPECT = _STOP | frozenset({
    "le", "phi", "lau", "mat", "xa", "phuong", "huyen", "tinh", "giay", "to", "ho", "so", "nop", "online",
    "truc", "tuyen", "tien", "ngay", "thang", "nam", "thoi", "gian", "han", "huong", "dan", "cach", "buoc",
    "fee", "cost", "long", "where", "when", "much", "many", "documents", "papers", "commune",
})


def follow_up_content(question: str) -> list[str]:
    """The follow-up's words without its leading and trailing markers ("thế còn mức 1 thì sao" → mức 1)."""
    words = tokens(question)
    folded = [fold(w) for w in words]
    changed = True
    while changed and words:
        changed = False
        for m in _START:
            n = len(m.split())
            if len(words) > n and folded[:n] == m.split():
                words, folded, changed = words[n:], folded[n:], True
                break
        for m in _END:
            n = len(m.split())
            if len(words) > n and folded[-n:] == m.split():
                words, folded, changed = words[:-n], folded[:-n], True
                break
    return words


def contrast(previous: str, question: str) -> str | None:
    """The previous question with the follow-up's slot substituted, or None when no content word is shared
    or the follow-up brings no new subject word ("thế có nên nộp không" after "… bắt nộp phí", "thế mất bao lâu"
    after "mất căn cước …")."""
    prev = tokens(previous)
    pf = [fold(w) for w in prev]
    content = follow_up_content(question)
    cf = [fold(w) for w in content]
    if not any(t not in _ASPECT and t not in pf for t in cf):  # no new subject word to put in the slot
        return None
    for i, t in enumerate(cf):
        if t in _STOP or t not in pf:
            continue
        j = pf.index(t)
        start = max(0, j - i)
        end = min(len(prev), start + len(content))
        if pf[start:end] == cf:
            return None
        return " ".join([*prev[:start], *content, *prev[end:]])
    return None


def names_new_subject(question: str) -> bool:
    """True when the follow-up's content has a word beyond the aspects of a subject in context."""
    return any(fold(w) not in _ASPECT and len(w) > 1 for w in follow_up_content(question))


# A fragment starts with a preposition and is short; "cho hỏi …" is a polite opening, not a fragment.
_FRAGMENT_START = frozenset({"tren", "o", "bang", "qua", "voi", "cho", "khi", "luc", "trong", "ngoai",
                             "on", "in", "with", "by", "via", "for", "at", "from"})
_POLITE = frozenset({"hoi", "em", "minh", "toi", "tui", "chau", "con", "anh", "chi", "ad"})
# Words by which a citizen names an app or an account without saying more ("app ngân hàng", "tài khoản Zalo").
_APP_WORDS = frozenset({"app", "tk", "cua", "the"})
_APP_PAIRS = (("tai", "khoan"), ("ung", "dung"))
_SERVICE_WORDS = frozenset().union(*TOPIC_NAMES.values())


def _with_pairs(folded: list[str]) -> set[str]:
    return set(folded) | {f"{a}_{b}" for a, b in pairwise(folded)}


def _services(folded: list[str]) -> set[str]:
    """The topics a folded word list names (TOPIC_NAMES)."""
    found = _with_pairs(folded)
    return {topic for topic, names in TOPIC_NAMES.items() if found & names}


def is_fragment(question: str) -> bool:
    """A short message that is not a question on its own: a preposition and a few words ("trên VNeID",
    "ở xã thì sao"), or only the name of a service ("zalo ạ", "app ngân hàng")."""
    content = [fold(w) for w in follow_up_content(question)]
    if not content or len(content) > 4:
        return False
    if content[0] in _FRAGMENT_START and not (content[0] == "cho" and len(content) > 1 and content[1] in _POLITE):
        return len(content) > 1 or content[0] in ("o", "tren")
    rest = [w for w in _drop_pairs(content, _APP_PAIRS) if w not in _ASPECT and w not in _APP_WORDS]
    pairs = _with_pairs(rest)
    return bool(rest) and all(w in _SERVICE_WORDS or any(w in p.split("_") for p in pairs & _SERVICE_WORDS)
                              for w in rest)


def asks_aspect_only(question: str) -> bool:
    """A short question with no subject of its own, only an aspect ("lệ phí bao nhiêu?", "mất bao lâu thì
    có", "cần giấy tờ gì"): it is about the subject in context."""
    content = [fold(w) for w in follow_up_content(question)]
    return 0 < len(content) <= 6 and all(w in _ASPECT for w in content)


def _drop_pairs(words: list[str], pairs: tuple[tuple[str, str], ...]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and (words[i], words[i + 1]) in pairs:
            i += 2
            continue
        out.append(words[i])
        i += 1
    return out


def swap_service(previous: str, question: str) -> str | None:
    """The previous question with its service replaced by the one the follow-up names ("quên mật khẩu
    VNeID" + "còn Zalo thì sao" → "quên mật khẩu Zalo"), or None when the follow-up names no service or
    the same one."""
    content = follow_up_content(question)
    new = _services([fold(w) for w in content])
    if not new:
        return None
    prev = tokens(previous)
    pf = [fold(w) for w in prev]
    old = _services(pf)
    if not old or new <= old:
        return None
    names = set().union(*(TOPIC_NAMES[t] for t in old))
    drop: set[int] = set()
    for i, w in enumerate(pf):
        if w in names:
            drop.add(i)
        if i + 1 < len(pf) and f"{w}_{pf[i + 1]}" in names:
            drop.update((i, i + 1))
    kept = [w for i, w in enumerate(prev) if i not in drop]
    extra = [w for w in content if fold(w) not in _STOP or fold(w) in _SERVICE_WORDS]
    return " ".join([*kept, *extra])


_FOLLOW_UP_START = ("con ", "the con ", "vay con ", "the ", "vay ", "neu ", "what about ", "and ", "how about ")
_FOLLOW_UP_END = ("thi sao", "the nao", "thi the nao", "duoc khong", "dc ko", "thi sao a", "thi lam sao")


def is_follow_up(question: str) -> bool:
    """A short question that leans on the previous one ("còn mức 1 thì sao?", "trên VNeID", "lệ phí bao nhiêu?")."""
    f = " ".join(tokens(fold(question)))
    if len(f.split()) > 8:
        return False
    return (f.startswith(_FOLLOW_UP_START) or f.endswith(_FOLLOW_UP_END) or is_fragment(question)
            or asks_aspect_only(question))
