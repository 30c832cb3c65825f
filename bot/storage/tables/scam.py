"""The scam checker: reported domains and numbers, anonymous check statistics (issue 20; migration 0009)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.tables.base import Base, utcnow


class ScamReportRow(Base):
    """A domain or phone number reported as used by scammers (an advisory, a volunteer's confirmation).
    `value` is normalised: a lower-case host without `www.`, or a phone number as digits (a leading `+`
    kept for foreign numbers). These are the scammers' numbers, never a citizen's."""

    __tablename__ = "scam_reports"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_scam_reports_kind_value"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # domain | phone
    value: Mapped[str] = mapped_column(String(253))
    source: Mapped[str] = mapped_column(Text, default="")  # the advisory's title or URL, or who confirmed it
    reported_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    added_by: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScamCheckRow(Base):
    """One message checked in the chat or by the API, for the dashboard: the ISO week, the channel, the
    verdict and the look-alike or reported host when one matched — never the text or a phone number."""

    __tablename__ = "scam_checks"
    __table_args__ = (Index("ix_scam_checks_week", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    week: Mapped[date] = mapped_column(Date)  # the Monday of the check's week (local time)
    channel: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(12))
    host: Mapped[str] = mapped_column(String(253), default="")
