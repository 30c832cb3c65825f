"""Follow-up questions in context (pure): "thế còn mức 1?" after "đăng ký mức 2 ở đâu" means "đăng ký mức 1
ở đâu", not "đăng ký mức 2 ở đâu còn mức 1" (where the old subject still wins the search).

A follow-up's content is what is left once its leading and trailing markers are dropped ("thế còn … thì sao").
When a content word also occurs in the previous question ("mức", "trú", "tuổi"), the follow-up contrasts that
slot: its words replace the aligned words of the previous question. When no word is shared, the follow-up
either asks about another aspect of the same subject ("lệ phí bao nhiêu", "ở xã thì sao": joined to the
previous question) or names a new subject ("còn eTax Mobile thì sao": the caller tries it on its own first).
"""

from __future__ import annotations

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
