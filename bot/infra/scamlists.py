"""Reads the scam checker's lists from `knowledge/`: official domains and official hotlines.

`official_domains.txt`: one domain per line, `#` starts a comment (the source of each entry).
`official_hotlines.txt`: `number<TAB>owner<TAB>source`, `#` starts a comment. Numbers are stored as
digits only ("1900 545 413" -> "1900545413"). A missing file gives an empty list and a warning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from bot.core.scamcheck import ScamChecker, ScamLists
from bot.core.scamcheck.extract import normalise_phone

log = logging.getLogger(__name__)


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("scam checker list %s is missing", path)
        return []
    return [line.split("#", 1)[0].rstrip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def read_domains(path: Path) -> tuple[str, ...]:
    return tuple(line.strip().lower() for line in _lines(path))


def read_hotlines(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines(path):
        parts = [p.strip() for p in line.split("\t") if p.strip()]
        digits = re.sub(r"\D", "", parts[0]) if parts else ""
        if digits:
            out[digits] = parts[1] if len(parts) > 1 else ""
    return out


def load_scam_lists(domains: Path, hotlines: Path, *, reported_domains: Iterable[str] = (),
                    reported_phones: Iterable[str] = ()) -> ScamLists:
    return ScamLists(official_domains=read_domains(domains), official_phones=read_hotlines(hotlines),
                     reported_domains=tuple(reported_domains),
                     reported_phones=frozenset(normalise_phone(p) for p in reported_phones))


def build_checker(*, domains: Path, hotlines: Path, guide_dirs: Iterable[Path], reported_domains: Iterable[str] = (),
                  reported_phones: Iterable[str] = ()) -> ScamChecker:
    """The checker over the lists of knowledge/ (and reported items), pointing to the guides found in
    `guide_dirs`. Light on purpose: `binhdan check-message` starts with this and the core only."""
    lists = load_scam_lists(domains, hotlines, reported_domains=reported_domains, reported_phones=reported_phones)
    guide_ids = {p.stem for base in guide_dirs if base.is_dir() for p in base.rglob("*.md")}
    return ScamChecker(lists, guide_ids=guide_ids)
