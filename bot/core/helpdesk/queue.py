"""Place in the queue and an honest wait estimate.

The estimate is the median time to a volunteer's first answer over recent tickets, taken from the
narrowest group with enough figures: the same commune at the same local hour, the commune at any hour,
the province at that hour, the province at any hour. With fewer than `min_samples` figures everywhere the
estimate is "no data" and the citizen is told so plainly rather than given a made-up number.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

MIN_SAMPLES = 3


@dataclass(frozen=True)
class WaitSample:
    """One recent ticket: its commune, the local hour it was opened, minutes to the first answer."""

    commune: str
    hour: int
    minutes: float


@dataclass(frozen=True)
class Estimate:
    minutes: float | None  # None: not enough figures
    basis: str  # commune_hour | commune | province_hour | province | none
    samples: int


def estimate(samples: list[WaitSample], *, commune: str, hour: int, min_samples: int = MIN_SAMPLES) -> Estimate:
    """The median first-response time of the narrowest group with at least `min_samples` figures."""
    groups = (
        ("commune_hour", [s.minutes for s in samples if commune and s.commune == commune and s.hour == hour]),
        ("commune", [s.minutes for s in samples if commune and s.commune == commune]),
        ("province_hour", [s.minutes for s in samples if s.hour == hour]),
        ("province", [s.minutes for s in samples]),
    )
    for basis, xs in groups:
        if len(xs) >= max(1, min_samples):
            return Estimate(float(statistics.median(xs)), basis, len(xs))
    return Estimate(None, "none", len(samples))


@dataclass(frozen=True)
class QueueEntry:
    """An open ticket as the queue sees it."""

    id: int
    priority: str  # normal | urgent
    commune: str
    pooled: bool
    created_at: datetime


def same_queue(a: QueueEntry, b: QueueEntry) -> bool:
    """Tickets the same volunteers would pick from: the pool, or one commune's tickets."""
    return (a.pooled and b.pooled) or (not a.pooled and not b.pooled and a.commune == b.commune)


def _order(e: QueueEntry) -> tuple[int, datetime, int]:
    return (0 if e.priority == "urgent" else 1, e.created_at, e.id)


def position(open_tickets: list[QueueEntry], ticket_id: int) -> int:
    """1 for the next ticket a volunteer would take from this ticket's queue (urgent first, then oldest);
    0 when the ticket is not waiting."""
    mine = next((e for e in open_tickets if e.id == ticket_id), None)
    if mine is None:
        return 0
    key = _order(mine)
    return 1 + sum(1 for e in open_tickets if e.id != mine.id and same_queue(e, mine) and _order(e) < key)


def positions(open_tickets: list[QueueEntry]) -> dict[int, int]:
    return {e.id: position(open_tickets, e.id) for e in open_tickets}


def worth_telling(last_told: int, now: int) -> bool:
    """Tell a waiting citizen their new place only when it moved meaningfully: forward into the first
    three, or forward by three or more. Never for standing still or moving back (an urgent case came in)."""
    if now <= 0 or last_told <= 0 or now >= last_told:
        return False
    return now <= 3 or last_told - now >= 3
