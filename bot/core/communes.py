"""The province's commune-level units (official codes) and a search that forgives missing tone marks.

Citizens type "thuong lam", "xa Thượng Lâm", "TL" or the 5-digit code from a poster; volunteers are
assigned to communes by code. The data comes from `knowledge/communes/<province>.csv` (see its README for
the source); this module is pure and only reads rows handed to it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.text import fold, tokens

_PREFIXES = ("xa ", "phuong ", "thi tran ", "tt ", "p ", "x ")


@dataclass(frozen=True)
class Commune:
    code: str  # official 5-digit code
    name: str  # with its "Xã"/"Phường" prefix
    kind: str = "xã"

    @property
    def short(self) -> str:
        """The name without its kind, e.g. "Thượng Lâm"."""
        return re.sub(r"^(Xã|Phường|Thị trấn)\s+", "", self.name)


def _key(text: str) -> str:
    k = " ".join(tokens(fold(text)))
    for p in _PREFIXES:
        if k.startswith(p):
            return k[len(p):]
    return k


class CommuneDirectory:
    """All commune-level units of one province, searchable by code or (folded) name."""

    def __init__(self, communes: Iterable[Commune], *, province: str = "Tuyên Quang", source: str = "") -> None:
        self.province = province
        self.source = source
        self._all = sorted(communes, key=lambda c: c.code)
        self._by_code = {c.code: c for c in self._all}
        self._keys = {c.code: _key(c.name) for c in self._all}

    def __len__(self) -> int:
        return len(self._all)

    def all(self) -> list[Commune]:
        return list(self._all)

    def get(self, code: str) -> Commune | None:
        code = code.strip()
        if code.isdigit():
            code = code.zfill(5)
        return self._by_code.get(code)

    def name(self, code: str) -> str:
        c = self.get(code)
        return c.name if c else ""

    def search(self, text: str, *, limit: int = 5) -> list[Commune]:
        """Best matches first: exact code; exact name; names starting with / containing the words; then
        close spellings (typos). Tone marks, case and the "xã"/"phường" prefix are ignored."""
        q = text.strip()
        if not q:
            return []
        exact = self.get(q) if q.isdigit() else None
        if exact is not None:
            return [exact]
        k = _key(q)
        if not k:
            return []
        scored: list[tuple[int, str]] = []
        for code, name_key in self._keys.items():
            if name_key == k:
                scored.append((0, code))
            elif name_key.startswith(k):
                scored.append((1, code))
            elif all(w in name_key.split() for w in k.split()):
                scored.append((2, code))
            elif k in name_key:
                scored.append((3, code))
        if not scored:
            close = difflib.get_close_matches(k, list(self._keys.values()), n=limit, cutoff=0.75)
            by_key = {v: c for c, v in self._keys.items()}
            return [self._by_code[by_key[m]] for m in close]
        scored.sort(key=lambda x: (x[0], self._keys[x[1]]))
        return [self._by_code[c] for _, c in scored[:limit]]


def load_communes_csv(text: str, *, province: str = "Tuyên Quang", source: str = "") -> CommuneDirectory:
    """Parse `code,name,kind` rows (the header line is skipped)."""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(text)))
    return CommuneDirectory((Commune(r["code"].strip().zfill(5), r["name"].strip(), (r.get("kind") or "xã").strip())
                             for r in rows if r.get("code") and r.get("name")), province=province, source=source)
