"""The unanswered-question inbox (pure): questions the bot answered with low confidence or that a citizen
marked "Chưa đúng", grouped by similarity so an editor sees "23 people asked this" once.

Similarity is the overlap of the questions' informative words (tone marks, case and common function
words ignored): two questions are in one group when the Jaccard index of their word sets reaches the
threshold against the group's first question. The question text is already redacted when stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.text import fold, tokens

# Function words that say nothing about the topic, folded. Folding merges words ("mã"/"mà", "thẻ"/"thế",
# "đăng"/"đang", "ví"/"vì"), so only words whose every accented form is a function word are listed.
_FUNCTION_WORDS = """
a ai anh bi chu co cua da duoc em gi giup ha hoi khi khong la lam minh mot muon nao nay ne nhe nhu nhung
nua oi roi sao se thi thoi toi trong va voi xin
how what where why does i is my of for
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())


@dataclass(frozen=True)
class AskedQuestion:
    id: int
    text: str  # already redacted
    asked_at: datetime
    channel: str
    covered: bool
    feedback: str | None
    confidence: float
    source_ids: tuple[str, ...] = ()


@dataclass
class QuestionGroup:
    questions: list[AskedQuestion] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)

    def as_dict(self, *, examples: int = 5) -> dict[str, object]:
        seen: list[str] = []
        for q in self.questions:
            if q.text not in seen:
                seen.append(q.text)
        guesses = Counter(s for q in self.questions for s in q.source_ids[:1])
        return {
            "key": self.questions[0].id,
            "count": self.count,
            "not_covered": sum(1 for q in self.questions if not q.covered),
            "not_helpful": sum(1 for q in self.questions if q.feedback == "not_helpful"),
            "examples": seen[:examples],
            "question_ids": [q.id for q in self.questions],
            "channels": dict(Counter(q.channel for q in self.questions)),
            "first_at": min(q.asked_at for q in self.questions).isoformat(),
            "last_at": max(q.asked_at for q in self.questions).isoformat(),
            "nearest_guide": guesses.most_common(1)[0][0] if guesses else "",
        }


def words(text: str) -> frozenset[str]:
    """The informative words of a question: folded, without function words (all of them when only
    function words are left)."""
    toks = tokens(fold(text))
    kept = frozenset(t for t in toks if t not in STOPWORDS and len(t) > 1)
    return kept or frozenset(toks)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def group_questions(items: Iterable[AskedQuestion], *, threshold: float = 0.5) -> list[QuestionGroup]:
    """Groups, largest first (ties: most recently asked first). Questions with empty text (erased by the
    citizen or by retention) are left out."""
    groups: list[tuple[frozenset[str], QuestionGroup]] = []
    exact: dict[frozenset[str], QuestionGroup] = {}
    for q in items:
        if not q.text.strip():
            continue
        w = words(q.text)
        g = exact.get(w)
        if g is None:
            best, best_sim = None, threshold
            for seed, cand in groups:
                sim = similarity(seed, w)
                if sim >= best_sim:
                    best, best_sim = cand, sim
            g = best
            if g is None:
                g = QuestionGroup()
                groups.append((w, g))
            exact[w] = g
        g.questions.append(q)
    out = [g for _, g in groups]
    out.sort(key=lambda g: (-g.count, -max(q.asked_at.timestamp() for q in g.questions)))
    return out


def suggested_phrasing(group: QuestionGroup | Sequence[AskedQuestion]) -> str:
    """The most frequent wording of a group (the first asked on a tie), to prefill a guide's questions."""
    qs = group.questions if isinstance(group, QuestionGroup) else list(group)
    counts = Counter(q.text.strip() for q in qs if q.text.strip())
    return counts.most_common(1)[0][0] if counts else ""
