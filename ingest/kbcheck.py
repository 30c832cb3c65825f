"""`binhdan kb check`: validates the curated knowledge base (guides, lessons, lexicon)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from bot.retrieval.lexicon import LexiconError, load_lexicon
from ingest.documents import SourceError
from ingest.readers import GUIDE_REQUIRED, split_front_matter

TOPICS = {"vneid", "dichvucong", "payments", "safety", "local", "general"}
AUDIENCES = {"all", "elderly", "student", "official", "business"}
LANGS = {"vi", "en"}
_STEP = re.compile(r"^\s*1[.)]\s+\S", re.MULTILINE)
_WORD = re.compile(r"\w+")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors


def load_official_domains(path: Path) -> list[str]:
    if not path.exists():
        return ["gov.vn"]
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = line.split("#", 1)[0].strip().lower()
        if d:
            out.append(d)
    return out


def is_official(url: str, domains: list[str]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _looks_reachable(url: str) -> bool:
    p = urlparse(url)
    return p.scheme in ("https", "http") and bool(p.hostname) and "." in (p.hostname or "") and " " not in url


def check_guide(path: Path, meta: dict[str, Any], body: str, domains: list[str], max_words: int,
                stale_days: int, today: dt.date, rep: Report) -> None:
    where = str(path)
    for k in GUIDE_REQUIRED:
        if meta.get(k) in (None, "", []):
            rep.errors.append(f"{where}: front matter lacks '{k}'")
    if meta.get("topic") not in TOPICS:
        rep.errors.append(f"{where}: topic {meta.get('topic')!r} is not one of {sorted(TOPICS)}")
    if meta.get("audience") not in AUDIENCES:
        rep.errors.append(f"{where}: audience {meta.get('audience')!r} is not one of {sorted(AUDIENCES)}")
    if meta.get("lang") not in LANGS:
        rep.errors.append(f"{where}: lang {meta.get('lang')!r} is not one of {sorted(LANGS)}")
    if meta.get("topic") in TOPICS and path.parent.name != meta.get("topic"):
        rep.errors.append(f"{where}: topic {meta.get('topic')!r} but the file is in {path.parent.name}/")
    doc_id = str(meta.get("id", ""))
    if doc_id and path.stem != doc_id:
        rep.errors.append(f"{where}: id {doc_id!r} differs from the file name")
    if meta.get("lang") == "en" and doc_id and not doc_id.endswith("-en"):
        rep.errors.append(f"{where}: an English guide's id must end in '-en'")
    urls = meta.get("source_url")
    urls = urls if isinstance(urls, list) else [urls] if urls else []
    for u in urls:
        if not isinstance(u, str) or not _looks_reachable(u):
            rep.errors.append(f"{where}: source_url {u!r} is not a well-formed http(s) URL")
    if urls and isinstance(urls[0], str) and not is_official(urls[0], domains):
        rep.errors.append(f"{where}: the first source_url {urls[0]!r} is not on an official domain "
                          f"(see knowledge/official_domains.txt)")
    reviewed = meta.get("reviewed_on")
    if reviewed not in (None, ""):
        if isinstance(reviewed, dt.datetime):
            reviewed = reviewed.date()
        if not isinstance(reviewed, dt.date):
            try:
                reviewed = dt.date.fromisoformat(str(reviewed))
            except ValueError:
                rep.errors.append(f"{where}: reviewed_on {reviewed!r} is not a date (YYYY-MM-DD)")
                reviewed = None
        if isinstance(reviewed, dt.date):
            if reviewed > today:
                rep.errors.append(f"{where}: reviewed_on {reviewed} is in the future")
            elif (today - reviewed).days > stale_days:
                rep.warnings.append(f"{where}: stale, reviewed {(today - reviewed).days} days ago")
    if not isinstance(meta.get("tags"), list):
        rep.errors.append(f"{where}: tags must be a list")
    if "questions" in meta and not isinstance(meta["questions"], list):
        rep.errors.append(f"{where}: questions must be a list")
    words = len(_WORD.findall(body))
    if words > max_words:
        rep.errors.append(f"{where}: the body has {words} words (at most {max_words})")
    if not _STEP.search(body):
        rep.errors.append(f"{where}: no numbered steps ('1. …')")
    heading = "## Notes" if meta.get("lang") == "en" else "## Lưu ý"
    if heading not in body:
        rep.errors.append(f"{where}: missing the '{heading}' section")
    if unicodedata.normalize("NFC", body) != body:
        rep.errors.append(f"{where}: text is not NFC-normalised")


def check_lessons(directory: Path, guide_ids: set[str], rep: Report) -> None:
    ids: Counter[str] = Counter()
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            rep.errors.append(f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
            rep.errors.append(f"{path}: a module needs 'id', 'title' and a list of 'lessons'")
            continue
        rep.counts["modules"] += 1
        for k in ("id", "title", "title_en", "order"):
            if data.get(k) in (None, ""):
                rep.errors.append(f"{path}: module lacks '{k}'")
        ids[str(data.get("id"))] += 1
        for g in data.get("guides") or []:
            if g not in guide_ids:
                rep.errors.append(f"{path}: module names unknown guide {g!r}")
        for lesson in data["lessons"]:
            lid = str(lesson.get("id", "?")) if isinstance(lesson, dict) else "?"
            if not isinstance(lesson, dict):
                rep.errors.append(f"{path}: a lesson must be a mapping")
                continue
            rep.counts["lessons"] += 1
            ids[lid] += 1
            cards = lesson.get("cards") or []
            if not 3 <= len(cards) <= 6:
                rep.errors.append(f"{path}: lesson {lid} has {len(cards)} cards (3-6)")
            for c in cards:
                rep.counts["cards"] += 1
                if not isinstance(c, str) or not c.strip() or len(c) > 300:
                    rep.errors.append(f"{path}: lesson {lid} has a card that is empty or over 300 characters")
            if not isinstance(lesson.get("practice"), dict) or not lesson["practice"].get("task"):
                rep.errors.append(f"{path}: lesson {lid} lacks a practice task")
            quiz = lesson.get("quiz") or []
            if not 3 <= len(quiz) <= 5:
                rep.errors.append(f"{path}: lesson {lid} has {len(quiz)} quiz items (3-5)")
            for item in quiz:
                qid = str(item.get("id", "?")) if isinstance(item, dict) else "?"
                rep.counts["quiz_items"] += 1
                ids[qid] += 1
                opts = item.get("options") if isinstance(item, dict) else None
                if not isinstance(opts, list) or len(opts) < 2:
                    rep.errors.append(f"{path}: quiz {qid} needs at least two options")
                    continue
                correct = sum(1 for o in opts if isinstance(o, dict) and o.get("correct") is True)
                if correct != 1:
                    rep.errors.append(f"{path}: quiz {qid} has {correct} correct options (exactly 1)")
                if any(not isinstance(o, dict) or not str(o.get("text", "")).strip() for o in opts):
                    rep.errors.append(f"{path}: quiz {qid} has an option without text")
                if not str(item.get("question", "")).strip() or not str(item.get("explanation", "")).strip():
                    rep.errors.append(f"{path}: quiz {qid} lacks its question or explanation")
    for i, n in ids.items():
        if n > 1:
            rep.errors.append(f"{directory}: id {i!r} is used {n} times")


def check_kb(*, guides_dir: Path, lessons_dir: Path, lexicon_dir: Path, domains_file: Path,
             max_words: int = 400, stale_days: int = 180, today: dt.date | None = None) -> Report:
    rep = Report()
    today = today or dt.date.today()
    domains = load_official_domains(domains_file)
    seen: dict[str, Path] = {}
    for path in sorted(guides_dir.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            raw = path.read_bytes().decode("utf-8")
            meta, body, _ = split_front_matter(path, raw)
        except UnicodeDecodeError as exc:
            rep.errors.append(f"{path}: not valid UTF-8 (byte {exc.start})")
            continue
        except SourceError as exc:
            rep.errors.append(str(exc))
            continue
        rep.counts["guides"] += 1
        rep.counts[f"guides:{meta.get('topic')}:{meta.get('lang')}"] += 1
        doc_id = str(meta.get("id", ""))
        if doc_id in seen:
            rep.errors.append(f"{path}: duplicate id {doc_id!r} (also {seen[doc_id]})")
        seen[doc_id] = path
        check_guide(path, meta, body, domains, max_words, stale_days, today, rep)
    for doc_id, path in seen.items():
        if doc_id.endswith("-en") and doc_id.removesuffix("-en") not in seen:
            rep.warnings.append(f"{path}: English guide without its Vietnamese original")
    if lessons_dir.exists():
        check_lessons(lessons_dir, set(seen), rep)
    try:
        lex = load_lexicon(lexicon_dir)
        rep.counts["lexicon_abbreviations"] = lex.size
        rep.counts["lexicon_synonyms"] = len(lex.synonyms)
    except LexiconError as exc:
        rep.errors.append(str(exc))
    return rep
