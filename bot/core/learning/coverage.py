"""Coverage against the province's targets (pure): who counts, per commune and group, and how far each is
from each target. The storage adapter counts learners; this module turns counts into report rows.
The counting rules are written down in docs/LEARNING.md.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.core.communes import CommuneDirectory
from bot.core.csvsafe import safe_row
from bot.core.learning.model import GROUPS
from bot.core.text import fold

ALL = "*"
UNKNOWN = ""  # a learner who skipped the question


@dataclass(frozen=True)
class Target:
    """`share` (0–1) of the people in `groups` ("*" = every group) have basic digital skills by `by`."""

    groups: tuple[str, ...]
    share: float
    by: date

    def applies(self, group: str) -> bool:
        return ALL in self.groups or group in self.groups


@dataclass
class CellCounts:
    """Learners of one (commune, group) cell."""

    learners: int = 0  # learners with at least one statement
    skilled: int = 0  # learners who meet the counting rule (completed every basic-skills module)
    completed: dict[str, int] = field(default_factory=dict)  # module id -> learners who completed it


@dataclass(frozen=True)
class TargetGap:
    by: date
    target: int  # people who should have basic digital skills by then
    target_pct: float | None
    gap: int  # people still missing (0 when reached)


@dataclass(frozen=True)
class CoverageRow:
    commune: str  # "*" when not broken down by commune; "" = not given
    commune_name: str
    group: str  # "*" when not broken down by group; "" = not given
    population: int
    learners: int
    completed: dict[str, int]
    skilled: int
    coverage_pct: float | None
    targets: tuple[TargetGap, ...]


@dataclass(frozen=True)
class ProgressReport:
    by: tuple[str, ...]
    modules: tuple[str, ...]
    basic_modules: tuple[str, ...]
    deadlines: tuple[date, ...]
    rows: tuple[CoverageRow, ...]


def share_for(group: str, by: date, targets: Sequence[Target]) -> float:
    """The share of `group` the targets ask for by the deadline `by` (the highest that applies; targets
    with an earlier deadline still hold later)."""
    return max((x.share for x in targets if x.applies(group) and x.by <= by), default=0.0)


def build_report(cells: Mapping[tuple[str, str], CellCounts], populations: Mapping[tuple[str, str], int], *,
                 modules: Sequence[str], basic_modules: Sequence[str], targets: Sequence[Target],
                 by: Sequence[str] = ("commune", "group"), communes: CommuneDirectory | None = None) -> ProgressReport:
    """Rows per (commune, group) — or per commune, per group, or one province row, as `by` says.

    A target's gap is counted cell by cell (commune × group) and summed, so officials above their target do
    not hide adults below theirs."""
    deadlines = tuple(sorted({x.by for x in targets}))
    keys = set(cells) | set(populations)
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for commune, group in sorted(keys):
        key = (commune if "commune" in by else ALL, group if "group" in by else ALL)
        c = cells.get((commune, group), CellCounts())
        pop = int(populations.get((commune, group), 0))
        r = rows.setdefault(key, {"population": 0, "learners": 0, "skilled": 0,
                                  "completed": dict.fromkeys(modules, 0),
                                  "targets": dict.fromkeys(deadlines, 0), "gaps": dict.fromkeys(deadlines, 0)})
        r["population"] = int(r["population"]) + pop  # type: ignore[call-overload]
        r["learners"] = int(r["learners"]) + c.learners  # type: ignore[call-overload]
        r["skilled"] = int(r["skilled"]) + c.skilled  # type: ignore[call-overload]
        done: dict[str, int] = r["completed"]  # type: ignore[assignment]
        for m, n in c.completed.items():
            if m in done:
                done[m] += n
        tgt: dict[date, int] = r["targets"]  # type: ignore[assignment]
        gaps: dict[date, int] = r["gaps"]  # type: ignore[assignment]
        for d in deadlines:
            need = math.ceil(share_for(group, d, targets) * pop - 1e-9)
            tgt[d] += need
            gaps[d] += max(0, need - c.skilled)
    out: list[CoverageRow] = []
    order = {g: i for i, g in enumerate((*GROUPS, UNKNOWN, ALL))}
    for (commune, group), r in sorted(rows.items(), key=lambda kv: (kv[0][0] == UNKNOWN, kv[0][0],
                                                                     order.get(kv[0][1], 99), kv[0][1])):
        pop = int(r["population"])  # type: ignore[call-overload]
        skilled = int(r["skilled"])  # type: ignore[call-overload]
        tgt = r["targets"]  # type: ignore[assignment]
        gaps = r["gaps"]  # type: ignore[assignment]
        name = communes.name(commune) if communes is not None and commune not in (ALL, UNKNOWN) else ""
        out.append(CoverageRow(
            commune=commune, commune_name=name, group=group, population=pop,
            learners=int(r["learners"]), completed=dict(r["completed"]),  # type: ignore[call-overload]
            skilled=skilled, coverage_pct=round(100.0 * skilled / pop, 1) if pop else None,
            targets=tuple(TargetGap(d, tgt[d], round(100.0 * tgt[d] / pop, 1) if pop else None, gaps[d])
                          for d in deadlines)))
    return ProgressReport(tuple(by), tuple(modules), tuple(basic_modules), deadlines, tuple(out))


def table_rows(report: ProgressReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows as text (the CSV and the terminal table share them)."""
    head: list[str] = []
    if "commune" in report.by:
        head += ["commune_code", "commune_name"]
    if "group" in report.by:
        head.append("group")
    head += ["population", "learners", *(f"completed_{m}" for m in report.modules), "skilled", "coverage_pct"]
    for d in report.deadlines:
        head += [f"target_pct_{d.isoformat()}", f"target_{d.isoformat()}", f"gap_{d.isoformat()}"]
    rows: list[list[str]] = []
    for r in report.rows:
        row: list[str] = []
        if "commune" in report.by:
            row += [r.commune, r.commune_name]
        if "group" in report.by:
            row.append(r.group)
        row += [str(r.population), str(r.learners), *(str(r.completed.get(m, 0)) for m in report.modules),
                str(r.skilled), "" if r.coverage_pct is None else f"{r.coverage_pct:.1f}"]
        for g in r.targets:
            row += ["" if g.target_pct is None else f"{g.target_pct:.1f}", str(g.target), str(g.gap)]
        rows.append(row)
    return head, rows


