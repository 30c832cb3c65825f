"""Tone-mark restoration for unaccented Vietnamese, learned from the knowledge base's own text.

A bigram language model over accented syllables, with candidates per accent-folded syllable; Viterbi
decoding picks the most likely accented sentence ("quen mat khau" -> "quên mật khẩu"). Syllables that
already carry marks are kept as typed; unknown syllables pass through unchanged. The model is fitted at
ingest time and saved with the index (it belongs to the index: same vocabulary, same build).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from bot.core.text import fold, tokens

_BOS = "<s>"
_WORD = re.compile(r"\w+", re.UNICODE)


class ToneModel:
    def __init__(
        self,
        unigrams: dict[str, int],
        bigrams: dict[str, dict[str, int]],
        *,
        max_candidates: int = 8,
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = max(1, sum(unigrams.values()))
        self.max_candidates = max_candidates
        cands: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for w, c in unigrams.items():
            cands[fold(w)].append((c, w))
        self.candidates = {
            f: [w for _, w in sorted(v, reverse=True)[:max_candidates]] for f, v in cands.items()
        }
        self._prev_totals = {p: sum(d.values()) for p, d in bigrams.items()}
        self._uni_den = self.total + 0.1 * len(self.unigrams) + 1

    @classmethod
    def fit(cls, texts: Iterable[str], *, min_count: int = 1) -> ToneModel:
        uni: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            words = [w for w in _WORD.findall(text.lower()) if not w.isdigit()]
            if not words:
                continue
            uni.update(words)
            pairs[(_BOS, words[0])] += 1
            pairs.update(itertools.pairwise(words))
        unigrams = {w: c for w, c in uni.items() if c >= min_count}
        bigrams: dict[str, dict[str, int]] = defaultdict(dict)
        for (a, b), c in pairs.items():
            if b in unigrams:
                bigrams[a][b] = c
        return cls(unigrams, dict(bigrams))

    def _logp(self, prev: str, w: str, alpha: float = 2.0) -> float:
        p_uni = (self.unigrams.get(w, 0) + 0.1) / self._uni_den
        row = self.bigrams.get(prev)
        if not row:
            return math.log(p_uni)
        return math.log((row.get(w, 0) + alpha * p_uni) / (self._prev_totals[prev] + alpha))

    def restore_tokens(self, words: list[str]) -> list[str]:
        """Restore marks on lower-cased tokens; accented or unknown tokens are kept as they are."""
        if not words:
            return []
        lattice: list[list[str]] = []
        for w in words:
            if fold(w) != w or w.isdigit():
                lattice.append([w])
            else:
                lattice.append(self.candidates.get(w, [w]) or [w])
        # Viterbi over the lattice (the arithmetic of `_logp`, with what depends only on the candidate hoisted).
        best: dict[str, tuple[float, list[str]]] = {_BOS: (0.0, [])}
        uni, bigrams, totals, log = self.unigrams, self.bigrams, self._prev_totals, math.log
        alpha = 2.0
        for options in lattice:
            nxt: dict[str, tuple[float, list[str]]] = {}
            for cand in options:
                p_uni = (uni.get(cand, 0) + 0.1) / self._uni_den
                log_uni = log(p_uni)
                top, top_path = -math.inf, []  # every score is finite (probabilities > 0)
                for prev, (s, path) in best.items():
                    row = bigrams.get(prev)
                    v = s + (log((row.get(cand, 0) + alpha * p_uni) / (totals[prev] + alpha)) if row else log_uni)
                    if v > top:  # the first best, as max() picks it
                        top, top_path = v, path
                nxt[cand] = (top, [*top_path, cand])
            best = nxt
        return max(best.values(), key=lambda t: t[0])[1]

    def restore(self, text: str) -> str:
        return " ".join(self.restore_tokens(tokens(text)))

    def save(self, path: Path) -> None:
        path.write_text(
            json.dumps({"unigrams": self.unigrams, "bigrams": self.bigrams}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, path: Path) -> ToneModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["unigrams"], data["bigrams"])
