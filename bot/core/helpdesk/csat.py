"""Satisfaction after a ticket: one 1–5 question, an optional comment, review items for low scores, and
the summaries the dashboard shows (per team, per volunteer, per topic, with a weekly trend)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

LOW_SCORE = 2  # a score at or below this opens a review item for the team lead
MAX_COMMENT = 1000


def parse_score(value: str) -> int | None:
    v = value.strip()
    return int(v) if v.isdigit() and 1 <= int(v) <= 5 else None


def is_low(score: int, threshold: int = LOW_SCORE) -> bool:
    return score <= threshold


@dataclass(frozen=True)
class CsatRecord:
    ticket_id: int
    score: int
    at: datetime
    team: str  # commune code, "" for the province
    volunteer: str  # display name ("" when nobody claimed)
    topic: str  # guide topic (vneid, dichvucong …) or "other"


@dataclass(frozen=True)
class GroupScore:
    key: str
    count: int
    mean: float
    low: int  # scores ≤ LOW_SCORE

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "count": self.count, "mean": round(self.mean, 2), "low": self.low}


def week_start(at: datetime, tz: tzinfo) -> str:
    """The Monday (local date, ISO) of the week `at` falls in."""
    local = at.astimezone(tz).date()
    return (local - timedelta(days=local.weekday())).isoformat()


def by_group(records: list[CsatRecord], key: str) -> list[GroupScore]:
    """Scores grouped by `team`, `volunteer` or `topic`, the lowest mean first."""
    groups: dict[str, list[int]] = {}
    for r in records:
        groups.setdefault(str(getattr(r, key)) or "-", []).append(r.score)
    out = [GroupScore(k, len(v), statistics.fmean(v), sum(1 for x in v if is_low(x))) for k, v in groups.items()]
    return sorted(out, key=lambda g: (g.mean, g.key))


def weekly_trend(records: list[CsatRecord], tz: tzinfo, *, weeks: int = 8, now: datetime) -> list[dict[str, object]]:
    """One row per week (oldest first) of the last `weeks` weeks, empty weeks included."""
    current = datetime.fromisoformat(week_start(now, tz)).date()
    keys = [(current - timedelta(weeks=i)).isoformat() for i in range(weeks - 1, -1, -1)]
    bucket: dict[str, list[int]] = {k: [] for k in keys}
    for r in records:
        k = week_start(r.at, tz)
        if k in bucket:
            bucket[k].append(r.score)
    return [{"week": k, "count": len(v), "mean": round(statistics.fmean(v), 2) if v else None,
             "low": sum(1 for x in v if is_low(x))} for k, v in bucket.items()]


def topic_of(topics: list[str], reason: str) -> str:
    """A ticket's topic: the topic of the first guide the bot had shown, else one named by its reason."""
    for topic in topics:
        if topic:
            return topic
    return {"urgent": "safety", "lesson_help": "learning"}.get(reason, "other")
