"""Rules for one guide (`knowledge/guides/<topic>/<id>.md`): front matter, sources, facts, citizen text and
the plain-language structure of knowledge/README.md and the second-edition rules (issue 16)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import Any

from bot.core.text import has_tone_marks
from ingest.kbcheck.facts import check_required_facts, parse_facts
from ingest.kbcheck.report import Report, _looks_reachable, as_date, is_official, source_problem
from ingest.kbcheck.text import editor_notes, example_passwords, gov_vn_only, undefanged_domains
from ingest.readers import GUIDE_REQUIRED

TOPICS = {"vneid", "dichvucong", "payments", "safety", "local", "general"}
AUDIENCES = {"all", "elderly", "student", "official", "business"}
LANGS = {"vi", "en"}
SECOND_EDITION = dt.date(2026, 12, 1)  # guides reviewed on or after this day follow every rule strictly
MAIN_PATH_WARN, MAIN_PATH_MAX = 250, 300
MAX_NOTES = 3
MIN_QUESTIONS = 4
_STEP = re.compile(r"^\s*1[.)]\s+\S", re.MULTILINE)
_NUMBERED = re.compile(r"^\s{0,3}(\d+)[.)]\s+\S", re.MULTILINE)
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+\S", re.MULTILINE)
_WORD = re.compile(r"\w+")


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) of each `## ` section; the text before the first heading has heading ''."""
    out: list[tuple[str, str]] = []
    head, buf = "", list[str]()
    for line in body.splitlines():
        if line.startswith("## "):
            out.append((head, "\n".join(buf)))
            head, buf = line[3:].strip(), []
        else:
            buf.append(line)
    out.append((head, "\n".join(buf)))
    return out


def citizen_text(meta: dict[str, Any], body: str) -> str:
    questions = meta.get("questions") if isinstance(meta.get("questions"), list) else []
    return "\n".join([str(meta.get("title") or ""), str(meta.get("summary") or ""),
                      *(str(q) for q in questions or []), body])


def check_text(where: str, text: str, domains: list[str], rep: Report) -> None:
    """The citizen-text rules shared by guides and lessons."""
    for d in undefanged_domains(text, domains):
        rep.error("defang", f"{where}: non-official domain {d!r} must be written defanged (e.g. vneid-gov[.]com) "
                            f"and never as a link")
    for n in editor_notes(text):
        rep.error("editor-notes", f"{where}: editor note {n!r} in citizen text (move it to front matter "
                                  f"'editor_notes'; say only what is true, or 'hỏi Công an xã / bộ phận một cửa')")
    for p in example_passwords(text):
        rep.error("password-example", f"{where}: shows an example password {p!r} (describe the pattern instead)")
    for s in gov_vn_only(text):
        rep.error("gov-vn-only", f"{where}: teaches '.gov.vn only' ({s!r}); teach 'check the exact official "
                                 f"address' (knowledge/official_domains.txt)")


def _check_sources(where: str, meta: dict[str, Any], domains: list[str], denylist: list[str], rep: Report) -> None:
    urls = meta.get("source_url")
    urls = urls if isinstance(urls, list) else [urls] if urls else []
    for n, u in enumerate(urls):
        if not isinstance(u, str) or not _looks_reachable(u):
            rep.error("source", f"{where}: source_url {u!r} is not a well-formed http(s) URL")
            continue
        problem = source_problem(u, denylist)
        if problem and n == 0:
            rep.error("source-quality", f"{where}: the first source_url {u!r} {problem}")
        elif problem:
            rep.warn("source-quality", f"{where}: source_url #{n + 1} {u!r} {problem}")
    if urls and isinstance(urls[0], str) and not is_official(urls[0], domains):
        rep.error("source", f"{where}: the first source_url {urls[0]!r} is not on an official domain "
                            f"(see knowledge/official_domains.txt)")


