"""Ticket figures (pure): per commune and per volunteer counts, median first-response and close times,
mean rating; the citizen's wait estimate; the metrics CSV. The repository loads the figures, this module
computes them."""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.csvsafe import safe_cell
from bot.core.texts import t

LOCAL_WAIT_MIN_SAMPLES = 3  # a commune's own wait figure counts from this many answered tickets


def minutes(a: datetime | None, b: datetime | None) -> float | None:
    return (b - a).total_seconds() / 60 if a and b else None


@dataclass(frozen=True)
class TicketFigures:
    """One ticket as the metrics see it (times timezone-aware)."""

    commune: str
    status: str
    created_at: datetime
    claimed_at: datetime | None
    first_response_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    volunteer: str = ""  # username of the volunteer who claimed it, "" when nobody did
    volunteer_name: str = ""


@dataclass
class MetricsRow:
    key: str  # commune code or volunteer username
    name: str
    tickets: int = 0
    claimed: int = 0
    closed: int = 0
    first_response_min: list[float] = field(default_factory=list)
    close_min: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def add(self, f: TicketFigures) -> None:
        self.tickets += 1
        self.claimed += f.claimed_at is not None
        self.closed += f.status == "closed"
        if (fr := minutes(f.created_at, f.first_response_at)) is not None:
            self.first_response_min.append(fr)
        if f.status == "closed" and (cm := minutes(f.created_at, f.closed_at)) is not None:
            self.close_min.append(cm)
        if f.rating:
            self.ratings.append(f.rating)

    def as_dict(self) -> dict[str, object]:
        def med(xs: list[float]) -> float | None:
            return round(statistics.median(xs), 1) if xs else None

        return {"key": self.key, "name": self.name, "tickets": self.tickets, "claimed": self.claimed,
                "closed": self.closed, "median_first_response_min": med(self.first_response_min),
                "median_close_min": med(self.close_min),
                "mean_rating": round(statistics.fmean(self.ratings), 2) if self.ratings else None,
                "ratings": len(self.ratings)}


def ticket_metrics(figures: Iterable[TicketFigures],
                   commune_name: Callable[[str], str]) -> dict[str, list[dict[str, object]]]:
    """Rows per commune ("-" = unknown commune) and per volunteer, sorted by key."""
    by_commune: dict[str, MetricsRow] = {}
    by_volunteer: dict[str, MetricsRow] = {}
    for f in figures:
        name = commune_name(f.commune) if f.commune else t("vi", "tk_commune_unknown")
        by_commune.setdefault(f.commune or "-", MetricsRow(f.commune or "-", name)).add(f)
        if f.volunteer:
            by_volunteer.setdefault(f.volunteer, MetricsRow(f.volunteer, f.volunteer_name or f.volunteer)).add(f)
    return {"communes": [m.as_dict() for _, m in sorted(by_commune.items())],
            "volunteers": [m.as_dict() for _, m in sorted(by_volunteer.items())]}


def median_wait(samples: Iterable[tuple[str, datetime | None, datetime | None]], commune: str) -> float | None:
    """Median minutes to a volunteer's first answer from (commune, created, first response) samples: the
    commune's own when it has at least `LOCAL_WAIT_MIN_SAMPLES`, else the province's."""
    rows = [(c, m) for c, a, b in samples if (m := minutes(a, b)) is not None]
    local = [m for c, m in rows if c == commune]
    pick = local if len(local) >= LOCAL_WAIT_MIN_SAMPLES else [m for _, m in rows]
    return statistics.median(pick) if pick else None


def metrics_csv(rows: list[dict[str, object]]) -> str:
    """Ticket metrics rows (SqlTicketDesk.metrics) as CSV."""
    out = io.StringIO()
    cols = ["key", "name", "tickets", "claimed", "closed", "median_first_response_min", "median_close_min",
            "mean_rating", "ratings"]
    w = csv.DictWriter(out, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: safe_cell("" if r.get(k) is None else r.get(k)) for k in cols})
    return out.getvalue()
