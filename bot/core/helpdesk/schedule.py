"""Team hours and days off: when a commune's (or the province's) volunteer team answers.

A team has opening hours (one span per day, local time), the weekdays it works (0 = Monday) and dates it
is off (holidays). `next_open` is the first moment, now or later, the team is on duty; times are computed
in the team's time zone (Asia/Ho_Chi_Minh unless told otherwise) and returned in that zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

PROVINCE = "province"  # the team of the province pool
_SPAN = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


class ScheduleError(ValueError):
    """A team schedule that cannot be used (bad hours, bad day numbers, bad dates)."""


def parse_span(spec: str) -> tuple[time, time]:
    """"07:00-21:00" -> (07:00, 21:00). Raises ScheduleError."""
    m = _SPAN.fullmatch(spec or "")
    if not m:
        raise ScheduleError(f"hours must look like 07:00-21:00, not {spec!r}")
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and 0 <= m1 <= 59 and 0 <= m2 <= 59) or (h2 == 24 and m2):
        raise ScheduleError(f"not a time of day: {spec!r}")
    end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
    start = time(h1, m1)
    if end <= start:
        raise ScheduleError(f"the end must be after the start: {spec!r}")
    return start, end


@dataclass(frozen=True)
class TeamSchedule:
    """When one team answers. `days_off` are local dates (holidays) on which it does not."""

    team: str = PROVINCE
    start: time = time(7, 0)
    end: time = time(21, 0)
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    days_off: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def build(cls, team: str, hours: str, days: list[int] | tuple[int, ...],
              days_off: list[str] | tuple[str, ...] = ()) -> TeamSchedule:
        """Validated schedule from plain values (hours "HH:MM-HH:MM", ISO dates). Raises ScheduleError."""
        start, end = parse_span(hours)
        if not days or any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
            raise ScheduleError("days must be a non-empty list of 0 (Monday) … 6 (Sunday)")
        off: set[date] = set()
        for d in days_off:
            try:
                off.add(date.fromisoformat(str(d)))
            except ValueError:
                raise ScheduleError(f"a day off must be a date like 2026-09-02, not {d!r}") from None
        return cls(team, start, end, tuple(sorted(set(days))), frozenset(off))

    @property
    def hours(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def as_dict(self) -> dict[str, object]:
        return {"team": self.team, "hours": self.hours, "days": list(self.days),
                "days_off": sorted(d.isoformat() for d in self.days_off)}

    def _works_on(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.days_off

    def is_open(self, now: datetime, tz: tzinfo) -> bool:
        local = now.astimezone(tz)
        return self._works_on(local.date()) and self.start <= local.time() < self.end

    def next_open(self, now: datetime, tz: tzinfo) -> datetime | None:
        """`now` (in `tz`) when on duty, else the next opening; None when the team never opens in a year."""
        local = now.astimezone(tz)
        if self.is_open(now, tz):
            return local
        for d in range(0, 367):
            day = local.date() + timedelta(days=d)
            if not self._works_on(day):
                continue
            candidate = datetime.combine(day, self.start, tzinfo=tz)
            if candidate > local:
                return candidate
        return None
