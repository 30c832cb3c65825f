"""`check_kb`: every guide, the lessons and the lexicon, plus the rules that look across guides."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from bot.retrieval.lexicon import LexiconError, load_lexicon
from ingest.documents import SourceError
from ingest.kbcheck.guides import check_guide
from ingest.kbcheck.lessons import check_lessons
from ingest.kbcheck.report import Report, as_date, load_domain_list, load_official_domains
from ingest.readers import split_front_matter

BULK_SHARE = 0.8  # more than this share of guides with one reviewed_on date looks like a bulk stamp
BULK_MIN_GUIDES = 5


def check_kb(*, guides_dir: Path, lessons_dir: Path, lexicon_dir: Path, domains_file: Path,
             denylist_file: Path | None = None, max_words: int = 400, stale_days: int = 180,
             today: dt.date | None = None) -> Report:
    rep = Report()
    today = today or dt.date.today()
    domains = load_official_domains(domains_file)
    denylist = load_domain_list(denylist_file or domains_file.with_name("source_denylist.txt"))
    seen: dict[str, Path] = {}
    reviewed: Counter[dt.date] = Counter()
    for path in sorted(guides_dir.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            raw = path.read_bytes().decode("utf-8")
            meta, body, _ = split_front_matter(path, raw)
        except UnicodeDecodeError as exc:
            rep.error("encoding", f"{path}: not valid UTF-8 (byte {exc.start})")
            continue
        except SourceError as exc:
            rep.error("front-matter", str(exc))
            continue
        rep.counts["guides"] += 1
        rep.counts[f"guides:{meta.get('topic')}:{meta.get('lang')}"] += 1
        doc_id = str(meta.get("id", ""))
        if doc_id in seen:
            rep.error("front-matter", f"{path}: duplicate id {doc_id!r} (also {seen[doc_id]})")
        seen[doc_id] = path
        day = as_date(meta.get("reviewed_on"))
        if day is not None:
            reviewed[day] += 1
        check_guide(path, meta, body, domains, max_words, stale_days, today, rep, denylist)
    for doc_id, path in seen.items():
        if doc_id.endswith("-en") and doc_id.removesuffix("-en") not in seen:
            rep.warn("twin", f"{path}: English guide without its Vietnamese original")
    total = sum(reviewed.values())
    if total >= BULK_MIN_GUIDES:
        day, n = reviewed.most_common(1)[0]
        if n / total > BULK_SHARE:
            rep.warn("bulk-reviewed-on", f"{guides_dir}: {n} of {total} guides share reviewed_on {day} — a bulk stamp? "
                                         f"reviewed_on is the day that guide's facts were checked")
    if lessons_dir.exists():
        check_lessons(lessons_dir, set(seen), rep, domains)
    try:
        lex = load_lexicon(lexicon_dir)
        rep.counts["lexicon_abbreviations"] = lex.size
        rep.counts["lexicon_synonyms"] = len(lex.synonyms)
    except LexiconError as exc:
        rep.error("lexicon", str(exc))
    return rep
