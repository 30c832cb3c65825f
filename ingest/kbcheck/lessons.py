"""Rules for the learning modules (`knowledge/lessons/*.yaml`) and the quiz statistics.

Quiz balance (issue 16): the length of an option must not give the answer away and neither must its place.
- `longest`: items whose correct option is the longest (strictly or tied) — at most 35% of all items;
  `shortest` likewise at most 45% (rewriting every correct answer to be the shortest is a tell too).
- `positions`: per number of options, how many items have their correct answer at A, B, C, D … — among the
  items with the same number of options (when there are at least 4 of them), no position may hold more
  than 50% of the correct answers.
- every item has exactly one correct option.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from ingest.kbcheck.guides import check_text
from ingest.kbcheck.report import Report

MAX_LONGEST_SHARE = 0.35
MAX_SHORTEST_SHARE = 0.45
MAX_POSITION_SHARE = 0.50
MIN_GROUP = 4  # the position rule applies to option counts with at least this many items


def quiz_stats(items: list[list[tuple[str, bool]]]) -> dict[str, Any]:
    """Statistics of quiz items given as lists of (option text, correct)."""
    n = longest = shortest = 0
    positions: dict[int, Counter[str]] = {}
    for opts in items:
        correct = [i for i, (_, ok) in enumerate(opts) if ok]
        if len(correct) != 1:
            continue
        n += 1
        lengths = [len(t.strip()) for t, _ in opts]
        if lengths[correct[0]] == max(lengths):
            longest += 1
        if lengths[correct[0]] == min(lengths):
            shortest += 1
        positions.setdefault(len(opts), Counter())["ABCDEFGH"[correct[0]] if correct[0] < 8 else str(correct[0])] += 1
    return {"items": n, "correct_is_longest": longest,
            "correct_is_longest_pct": round(100 * longest / n, 1) if n else 0.0,
            "correct_is_shortest": shortest, "correct_is_shortest_pct": round(100 * shortest / n, 1) if n else 0.0,
            "positions": {str(k): dict(sorted(v.items())) for k, v in sorted(positions.items())}}


def check_quiz_balance(stats: dict[str, Any], where: str, rep: Report) -> None:
    n = stats["items"]
    if n and stats["correct_is_longest"] / n > MAX_LONGEST_SHARE:
        rep.error("quiz-longest", f"{where}: the correct option is the longest in {stats['correct_is_longest']} of {n} "
                                  f"quiz items ({stats['correct_is_longest_pct']}%, at most {MAX_LONGEST_SHARE:.0%})")
    if n and stats["correct_is_shortest"] / n > MAX_SHORTEST_SHARE:
        rep.error("quiz-shortest", f"{where}: the correct option is the shortest in {stats['correct_is_shortest']} of "
                                   f"{n} quiz items ({stats['correct_is_shortest_pct']}%, at most {MAX_SHORTEST_SHARE:.0%})")
    for k, counts in stats["positions"].items():
        total = sum(counts.values())
        if total < MIN_GROUP:
            continue
        pos, top = max(counts.items(), key=lambda kv: kv[1])
        if top / total > MAX_POSITION_SHARE:
            rep.error("quiz-position", f"{where}: {top} of {total} items with {k} options answer {pos} "
                                       f"(at most {MAX_POSITION_SHARE:.0%} per position)")


def _lesson_text(lesson: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of everything a learner reads in a lesson."""
    out = [("title", str(lesson.get("title") or ""))]
    out += [(f"card {i + 1}", str(c)) for i, c in enumerate(lesson.get("cards") or [])]
    if isinstance(lesson.get("practice"), dict):
        out.append(("practice", str(lesson["practice"].get("task") or "")))
    for item in lesson.get("quiz") or []:
        if not isinstance(item, dict):
            continue
        qid = item.get("id", "?")
        out.append((f"quiz {qid}", str(item.get("question") or "")))
        for o in item.get("options") or []:
            if isinstance(o, dict):
                out.append((f"quiz {qid} option", str(o.get("text") or "")))
        out.append((f"quiz {qid} explanation", str(item.get("explanation") or "")))
    return out


