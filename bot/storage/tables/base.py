"""The declarative base every table module registers on, and the default timestamp."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(d: datetime | None) -> datetime | None:
    """A timestamp read back from the database in UTC (SQLite returns it without its zone)."""
    if d is not None and d.tzinfo is None:
        return d.replace(tzinfo=UTC)
    return d


class Base(DeclarativeBase):
    pass