def _check_structure(where: str, meta: dict[str, Any], body: str, rep: Report) -> None:
    notes_heading = "Notes" if meta.get("lang") == "en" else "Lưu ý"
    main_done = False
    for head, text in sections(body):
        if head == notes_heading:
            bullets = len(_BULLET.findall(text))
            if bullets > MAX_NOTES:
                rep.error("notes", f"{where}: '## {notes_heading}' has {bullets} bullets (at most {MAX_NOTES})")
        numbers = [int(m.group(1)) for m in _NUMBERED.finditer(text)]
        if not numbers:
            continue
        if numbers != list(range(1, len(numbers) + 1)):
            rep.error("steps", f"{where}: the steps of '## {head or '(top)'}' are numbered {numbers[:8]} "
                               f"(number each section's steps 1, 2, 3 …)")
        if not main_done and head:
            main_done = True
            words = len(_WORD.findall(text))
            if words > MAIN_PATH_MAX:
                rep.error("main-path", f"{where}: the main path '## {head}' has {words} words (at most {MAIN_PATH_MAX}; "
                                       f"aim for {MAIN_PATH_WARN})")
            elif words > MAIN_PATH_WARN:
                rep.warn("main-path", f"{where}: the main path '## {head}' has {words} words (aim for {MAIN_PATH_WARN})")


def _check_questions(where: str, meta: dict[str, Any], reviewed: dt.date | None, rep: Report) -> None:
    qs = meta.get("questions")
    if "questions" in meta and not isinstance(qs, list):
        rep.error("front-matter", f"{where}: questions must be a list")
        return
    if meta.get("lang") != "vi":
        return
    qs = [str(q) for q in qs or [] if str(q).strip()]
    problems = []
    if len(qs) < MIN_QUESTIONS:
        problems.append(f"has {len(qs)} questions (at least {MIN_QUESTIONS})")
    if not any(not has_tone_marks(q) for q in qs):
        problems.append("has no question typed without tone marks")
    strict = reviewed is not None and reviewed >= SECOND_EDITION
    for p in problems:
        (rep.error if strict else rep.warn)("questions", f"{where}: {p}")


def check_guide(path: Path, meta: dict[str, Any], body: str, domains: list[str], max_words: int,
                stale_days: int, today: dt.date, rep: Report, denylist: list[str] | None = None) -> None:
    where = str(path)
    for k in GUIDE_REQUIRED:
        if meta.get(k) in (None, "", []):
            rep.error("front-matter", f"{where}: front matter lacks '{k}'")
    for key, allowed in (("topic", TOPICS), ("audience", AUDIENCES), ("lang", LANGS)):
        if meta.get(key) not in allowed:
            rep.error("front-matter", f"{where}: {key} {meta.get(key)!r} is not one of {sorted(allowed)}")
    if meta.get("topic") in TOPICS and path.parent.name != meta.get("topic"):
        rep.error("front-matter", f"{where}: topic {meta.get('topic')!r} but the file is in {path.parent.name}/")
    doc_id = str(meta.get("id", ""))
    if doc_id and path.stem != doc_id:
        rep.error("front-matter", f"{where}: id {doc_id!r} differs from the file name")
    if meta.get("lang") == "en" and doc_id and not doc_id.endswith("-en"):
        rep.error("front-matter", f"{where}: an English guide's id must end in '-en'")
    _check_sources(where, meta, domains, denylist or [], rep)
    reviewed = None
    if meta.get("reviewed_on") not in (None, ""):
        reviewed = as_date(meta["reviewed_on"])
        if reviewed is None:
            rep.error("reviewed-on", f"{where}: reviewed_on {meta['reviewed_on']!r} is not a date (YYYY-MM-DD)")
        elif reviewed > today:
            rep.error("reviewed-on", f"{where}: reviewed_on {reviewed} is in the future")
        elif (today - reviewed).days > stale_days:
            rep.warn("stale", f"{where}: stale, reviewed {(today - reviewed).days} days ago")
    if not isinstance(meta.get("tags"), list):
        rep.error("front-matter", f"{where}: tags must be a list")
    _check_questions(where, meta, reviewed, rep)
    words = len(_WORD.findall(body))
    if words > max_words:
        rep.error("length", f"{where}: the body has {words} words (at most {max_words})")
    if not _STEP.search(body):
        rep.error("steps", f"{where}: no numbered steps ('1. …')")
    heading = "## Notes" if meta.get("lang") == "en" else "## Lưu ý"
    if heading not in body:
        rep.error("structure", f"{where}: missing the '{heading}' section")
    if unicodedata.normalize("NFC", body) != body:
        rep.error("structure", f"{where}: text is not NFC-normalised")
    _check_structure(where, meta, body, rep)
    facts = parse_facts(where, meta.get("facts"), today, rep)
    statements = "\n".join([str(meta.get("title") or ""), str(meta.get("summary") or ""), body])
    check_required_facts(where, statements, facts, rep)  # questions are how people ask, not statements
    check_text(where, citizen_text(meta, body), domains, rep)