def check_lessons(directory: Path, guide_ids: set[str], rep: Report, domains: list[str] | None = None) -> None:
    ids: Counter[str] = Counter()
    all_items: list[list[tuple[str, bool]]] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            rep.error("lessons", f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
            rep.error("lessons", f"{path}: a module needs 'id', 'title' and a list of 'lessons'")
            continue
        rep.counts["modules"] += 1
        for k in ("id", "title", "title_en", "order"):
            if data.get(k) in (None, ""):
                rep.error("lessons", f"{path}: module lacks '{k}'")
        ids[str(data.get("id"))] += 1
        for g in data.get("guides") or []:
            if g not in guide_ids:
                rep.error("lessons", f"{path}: module names unknown guide {g!r}")
        if domains is not None:
            check_text(f"{path}: module description", f"{data.get('title', '')}\n{data.get('description', '')}",
                       domains, rep)
        for lesson in data["lessons"]:
            if not isinstance(lesson, dict):
                rep.error("lessons", f"{path}: a lesson must be a mapping")
                continue
            lid = str(lesson.get("id", "?"))
            rep.counts["lessons"] += 1
            ids[lid] += 1
            _check_lesson(path, lid, lesson, ids, all_items, rep)
            if domains is not None:
                for label, text in _lesson_text(lesson):
                    check_text(f"{path}: lesson {lid} {label}", text, domains, rep)
    for i, n in ids.items():
        if n > 1:
            rep.error("lessons", f"{directory}: id {i!r} is used {n} times")
    rep.quiz = quiz_stats(all_items)
    check_quiz_balance(rep.quiz, str(directory), rep)


def _check_lesson(path: Path, lid: str, lesson: dict[str, Any], ids: Counter[str],
                  all_items: list[list[tuple[str, bool]]], rep: Report) -> None:
    cards = lesson.get("cards") or []
    if not 3 <= len(cards) <= 6:
        rep.error("lessons", f"{path}: lesson {lid} has {len(cards)} cards (3-6)")
    for c in cards:
        rep.counts["cards"] += 1
        if not isinstance(c, str) or not c.strip() or len(c) > 300:
            rep.error("lessons", f"{path}: lesson {lid} has a card that is empty or over 300 characters")
    if not isinstance(lesson.get("practice"), dict) or not lesson["practice"].get("task"):
        rep.error("lessons", f"{path}: lesson {lid} lacks a practice task")
    quiz = lesson.get("quiz") or []
    if not 3 <= len(quiz) <= 5:
        rep.error("lessons", f"{path}: lesson {lid} has {len(quiz)} quiz items (3-5)")
    for item in quiz:
        qid = str(item.get("id", "?")) if isinstance(item, dict) else "?"
        rep.counts["quiz_items"] += 1
        ids[qid] += 1
        opts = item.get("options") if isinstance(item, dict) else None
        if not isinstance(opts, list) or len(opts) < 2:
            rep.error("quiz", f"{path}: quiz {qid} needs at least two options")
            continue
        correct = sum(1 for o in opts if isinstance(o, dict) and o.get("correct") is True)
        if correct != 1:
            rep.error("quiz", f"{path}: quiz {qid} has {correct} correct options (exactly 1)")
        if any(not isinstance(o, dict) or not str(o.get("text", "")).strip() for o in opts):
            rep.error("quiz", f"{path}: quiz {qid} has an option without text")
        if not str(item.get("question", "")).strip() or not str(item.get("explanation", "")).strip():
            rep.error("quiz", f"{path}: quiz {qid} lacks its question or explanation")
        all_items.append([(str(o.get("text", "")), o.get("correct") is True) if isinstance(o, dict) else ("", False)
                          for o in opts])
