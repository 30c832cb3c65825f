"""The abbreviation/teencode lexicon and synonym groups, loaded from `knowledge/lexicon/` (TSV data)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.text import nfc

log = logging.getLogger(__name__)


class LexiconError(ValueError):
    """A malformed lexicon file; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    replace: dict[str, tuple[str, ...]] = field(default_factory=dict)  # short -> tokens that replace it
    expand: dict[str, tuple[str, ...]] = field(default_factory=dict)  # short -> tokens added after it
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # term -> canonical term tokens

    @property
    def size(self) -> int:
        return len(self.replace) + len(self.expand)

    def apply(self, words: list[str], known: frozenset[str] | set[str] = frozenset()) -> list[str]:
        """Rewrite lower-cased tokens: replace teencode; append the expansion of an acronym only when
        the knowledge base itself does not use the short form (`known`: its accent-folded words), so
        "vneid" stays "vneid" while "gplx" also searches "giấy phép lái xe" if no guide writes "GPLX"."""
        from bot.core.text import fold

        out: list[str] = []
        for w in words:
            if w in self.replace:
                out.extend(self.replace[w])
            elif w in self.expand:
                out.append(w)
                if fold(w) not in known:
                    out.extend(self.expand[w])
            else:
                out.append(w)
        return out


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append((n, line.split("\t")))
    return rows


def load_lexicon(directory: Path) -> Lexicon:
    """Load `abbreviations.tsv` and `synonyms.tsv` from `directory` (missing files give an empty lexicon).

    Raises:
        LexiconError: a row with the wrong number of columns or an unknown mode.
    """
    replace: dict[str, tuple[str, ...]] = {}
    expand: dict[str, tuple[str, ...]] = {}
    synonyms: dict[str, tuple[str, ...]] = {}
    abbr = directory / "abbreviations.tsv"
    if abbr.exists():
        for n, cols in _rows(abbr):
            if cols[0].strip().lower() == "abbr":
                continue
            if len(cols) < 3:
                raise LexiconError(f"{abbr}:{n}: expected 'abbr<TAB>expansion<TAB>mode[<TAB>note]'")
            short, expansion, mode = nfc(cols[0].strip().lower()), nfc(cols[1].strip().lower()), cols[2].strip()
            if not short or not expansion:
                raise LexiconError(f"{abbr}:{n}: empty abbreviation or expansion")
            if mode not in ("replace", "expand"):
                raise LexiconError(f"{abbr}:{n}: mode must be 'replace' or 'expand', not {mode!r}")
            (replace if mode == "replace" else expand)[short] = tuple(expansion.split())
    syn = directory / "synonyms.tsv"
    if syn.exists():
        for n, cols in _rows(syn):
            terms = [nfc(t.strip().lower()) for t in "\t".join(cols).split("|") if t.strip()]
            if len(terms) < 2:
                raise LexiconError(f"{syn}:{n}: a synonym group needs at least two terms")
            for t in terms[1:]:
                synonyms.setdefault(t, tuple(terms[0].split()))
    return Lexicon(replace=replace, expand=expand, synonyms=synonyms)