def report_csv(report: ProgressReport) -> str:
    head, rows = table_rows(report)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    w.writerows(safe_row(r) for r in rows)
    return buf.getvalue()


def report_json(report: ProgressReport) -> dict[str, object]:
    return {
        "by": list(report.by), "modules": list(report.modules), "basic_modules": list(report.basic_modules),
        "deadlines": [d.isoformat() for d in report.deadlines],
        "rows": [{"commune": r.commune, "commune_name": r.commune_name, "group": r.group,
                  "population": r.population, "learners": r.learners, "completed": r.completed,
                  "skilled": r.skilled, "coverage_pct": r.coverage_pct,
                  "targets": [{"by": g.by.isoformat(), "target": g.target, "target_pct": g.target_pct, "gap": g.gap}
                              for g in r.targets]} for r in report.rows],
    }


# ---- denominators -----------------------------------------------------------------------------------
_GROUP_NAMES = {
    "can_bo": ("can bo", "cong chuc", "vien chuc", "can bo cong chuc vien chuc", "officials"),
    "hoc_sinh": ("hoc sinh", "sinh vien", "hoc sinh sinh vien", "students"),
    "lao_dong": ("nguoi lao dong", "lao dong", "workers", "adults"),
    "cao_tuoi": ("nguoi cao tuoi", "cao tuoi", "elderly", "older people"),
    "khac": ("khac", "other"),
}


def parse_group(text: str) -> str | None:
    """A group code from its code or its (folded) Vietnamese or English name."""
    k = " ".join(fold(text).lower().replace(",", " ").replace("/", " ").split())
    if k.replace(" ", "_") in GROUPS:
        return k.replace(" ", "_")
    for code, names in _GROUP_NAMES.items():
        if k in names:
            return code
    return None


@dataclass(frozen=True)
class DenominatorRowIn:
    commune: str
    group: str
    population: int


def parse_denominators(text: str, communes: CommuneDirectory) -> tuple[list[DenominatorRowIn], list[str]]:
    """`commune_code,group,population` rows. Returns the rows and one error per bad line (with its line
    number); the caller writes nothing when there is any error."""
    rows: list[DenominatorRowIn] = []
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    want = ["commune_code", "group", "population"]
    if header is None or [h.strip().lower() for h in header[:3]] != want:
        return [], [f"line 1: the header must be {','.join(want)}"]
    seen: dict[tuple[str, str], int] = {}
    for n, raw in enumerate(reader, start=2):
        if not any(x.strip() for x in raw):
            continue
        if len(raw) < 3:
            errors.append(f"line {n}: expected 3 columns, got {len(raw)}")
            continue
        code, group_text, pop_text = (x.strip() for x in raw[:3])
        commune = communes.get(code) if len(communes) else None
        if len(communes) and commune is None:
            errors.append(f"line {n}: unknown commune code {code!r}")
            continue
        code = commune.code if commune is not None else code
        group = parse_group(group_text)
        if group is None:
            errors.append(f"line {n}: unknown group {group_text!r} (one of {', '.join(GROUPS)})")
            continue
        if not pop_text.isdigit():
            errors.append(f"line {n}: population must be a whole number ≥ 0, not {pop_text!r}")
            continue
        if (code, group) in seen:
            errors.append(f"line {n}: {code},{group} already given on line {seen[(code, group)]}")
            continue
        seen[(code, group)] = n
        rows.append(DenominatorRowIn(code, group, int(pop_text)))
    if not rows and not errors:
        errors.append("no data rows")
    return rows, errors


def flatten(statements: Iterable[Mapping[str, object]]) -> Iterable[list[str]]:
    """xAPI statements as CSV rows (header first)."""
    yield ["id", "timestamp", "actor", "verb", "object_id", "object_type", "object_name", "success", "completion",
           "score_raw", "score_max", "score_scaled", "response", "platform"]
    for s in statements:
        actor = s.get("actor") or {}
        verb = s.get("verb") or {}
        obj = s.get("object") or {}
        result = s.get("result") or {}
        context = s.get("context") or {}
        assert isinstance(actor, dict) and isinstance(verb, dict) and isinstance(obj, dict)
        assert isinstance(result, dict) and isinstance(context, dict)
        definition = obj.get("definition") or {}
        score = result.get("score") or {}
        name = (definition.get("name") or {}).get("vi-VN", "") if isinstance(definition, dict) else ""

        def cell(v: object) -> str:
            return "" if v is None else ("true" if v is True else "false" if v is False else str(v))

        yield [cell(s.get("id")), cell(s.get("timestamp")), cell((actor.get("account") or {}).get("name")),
               cell(verb.get("id")), cell(obj.get("id")), cell(definition.get("type") if isinstance(definition, dict)
                                                                else ""),
               cell(name), cell(result.get("success")), cell(result.get("completion")), cell(score.get("raw")),
               cell(score.get("max")), cell(score.get("scaled")), cell(result.get("response")),
               cell(context.get("platform"))]
