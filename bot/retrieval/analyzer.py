"""Query normalisation: NFC, case, abbreviations/teencode, synonyms, tone-mark restoration, and the
accent-folded syllable + bigram tokens that the lexical index uses on both sides."""

from __future__ import annotations

import itertools

from bot.core.text import clean, fold, has_tone_marks, tokens
from bot.core.types import QueryAnalysis
from bot.retrieval.lexicon import Lexicon
from bot.retrieval.tones import ToneModel

# Common English words; a question made mostly of these is treated as English.
_ENGLISH = frozenset({
    "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but",
    "by", "can", "cannot", "could", "did", "do", "does", "doing", "done", "for", "forgot", "forget",
    "forgotten", "from", "get", "gets", "getting", "got", "has", "have", "how", "i", "if", "in", "into", "is",
    "it", "its", "lost", "may", "me", "my", "need", "needs", "no", "not", "of", "on", "or", "our", "should",
    "so", "some", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "up", "use",
    "used", "using", "want", "was", "way", "we", "what", "when", "where", "which", "who", "why", "will", "with",
    "without", "would", "you", "your", "account", "app", "apply", "applying", "bank", "card", "change",
    "changed", "code", "create", "register", "registration", "password", "phone", "number", "identity", "id",
    "level", "online", "payment", "pay", "paid", "money", "transfer", "wrong", "scam", "scammed", "police",
    "call", "someone", "fake", "help", "birth", "certificate", "child", "children", "license", "licence",
    "driving", "renew", "renewal", "health", "insurance", "fee", "fees", "status", "check", "service",
    "services", "public", "portal", "national", "electronic", "activate", "activation", "install", "installed",
    "log", "login", "sign", "new", "old", "send", "sent", "receive", "received", "please", "hello", "hi",
    "thanks", "thank", "much", "cost", "long", "take", "document", "documents", "residence",
    "temporary", "permanent",
})


def lexical_tokens(words: list[str]) -> list[str]:
    """Accent-folded syllables plus adjacent syllable bigrams ("mat", "khau", "mat_khau")."""
    folded = [fold(w) for w in words]
    return folded + [f"{a}_{b}" for a, b in itertools.pairwise(folded)]


def is_english(words: list[str], text: str) -> bool:
    if not words or has_tone_marks(text):
        return False
    hits = sum(1 for w in words if w in _ENGLISH)
    return (hits >= 2 and hits / len(words) >= 0.4) or (len(words) <= 2 and hits == len(words))


class QueryAnalyzer:
    def __init__(self, lexicon: Lexicon, tones: ToneModel | None, *, restore: bool = True,
                 max_chars: int = 1000, vocabulary: frozenset[str] = frozenset(), dense_synonyms: bool = True) -> None:
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self.tones = tones
        self.restore = restore
        self.max_chars = max_chars
        # the synonyms' canonical terms are also read by the dense model (off: it reads the question alone; a
        # canonical term such as "định danh điện tử" for "VNeID" pulled every question toward the same guides)
        self.dense_synonyms = dense_synonyms

    def _synonyms(self, words: list[str]) -> list[str]:
        extra: list[str] = []
        syn = self.lexicon.synonyms
        if not syn:
            return extra
        n = len(words)
        taken = [False] * n  # longest phrase first; its words are not matched again ("ứng dụng vneid", not "vneid" too)
        for size in (4, 3, 2, 1):
            for i in range(n - size + 1):
                if any(taken[i:i + size]):
                    continue
                canon = syn.get(" ".join(words[i:i + size]))
                if canon:
                    taken[i:i + size] = [True] * size
                    if not any(canon == tuple(extra[j:j + len(canon)]) for j in range(len(extra))):
                        extra.extend(canon)  # one group's canonical term once
        return extra

    def analyze(self, question: str) -> QueryAnalysis:
        text = clean(question)[: self.max_chars]
        words = tokens(text)
        if is_english(words, text):
            return QueryAnalysis(
                original=question, normalized=" ".join(words), restored=text,
                folded_tokens=tuple(lexical_tokens(words)), kind="english", lang="en",
            )
        kind = "accented" if has_tone_marks(text) else "unaccented"
        expanded = self.lexicon.apply(words, self.vocabulary)
        restored = self.tones.restore_tokens(expanded) if self.restore and self.tones is not None else expanded
        extra = self._synonyms(restored)
        lex_words = restored + extra
        # The dense model reads a question typed with marks as typed (case and punctuation help it);
        # an unaccented one in its restored form. Synonym canonical terms are appended either way.
        base = text if kind == "accented" else " ".join(restored)
        dense_text = " ".join([base, *[w for w in extra if w not in restored]]) if self.dense_synonyms else base
        return QueryAnalysis(
            original=question,
            normalized=" ".join(expanded),
            restored=dense_text,
            folded_tokens=tuple(lexical_tokens(lex_words)),
            kind=kind,
            lang="vi",
        )
