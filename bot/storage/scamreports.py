"""The scam checker's tables (issue 20): reported domains and phone numbers, and the anonymous check log.

`SqlScamReports` lists, adds, deletes and imports reported items (an import with one bad line writes
nothing) and gives the checker its lists; `version()` changes whenever the table does, so every process
can reload within a few seconds (bootstrap.ReportedLists). `SqlScamCheckLog` keeps, per check, only the
week, the channel, the verdict and a matched look-alike/reported host — never text or phone numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.scamcheck.reports import DOMAIN, PHONE, ReportItem
from bot.storage.tables.base import utcnow
from bot.storage.tables.scam import ScamCheckRow, ScamReportRow


@dataclass(frozen=True)
class ScamReport:
    id: int
    item: ReportItem
    added_by: str
    added_at: datetime

    def as_dict(self) -> dict[str, object]:
        it = self.item
        return {"id": self.id, "kind": it.kind, "value": it.value, "source": it.source,
                "reported_on": it.reported_on.isoformat() if it.reported_on else "", "note": it.note,
                "added_by": self.added_by, "added_at": self.added_at.isoformat()}


def _report(r: ScamReportRow) -> ScamReport:
    return ScamReport(r.id, ReportItem(r.kind, r.value, r.source or "", r.reported_on, r.note or ""),
                      r.added_by or "", r.added_at)


class SqlScamReports:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def entries(self, *, kind: str = "", q: str = "", limit: int = 1000) -> list[ScamReport]:
        with self.sessions() as s:
            query = select(ScamReportRow).order_by(ScamReportRow.id.desc()).limit(limit)
            if kind:
                query = query.where(ScamReportRow.kind == kind)
            if q.strip():
                query = query.where(ScamReportRow.value.contains(q.strip().lower()))
            return [_report(r) for r in s.scalars(query)]

    def get(self, report_id: int) -> ScamReport | None:
        with self.sessions() as s:
            row = s.get(ScamReportRow, report_id)
            return _report(row) if row else None

    def _add(self, s: Session, items: list[ReportItem], added_by: str) -> tuple[list[ScamReport], int]:
        have = {(k, v) for k, v in s.execute(select(ScamReportRow.kind, ScamReportRow.value).where(
            ScamReportRow.value.in_([i.value for i in items])))} if items else set()
        rows = []
        for it in items:
            if (it.kind, it.value) in have:
                continue
            have.add((it.kind, it.value))
            row = ScamReportRow(kind=it.kind, value=it.value, source=it.source, reported_on=it.reported_on,
                                note=it.note, added_by=added_by, added_at=utcnow())
            s.add(row)
            rows.append(row)
        s.flush()
        return [_report(r) for r in rows], len(items) - len(rows)

    def add(self, items: list[ReportItem], *, added_by: str) -> tuple[list[ScamReport], int]:
        """Adds the items not yet listed, in one transaction: (added, already listed)."""
        for _ in range(2):
            try:
                with self.sessions.begin() as s:
                    return self._add(s, items, added_by)
            except IntegrityError:  # the unique (kind, value): the second pass skips what was added
                continue
        raise RuntimeError("could not add the reported items")

    def delete(self, report_id: int) -> ScamReport | None:
        with self.sessions.begin() as s:
            row = s.get(ScamReportRow, report_id)
            if row is None:
                return None
            out = _report(row)
            s.delete(row)
            return out

    def lists(self) -> tuple[tuple[str, ...], frozenset[str]]:
        """(reported domains, reported phone numbers) for the checker."""
        with self.sessions() as s:
            rows = list(s.execute(select(ScamReportRow.kind, ScamReportRow.value)))
        return (tuple(sorted(v for k, v in rows if k == DOMAIN)), frozenset(v for k, v in rows if k == PHONE))

    def version(self) -> tuple[int, int]:
        """(rows, highest id): changes on every add and delete (ids are never reused)."""
        with self.sessions() as s:
            n, top = s.execute(select(func.count(), func.max(ScamReportRow.id))).one()
            return int(n or 0), int(top or 0)


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class SqlScamCheckLog:
    """Anonymous statistics of checks: (week, channel, verdict, matched host)."""

    def __init__(self, sessions: sessionmaker[Session], *, tz: tzinfo) -> None:
        self.sessions = sessions
        self.tz = tz

    def record(self, channel: str, verdict: str, hosts: tuple[str, ...] = ()) -> None:
        week = week_of(datetime.now(self.tz).date())
        with self.sessions.begin() as s:
            s.add(ScamCheckRow(week=week, channel=channel[:20], verdict=verdict[:12], host=(hosts[0] if hosts else "")[:253]))

    def report(self, since: date, until: date, *, top: int = 10) -> dict[str, list[dict[str, object]]]:
        """`weeks`: checks per week and verdict; `hosts`: the most frequent look-alike/reported hosts."""
        with self.sessions() as s:
            rows = list(s.execute(select(ScamCheckRow.week, ScamCheckRow.verdict, ScamCheckRow.host).where(
                ScamCheckRow.week >= week_of(since), ScamCheckRow.week <= until)))
        per: dict[date, Counter[str]] = {}
        hosts: Counter[str] = Counter()
        for week, verdict, host in rows:
            c = per.setdefault(week, Counter())
            c["checks"] += 1
            c[verdict] += 1
            if host:
                hosts[host] += 1
        weeks: list[dict[str, object]] = [
            {"week": w.isoformat(), "checks": c["checks"], "danger": c["danger"], "suspicious": c["suspicious"],
             "no_signs": c["no_signs"], "official": c["official"]} for w, c in sorted(per.items())]
        return {"weeks": weeks, "hosts": [{"host": h, "checks": n} for h, n in hosts.most_common(top)]}
