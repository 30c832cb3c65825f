"""The ticket figures in the database: metrics per commune and volunteer, the citizen's wait estimate, the
number of active tickets (computed by bot/core/handoff/metrics.py). Part of `SqlTicketDesk`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.handoff.lifecycle import ACTIVE
from bot.core.handoff.metrics import TicketFigures, median_wait, ticket_metrics
from bot.storage.tables.accounts import UserRow
from bot.storage.tables.tickets import TicketRow


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


class TicketFigureQueries:
    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    commune_name: Callable[[str], str]
    wait_window: timedelta

    def median_wait_min(self, commune: str = "") -> float | None:
        """Median minutes to a volunteer's first answer over recent tickets (metrics.median_wait)."""
        since = self.clock() - self.wait_window
        with self.sessions() as s:
            rows = s.execute(select(TicketRow.commune, TicketRow.created_at, TicketRow.first_response_at).where(
                TicketRow.created_at >= since, TicketRow.first_response_at.is_not(None))).all()
        return median_wait(((c, _aware(a), _aware(b)) for c, a, b in rows), commune)

    # ---- metrics -----------------------------------------------------------------------------------
    def metrics(self, *, since: datetime | None = None, until: datetime | None = None,
                communes: tuple[str, ...] | None = None) -> dict[str, list[dict[str, object]]]:
        with self.sessions() as s:
            q = select(TicketRow, UserRow.username, UserRow.display_name).outerjoin(
                UserRow, UserRow.id == TicketRow.claimed_by)
            if since is not None:
                q = q.where(TicketRow.created_at >= since)
            if until is not None:
                q = q.where(TicketRow.created_at < until)
            if communes is not None:
                q = q.where(TicketRow.commune.in_(communes))
            figures = [TicketFigures(r.commune, r.status, _aware(r.created_at) or r.created_at, _aware(r.claimed_at),
                                     _aware(r.first_response_at), _aware(r.closed_at), r.rating, username or "",
                                     display or "") for r, username, display in s.execute(q).all()]
        return ticket_metrics(figures, self.commune_name)

    def open_count(self) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(TicketRow).where(TicketRow.status.in_(ACTIVE))) or 0)
